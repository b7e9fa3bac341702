//! Reader batches of one partition (or of several, `apply_live_runs`), applied in ONE
//! MariaDB transaction: lock each checkpoint, skip what it already covers, `project()` the rest in offset order into a
//! `Workspace`, write the workspace, store the new checkpoints, commit. Rows and
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

impl<'a> Target<'a> {
    /// The live read models (checkpoint name `views::PROJECTION`), projecting `projection`.
    pub fn live(projection: &'a Projection) -> Self {
        Self {
            name: views::PROJECTION,
            projection,
        }
    }
}

/// One partition's records, in offset order.
pub type Run<'r> = (i32, &'r [LogEntry]);

/// Applies `records` (of one partition, in offset order) exactly once. Offline callers
/// (replay, the CLI) may start past the checkpoint: a partial rebuild starts where it is told.
pub async fn apply(
    pool: &MySqlPool,
    target: Target<'_>,
    partition: i32,
    records: &[LogEntry],
) -> sqlx::Result<BatchReport> {
    let mut reports = apply_checked(pool, target, &[(partition, records)], Continuity::Any).await?;
    Ok(reports.pop().expect("one report per run"))
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
    let mut reports = apply_live_runs(pool, target, &[(partition, records)]).await?;
    Ok(reports.pop().expect("one report per run"))
}

/// `apply_live` for the runs of several partitions in ONE transaction (one report per
/// run, in order): a lane serving several partitions pays one commit, one workspace load
/// and one flush for everything waiting in it. Each partition keeps its own checkpoint,
/// locked and saved in the same transaction, so exactly-once holds per partition as
/// with one run. Two runs must never name the same partition.
pub async fn apply_live_runs(
    pool: &MySqlPool,
    target: Target<'_>,
    runs: &[Run<'_>],
) -> sqlx::Result<Vec<BatchReport>> {
    apply_checked(pool, target, runs, Continuity::Contiguous).await
}

async fn apply_checked(
    pool: &MySqlPool,
    target: Target<'_>,
    runs: &[Run<'_>],
    continuity: Continuity,
) -> sqlx::Result<Vec<BatchReport>> {
    match apply_in(pool, target, runs, Mode::Whole, continuity).await {
        Err(error) if is_permanent(&error) => {
            let partitions: Vec<i32> = runs.iter().map(|(p, _)| *p).collect();
            tracing::warn!(%error, ?partitions, "batch rejected by the store; applying record by record");
            apply_in(pool, target, runs, Mode::RecordByRecord, continuity).await
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

/// One run inside the transaction: its partition's locked checkpoint and report.
struct RunState {
    checkpoint: Checkpoint,
    report: BatchReport,
    /// Offset of the run's last record not yet covered by the checkpoint.
    last_fresh: Option<i64>,
}

/// The records the checkpoints do not cover yet, and the run each belongs to.
#[derive(Default)]
struct Fresh<'r> {
    records: Vec<Decoded<'r>>,
    run_of: Vec<usize>,
}

async fn apply_in(
    pool: &MySqlPool,
    target: Target<'_>,
    runs: &[Run<'_>],
    mode: Mode,
    continuity: Continuity,
) -> sqlx::Result<Vec<BatchReport>> {
    let projection = target.name;
    let mut tx = pool.begin().await?;
    let (mut states, fresh) = match lock_runs(&mut tx, target, runs, continuity).await {
        Ok(locked) => locked,
        Err(error) => {
            tx.rollback().await?;
            return Err(error);
        }
    };
    if fresh.records.is_empty() {
        tx.rollback().await?;
        return Ok(states.into_iter().map(|state| state.report).collect());
    }
    let each = fresh.records.iter().zip(&fresh.run_of);
    match mode {
        Mode::Whole => {
            let mut ws =
                Workspace::load(&mut tx, target.projection, projection, &fresh.records).await?;
            for (decoded, run) in each {
                let state = &mut states[*run];
                let outcome =
                    project(&mut tx, projection, &mut ws, &mut state.checkpoint, decoded).await?;
                state.report.count(outcome);
            }
            ws.flush(&mut tx).await?;
        }
        Mode::RecordByRecord => {
            for (decoded, run) in each {
                let state = &mut states[*run];
                let outcome =
                    project_alone(&mut tx, target, &mut state.checkpoint, decoded).await?;
                state.report.count(outcome);
            }
        }
    }
    save_runs(&mut tx, projection, &mut states).await?;
    tx.commit().await?;
    Ok(states.into_iter().map(|state| state.report).collect())
}

/// Locks every run's checkpoint (one statement) and keeps the records it does not cover
/// yet; a run that starts past its checkpoint where `continuity` forbids it fails the
/// whole call.
async fn lock_runs<'r>(
    tx: &mut MySqlConnection,
    target: Target<'_>,
    runs: &[Run<'r>],
    continuity: Continuity,
) -> sqlx::Result<(Vec<RunState>, Fresh<'r>)> {
    let partitions: Vec<i32> = runs.iter().map(|(p, _)| *p).collect();
    let checkpoints = checkpoint::lock_many(tx, target.name, &partitions).await?;
    let mut states = Vec::with_capacity(runs.len());
    let mut fresh = Fresh::default();
    for (index, ((partition, records), checkpoint)) in runs.iter().zip(checkpoints).enumerate() {
        let first = records.first().map_or(checkpoint.next_offset, |r| r.offset);
        if continuity == Continuity::Contiguous && first > checkpoint.next_offset {
            return Err(sqlx::Error::Protocol(format!(
                "partition {partition}: the batch starts at offset {first} but the checkpoint is at {}; \
                 waiting for the records in between to be applied",
                checkpoint.next_offset
            )));
        }
        let mut last_fresh = None;
        for entry in records
            .iter()
            .filter(|e| e.offset >= checkpoint.next_offset)
        {
            fresh
                .records
                .push(Decoded::new(entry, &target.projection.kinds));
            fresh.run_of.push(index);
            last_fresh = Some(entry.offset);
        }
        states.push(RunState {
            report: BatchReport {
                partition: *partition,
                next_offset: checkpoint.next_offset,
                ..BatchReport::default()
            },
            last_fresh,
            checkpoint,
        });
    }
    Ok((states, fresh))
}

/// Moves the checkpoint of every run that had fresh records past its last one, all in
/// one statement.
async fn save_runs(
    tx: &mut MySqlConnection,
    projection: &str,
    states: &mut [RunState],
) -> sqlx::Result<()> {
    for state in states.iter_mut() {
        let Some(last) = state.last_fresh else {
            continue;
        };
        state.checkpoint.next_offset = last + 1;
        state.report.next_offset = state.checkpoint.next_offset;
        state.report.advanced = true;
    }
    let moved: Vec<(i32, &Checkpoint)> = states
        .iter()
        .filter(|state| state.report.advanced)
        .map(|state| (state.report.partition, &state.checkpoint))
        .collect();
    checkpoint::save_many(tx, projection, &moved).await
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
