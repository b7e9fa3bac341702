//! `clustergenie verify`: rebuilds the log into a scratch version and compares every
//! read-model table with the live one, row by row (`platform::checksum`), printing the
//! rows that differ; the process exits with status 1 when any does. The comparison is
//! exact although the live projector keeps running: the live tables are read inside one
//! consistent snapshot, and the scratch version is rebuilt up to exactly the checkpoints
//! that snapshot shows. Wall-clock bookkeeping columns are left out. Read-only on the
//! live schema; the scratch schema is dropped unless `--keep`.

use platform::checksum::{RowDifference, differences, table_digest_where};
use serde::Serialize;
use serde_json::json;
use sqlx::{Connection, MySqlConnection};

use super::Context;
use crate::output::Summary;
use crate::rebuild;

/// Columns stamped with the wall clock or an auto-increment counter when a row is
/// written, so a faithful rebuild differs there by design. A parked record's `reason`
/// is left out too: a record queued behind another names its head's id, and a projector
/// that crashed mid-batch has burnt auto-increment values. Which records are parked
/// (position, aggregate, raw value) is still compared.
pub fn excluded(table: &str) -> &'static [&'static str] {
    match table {
        "projection_checkpoint" => &["updated_at"],
        "parked_event" => &["parked_event_id", "parked_at", "reason"],
        "log_lines" => &["id"],
        _ => &[],
    }
}

/// The rows of a table a rebuild reproduces: `log_lines` is shared with log-consumer (a
/// log sink, not a fold of the event log), so only the projector's job-event lines count;
/// `projection_checkpoint` also holds the samples subscription's positions in
/// `metrics.samples` (telemetry, not the event log), which a rebuild never has.
fn projected_rows(table: &str) -> Option<String> {
    match table {
        "log_lines" => Some(format!("service = '{}'", views::job::log::WORKER_SERVICE)),
        "projection_checkpoint" => Some(format!(
            "projection <> '{}'",
            projector::samples::PROJECTION
        )),
        _ => None,
    }
}

/// Differences printed per table in the text summary (JSON has them all).
const SHOWN: usize = 20;

#[derive(Debug, Serialize)]
struct TableResult {
    table: String,
    live_rows: usize,
    rebuilt_rows: usize,
    equal: bool,
    differences: Vec<RowDifference>,
}

pub async fn run(ctx: &Context, keep: bool) -> anyhow::Result<Summary> {
    let primary = ctx.primary().await?;
    primary.live().await?;
    let scratch = primary.next_version().await?;
    let pool = primary.open(scratch, "scratch").await?;
    let result = compare(ctx, &primary, &pool, scratch).await;
    pool.close().await;
    if !keep {
        primary.drop_version(scratch).await?;
    }
    let tables = result?;
    let differing: Vec<&TableResult> = tables.iter().filter(|t| !t.equal).collect();
    let mut text = tables
        .iter()
        .map(|t| {
            let mark = if t.equal { "equal" } else { "DIFFERENT" };
            format!(
                "{:<24} {:>7} live {:>7} rebuilt  {mark}",
                t.table, t.live_rows, t.rebuilt_rows
            )
        })
        .collect::<Vec<_>>();
    for table in &differing {
        for d in table.differences.iter().take(SHOWN) {
            text.push(format!(
                "  {} key {}: live {} rebuilt {}",
                table.table,
                d.key,
                d.left.as_deref().unwrap_or("(missing)"),
                d.right.as_deref().unwrap_or("(missing)")
            ));
        }
    }
    text.push(if differing.is_empty() {
        "the live read models equal a rebuild from the log".to_owned()
    } else {
        format!(
            "{} table(s) differ from a rebuild from the log",
            differing.len()
        )
    });
    let ok = differing.is_empty();
    Ok(Summary {
        text: text.join("\n"),
        json: json!({"command": "verify", "equal": ok, "scratch_version": scratch, "kept": keep, "tables": tables}),
        ok,
    })
}

async fn compare(
    ctx: &Context,
    primary: &crate::versions::Primary,
    scratch_pool: &sqlx::MySqlPool,
    scratch: u32,
) -> anyhow::Result<Vec<TableResult>> {
    let mut live = primary.pool.acquire().await?.detach();
    // A snapshot of the live tables that the running projector cannot move.
    sqlx::query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut live)
        .await?;
    sqlx::query("START TRANSACTION WITH CONSISTENT SNAPSHOT")
        .execute(&mut live)
        .await?;
    let ends = crate::versions::checkpoints_in(&mut live, &primary.schema).await?;
    let bar = ctx.progress.bar(0, "verify");
    rebuild::run(
        scratch_pool,
        &ctx.source(),
        &rebuild::up_to(&ends),
        None,
        &bar,
    )
    .await?;
    bar.finish_and_clear();
    let schema = primary.schema_of(scratch);
    let mut rebuilt = scratch_pool.acquire().await?;
    let mut results = Vec::new();
    for table in primary.model_tables(&primary.schema).await? {
        let (skip, rows) = (excluded(&table), projected_rows(&table));
        let left =
            table_digest_where(&mut live, &primary.schema, &table, skip, rows.as_deref()).await?;
        let right =
            table_digest_where(&mut rebuilt, &schema, &table, skip, rows.as_deref()).await?;
        results.push(TableResult {
            live_rows: left.rows.len(),
            rebuilt_rows: right.rows.len(),
            equal: left.sha256 == right.sha256,
            differences: differences(&left, &right),
            table,
        });
    }
    sqlx::query("COMMIT").execute(&mut live).await?;
    close(live).await;
    Ok(results)
}

async fn close(conn: MySqlConnection) {
    let _ = conn.close().await;
}
