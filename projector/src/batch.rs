//! One reader batch of one partition, applied in ONE MariaDB transaction: lock the
//! checkpoint, skip what it already covers, `project()` the rest in offset order, store
//! the new checkpoint, commit. Rows and checkpoint therefore never disagree. Nothing here
//! touches Redis; that happens only after the commit.

use std::collections::BTreeMap;

use platform::kafka::LogEntry;
use sqlx::MySqlPool;

use crate::checkpoint;
use crate::project::{Change, Outcome, project};

/// What a committed batch did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchReport {
    pub partition: i32,
    /// The checkpoint after the batch.
    pub next_offset: i64,
    /// Whether the checkpoint moved (false when every record was already applied).
    pub advanced: bool,
    pub applied: u64,
    pub ignored: u64,
    pub parked: u64,
    /// The last change of each resource, keyed by `<kind>:<id>`.
    pub changes: BTreeMap<String, Change>,
}

impl BatchReport {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Applied(change) => {
                self.applied += 1;
                if let Some(change) = change {
                    let key = format!("{}:{}", change.kind, change.id);
                    self.changes.insert(key, change);
                }
            }
            Outcome::Ignored(reason) => {
                tracing::debug!(?reason, partition = self.partition, "record ignored");
                self.ignored += 1;
            }
            Outcome::Parked(reason) => {
                tracing::warn!(%reason, partition = self.partition, "record parked");
                self.parked += 1;
            }
        }
    }
}

/// Applies `records` (consecutive, of one partition) exactly once.
pub async fn apply(
    pool: &MySqlPool,
    projection: &str,
    partition: i32,
    records: &[LogEntry],
) -> sqlx::Result<BatchReport> {
    let mut tx = pool.begin().await?;
    let mut checkpoint = checkpoint::lock(&mut tx, projection, partition).await?;
    let mut report = BatchReport {
        partition,
        next_offset: checkpoint.next_offset,
        ..BatchReport::default()
    };
    for entry in records {
        if entry.offset < checkpoint.next_offset {
            continue;
        }
        let outcome = project(&mut tx, projection, &mut checkpoint, entry).await?;
        report.count(outcome);
        checkpoint.next_offset = entry.offset + 1;
    }
    if checkpoint.next_offset == report.next_offset {
        tx.rollback().await?;
        return Ok(report);
    }
    checkpoint::save(&mut tx, projection, partition, &checkpoint).await?;
    tx.commit().await?;
    report.next_offset = checkpoint.next_offset;
    report.advanced = true;
    Ok(report)
}
