//! `clustergenie replay`: (re)builds a read-model version from the log — everything, or a
//! selection (`--since`, `--partition`, `--aggregate`, which makes the version partial:
//! inspectable and verifiable, never cut over) — while the live read models keep serving.
//! Continuing a version resumes from its own checkpoints, so nothing is applied twice.

use serde_json::json;

use super::Context;
use crate::args::Selection;
use crate::output::Summary;
use crate::rebuild;

pub async fn run(
    ctx: &Context,
    version: Option<u32>,
    selection: &Selection,
) -> anyhow::Result<Summary> {
    let primary = ctx.primary().await?;
    let version = match version {
        Some(v) => v,
        None => primary.next_version().await?,
    };
    let scope = selection.scope();
    let pool = primary.open(version, &scope).await?;
    let source = ctx.source();
    let ranges = rebuild::ranges(&source, selection).await?;
    let bar = ctx.progress.bar(0, &format!("v{version}"));
    let totals = rebuild::run(
        &pool,
        &source,
        &ranges,
        selection.aggregate.as_deref(),
        &bar,
    )
    .await?;
    bar.finish_and_clear();
    let row = primary.version(version).await?;
    if row.state == "building" {
        primary.set_state(version, "ready").await?;
    }
    let row = primary.version(version).await?;
    let text = format!(
        "version {version} ({}, scope {}): read {} records — {} applied, {} ignored, {} parked\n\
         checkpoints: {:?}\nschema: {}",
        row.state,
        row.scope,
        totals.read,
        totals.applied,
        totals.ignored,
        totals.parked,
        totals.checkpoints,
        row.schema_name
    );
    Ok(Summary::ok(
        text,
        json!({"command": "replay", "version": row, "totals": totals}),
    ))
}
