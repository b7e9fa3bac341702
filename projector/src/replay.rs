//! Replay: stored records (a recording, a dump, a scratch rebuild) fed through the very
//! same `batch::apply` and `project()` as the live path, without Kafka or Redis. It
//! never has a code path of its own for applying a record.

use platform::kafka::LogEntry;
use sqlx::MySqlPool;

use crate::batch::{self, BatchReport, Target};

/// Applies `entries` (any mix of partitions, each partition in offset order).
pub async fn replay(
    pool: &MySqlPool,
    target: Target<'_>,
    entries: &[LogEntry],
) -> sqlx::Result<Vec<BatchReport>> {
    let mut reports = Vec::new();
    for run in entries.chunk_by(|a, b| a.partition == b.partition) {
        reports.push(batch::apply(pool, target, run[0].partition, run).await?);
    }
    Ok(reports)
}
