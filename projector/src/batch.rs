//! One reader batch of one partition, applied in ONE MariaDB transaction: lock the
//! checkpoint, skip what it already covers, `project()` the rest in offset order into a
//! `Workspace`, write the workspace, store the new checkpoint, commit. Rows and
//! checkpoint therefore never disagree. If the store rejects the batch's writes as data
//! (not as a transient failure), the batch is redone record by record, each in a
//! savepoint, so only the offending record is parked. Nothing here touches Redis.

use std::collections::BTreeMap;

use platform::kafka::LogEntry;
use sqlx::{Connection, MySqlConnection, MySqlPool};

use crate::checkpoint::{self, Checkpoint};
use crate::error::is_permanent;
use crate::project::{Change, Outcome, park, project};
use crate::views::Projection;
use crate::workspace::{Decoded, Workspace};

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
            Outcome::Applied(changes) => {
                self.applied += 1;
                for change in changes {
                    let key = format!("{}:{}", change.kind, change.id);
                    self.changes.insert(key, change);
                }
            }
            // Logged by `project()`, in the record's span.
            Outcome::Ignored(_) => self.ignored += 1,
            Outcome::Parked(_) => self.parked += 1,
        }
    }
}

/// Where a batch goes: the checkpoint name and what is projected.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub name: &'a str,
    pub projection: &'a Projection,
}

/// Applies `records` (of one partition, in offset order) exactly once. Offline callers
/// (replay, the CLI) may start past the checkpoint: a partial rebuild starts where it is told.
pub async fn apply(
    pool: &MySqlPool,
    target: Target<'_>,
    partition: i32,
    records: &[LogEntry],
) -> sqlx::Result<BatchReport> {
    apply_checked(pool, target, partition, records, Continuity::Any).await
}

/// Like `apply`, for the live reader, whose records must continue the checkpoint: if they
/// start past it, the checkpoint moved back under the reader (a cutover swapped in a
/// read-model version that was a few records behind) and applying them would skip the
/// records in between. Nothing is applied then; the error is transient, so the lane
/// retries until the gap is filled (the cutover catches the new version up right away).
/// This relies on the log's offsets being dense, which `cluster-events` guarantees: no
/// transactions (no control records), no compaction, records kept forever.
pub async fn apply_live(
    pool: &MySqlPool,
    target: Target<'_>,
    partition: i32,
    records: &[LogEntry],
) -> sqlx::Result<BatchReport> {
    apply_checked(pool, target, partition, records, Continuity::Contiguous).await
}

async fn apply_checked(
    pool: &MySqlPool,
    target: Target<'_>,
    partition: i32,
    records: &[LogEntry],
    continuity: Continuity,
) -> sqlx::Result<BatchReport> {
    match apply_in(pool, target, partition, records, Mode::Whole, continuity).await {
        Err(error) if is_permanent(&error) => {
            tracing::warn!(%error, partition, "batch rejected by the store; applying record by record");
            apply_in(
                pool,
                target,
                partition,
                records,
                Mode::RecordByRecord,
                continuity,
            )
            .await
        }
        outcome => outcome,
    }
}

/// Whether a batch may start past its partition's checkpoint.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Continuity {
    Any,
    Contiguous,
}

#[derive(Clone, Copy)]
enum Mode {
    /// One workspace for the whole batch: a handful of statements per batch.
    Whole,
    /// One workspace and savepoint per record: isolates a record the store rejects.
    RecordByRecord,
}

async fn apply_in(
    pool: &MySqlPool,
    target: Target<'_>,
    partition: i32,
    records: &[LogEntry],
    mode: Mode,
    continuity: Continuity,
) -> sqlx::Result<BatchReport> {
    let projection = target.name;
    let mut tx = pool.begin().await?;
    let mut checkpoint = checkpoint::lock(&mut tx, projection, partition).await?;
    let first = records.first().map_or(checkpoint.next_offset, |r| r.offset);
    if continuity == Continuity::Contiguous && first > checkpoint.next_offset {
        tx.rollback().await?;
        return Err(sqlx::Error::Protocol(format!(
            "partition {partition}: the batch starts at offset {first} but the checkpoint is at {}; \
             waiting for the records in between to be applied",
            checkpoint.next_offset
        )));
    }
    let mut report = BatchReport {
        partition,
        next_offset: checkpoint.next_offset,
        ..BatchReport::default()
    };
    let fresh: Vec<Decoded<'_>> = records
        .iter()
        .filter(|e| e.offset >= checkpoint.next_offset)
        .map(|entry| Decoded::new(entry, &target.projection.kinds))
        .collect();
    let Some(last) = fresh.last().map(|d| d.entry.offset) else {
        tx.rollback().await?;
        return Ok(report);
    };
    match mode {
        Mode::Whole => {
            let mut ws = Workspace::load(&mut tx, target.projection, projection, &fresh).await?;
            for decoded in &fresh {
                report
                    .count(project(&mut tx, projection, &mut ws, &mut checkpoint, decoded).await?);
            }
            ws.flush(&mut tx).await?;
        }
        Mode::RecordByRecord => {
            for decoded in &fresh {
                report.count(project_alone(&mut tx, target, &mut checkpoint, decoded).await?);
            }
        }
    }
    checkpoint.next_offset = last + 1;
    checkpoint::save(&mut tx, projection, partition, &checkpoint).await?;
    tx.commit().await?;
    report.next_offset = checkpoint.next_offset;
    report.advanced = true;
    Ok(report)
}

/// One record in a savepoint of its own; parked if the store rejects its writes.
async fn project_alone(
    tx: &mut MySqlConnection,
    target: Target<'_>,
    checkpoint: &mut Checkpoint,
    decoded: &Decoded<'_>,
) -> sqlx::Result<Outcome> {
    let projection = target.name;
    let before = checkpoint.clone();
    let mut savepoint = tx.begin().await?;
    let mut ws = Workspace::load(
        &mut savepoint,
        target.projection,
        projection,
        std::slice::from_ref(decoded),
    )
    .await?;
    let outcome = project(&mut savepoint, projection, &mut ws, checkpoint, decoded).await?;
    match ws.flush(&mut savepoint).await {
        Ok(()) => {
            savepoint.commit().await?;
            Ok(outcome)
        }
        Err(error) if is_permanent(&error) => {
            savepoint.rollback().await?;
            *checkpoint = before;
            let reason = format!("the store rejected the record: {error}");
            park(tx, projection, &mut Workspace::empty(), decoded, &reason).await?;
            let (partition, offset) = (decoded.entry.partition, decoded.entry.offset);
            tracing::warn!(%reason, partition, offset, "record parked");
            Ok(Outcome::Parked(reason))
        }
        Err(error) => Err(error),
    }
}
