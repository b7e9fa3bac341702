//! `clustergenie cutover --version N`: makes a fully built version live without stopping
//! anything. (1) Catch N up with the log until its checkpoints reach at least the live
//! ones. (2) One atomic `RENAME TABLE` swaps N's tables into the primary schema and the
//! live ones into their own version's schema: query-api's next query reads N, with the
//! same pool and grant, no restart. (3) Catch the now-live tables up again: the live
//! projector may have committed a few records into the old tables between (1) and (2);
//! its lane refuses batches that start past the checkpoint (`batch::apply_live`) and
//! retries until this step has filled the gap, after which it simply continues.
//! Exactly once per version: every step goes through each version's own checkpoints.
//! It refuses partial versions; for the live version it repeats step (3) only.

use std::collections::BTreeMap;

use serde_json::json;

use super::Context;
use crate::args::Selection;
use crate::output::Summary;
use crate::rebuild::{self, Totals};

/// Rounds of catching up before giving up on a projector that keeps running ahead.
const ROUNDS: usize = 10;

pub async fn run(ctx: &Context, version: u32) -> anyhow::Result<Summary> {
    let primary = ctx.primary().await?;
    let live = primary.live().await?;
    if live.version == version {
        return resume(ctx, &primary, version).await;
    }
    let target = primary.version(version).await?;
    anyhow::ensure!(
        target.scope == "full",
        "version {version} is partial ({}): only a full rebuild can go live",
        target.scope
    );
    let source = ctx.source();
    let pool = primary.pool_on(&target.schema_name).await?;
    let bar = ctx.progress.bar(0, &format!("v{version}"));
    let mut before = Totals::default();
    let mut caught_up = false;
    for _ in 0..ROUNDS {
        let ranges = rebuild::ranges(&source, &Selection::default()).await?;
        before = rebuild::run(&pool, &source, &ranges, None, &bar).await?;
        let live_now = crate::versions::checkpoints(&primary.pool).await?;
        if covers(&before.checkpoints, &live_now) {
            caught_up = true;
            break;
        }
    }
    bar.finish_and_clear();
    pool.close().await;
    anyhow::ensure!(
        caught_up,
        "version {version} did not catch up with the live read models in {ROUNDS} rounds"
    );
    primary.ensure_schema(&live.schema_name).await?;
    let tables = primary.swap(&target.schema_name, &live.schema_name).await?;
    primary.set_state(live.version, "retired").await?;
    primary.set_state(version, "live").await?;
    // The gap the live projector may be waiting on, filled through the live tables' checkpoints.
    let ranges = rebuild::ranges(&source, &Selection::default()).await?;
    let after = rebuild::run(
        &primary.pool,
        &source,
        &ranges,
        None,
        &ctx.progress.bar(0, "live"),
    )
    .await?;
    let text = format!(
        "version {version} is live (swapped {} tables); version {} retired to {}\n\
         caught up before the swap: {} records, after: {} records; checkpoints {:?}",
        tables.len(),
        live.version,
        live.schema_name,
        before.read,
        after.read,
        after.checkpoints
    );
    Ok(Summary::ok(
        text,
        json!({
            "command": "cutover",
            "live": version,
            "retired": live.version,
            "tables": tables,
            "before_swap": before,
            "after_swap": after,
        }),
    ))
}

/// A cutover to the live version only repeats step (3): if a cutover stopped between the
/// swap and its second catch-up, the live projector waits for that gap, and running the
/// same command again fills it.
async fn resume(
    ctx: &Context,
    primary: &crate::versions::Primary,
    version: u32,
) -> anyhow::Result<Summary> {
    let source = ctx.source();
    let ranges = rebuild::ranges(&source, &Selection::default()).await?;
    let after = rebuild::run(
        &primary.pool,
        &source,
        &ranges,
        None,
        &ctx.progress.bar(0, "live"),
    )
    .await?;
    Ok(Summary::ok(
        format!(
            "version {version} is live already; caught up {} records, checkpoints {:?}",
            after.read, after.checkpoints
        ),
        json!({"command": "cutover", "live": version, "already_live": true, "after_swap": after}),
    ))
}

/// Whether `version`'s checkpoints are at or past `live`'s in every partition.
fn covers(version: &BTreeMap<i32, i64>, live: &BTreeMap<i32, i64>) -> bool {
    live.iter()
        .all(|(p, end)| version.get(p).copied().unwrap_or(0) >= *end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_covers_the_live_checkpoints_when_at_or_past_each() {
        let live = BTreeMap::from([(0, 5), (1, 7)]);
        assert!(covers(&BTreeMap::from([(0, 5), (1, 9)]), &live));
        assert!(!covers(&BTreeMap::from([(0, 5), (1, 6)]), &live));
        assert!(!covers(&BTreeMap::from([(0, 5)]), &live));
        assert!(covers(&BTreeMap::from([(0, 1)]), &BTreeMap::new()));
    }
}
