//! The projection loop: dispatches reader events to a few lanes (partition p always to
//! lane p mod lanes), and each lane applies its batches in order, each in its own
//! transaction — every batch already waiting in the lane, of all its partitions, joined
//! into one — retrying transient failures with capped backoff and never advancing past a
//! batch that did not commit. It never decides validity and never writes anything but
//! through `batch::apply_live_runs` and the post-commit `Publisher`.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use platform::kafka::{LogEntry, ReaderEvent};
use platform::shutdown::Shutdown;
use sqlx::MySqlPool;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::batch::{self, BatchReport, Target};
use crate::cache::Publisher;
use crate::checkpoint;
use crate::telemetry::ProjectorMetrics;

/// What this instance has applied per partition, shared with the lag probe.
pub type Positions = Arc<Mutex<HashMap<i32, Applied>>>;

/// A partition's applied position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub next_offset: i64,
    /// When the last applied record was appended (the broker's record timestamp): the
    /// oldest record not applied yet is younger, so `now - this` bounds the time lag.
    pub last_appended_ms: Option<i64>,
}

const FIRST_BACKOFF: Duration = Duration::from_millis(50);
/// Batches buffered per lane.
const LANE_DEPTH: usize = 16;
/// A lane that fell behind stops joining waiting batches once it holds this many records
/// (so one transaction holds at most this plus one reader batch).
const MAX_COALESCED: usize = 5_000;

/// Everything the loop needs; cloned cheaply.
#[derive(Clone)]
pub struct Projector {
    pub pool: MySqlPool,
    /// The checkpoint name of the live read models.
    pub projection: String,
    /// What is projected: the registered aggregate types and views.
    pub views: Arc<crate::views::Projection>,
    pub publisher: Publisher,
    pub metrics: ProjectorMetrics,
    pub max_backoff: Duration,
    /// Lanes, hence concurrent transactions (`projector.lanes`; 0 = one per core).
    pub lanes: usize,
    pub positions: Positions,
    /// True while the loop runs; `/readyz` reports it.
    pub alive: Arc<AtomicBool>,
}

impl Projector {
    /// Runs until shutdown is requested (after each lane finishes the batch in flight) or
    /// the reader goes away (an error: the process should restart). Partitions are
    /// independent, so lanes' transactions overlap; a partition always goes to the same
    /// lane, so its batches stay in offset order. Few lanes, each taking everything
    /// waiting for it: under load a transaction holds many records of several partitions
    /// (one commit, one load, one flush), where a lane per partition made one small
    /// transaction per partition and paid MariaDB's fixed cost per statement for each.
    pub async fn run(
        self,
        mut events: mpsc::Receiver<ReaderEvent>,
        mut shutdown: Shutdown,
    ) -> anyhow::Result<()> {
        self.alive.store(true, Ordering::SeqCst);
        let lane_count = self.lane_count();
        let mut lanes: HashMap<usize, mpsc::Sender<(i32, Vec<LogEntry>)>> = HashMap::new();
        let mut workers = JoinSet::new();
        let result = loop {
            // Shutdown is observed between events; a lane observes it between batches, so
            // a transaction that has started always reaches its commit or rollback.
            let event = tokio::select! {
                biased;
                () = shutdown.wait() => break Ok(()),
                event = events.recv() => event,
            };
            match event {
                None => break Err(anyhow::anyhow!("the Kafka reader stopped")),
                Some(ReaderEvent::Records(partition, records)) => {
                    let index = usize::try_from(partition).unwrap_or(0) % lane_count;
                    let lane = lanes
                        .entry(index)
                        .or_insert_with(|| self.spawn_lane(&mut workers, shutdown.clone()));
                    // A full lane blocks here, which stops the reader: backpressure.
                    tokio::select! {
                        biased;
                        () = shutdown.wait() => break Ok(()),
                        sent = lane.send((partition, records)) => if sent.is_err() { break Ok(()) },
                    }
                }
                Some(ReaderEvent::Assigned(partitions)) => self.assigned(&partitions).await,
                Some(ReaderEvent::Revoked(partitions)) => self.revoked(&partitions),
            }
        };
        drop(lanes);
        while workers.join_next().await.is_some() {}
        self.alive.store(false, Ordering::SeqCst);
        result
    }

    /// One lane per core unless configured: more concurrent transactions than cores only
    /// take turns, and each pays its own commit. A lane is started by its first batch, so
    /// lanes beyond the partition count never run.
    fn lane_count(&self) -> usize {
        let lanes = match self.lanes {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        lanes.max(1)
    }

    /// A task applying its partitions' batches in order until its sender is dropped or
    /// shutdown is requested.
    fn spawn_lane(
        &self,
        workers: &mut JoinSet<()>,
        mut shutdown: Shutdown,
    ) -> mpsc::Sender<(i32, Vec<LogEntry>)> {
        let (sender, mut batches) = mpsc::channel::<(i32, Vec<LogEntry>)>(LANE_DEPTH);
        let projector = self.clone();
        workers.spawn(async move {
            while let Some(first) = batches.recv().await {
                let runs = coalesce(first, &mut batches);
                if shutdown.is_requested() || !projector.handle(&runs, &mut shutdown).await {
                    break;
                }
            }
        });
        sender
    }

    /// Applies one lane's runs in one transaction, retrying until it commits; false if
    /// shutdown came first.
    async fn handle(&self, runs: &BTreeMap<i32, Vec<LogEntry>>, shutdown: &mut Shutdown) -> bool {
        let runs: Vec<batch::Run<'_>> = runs.iter().map(|(p, r)| (*p, r.as_slice())).collect();
        let partitions = || runs.iter().map(|(p, _)| *p).collect::<Vec<_>>();
        let mut backoff = FIRST_BACKOFF;
        loop {
            let started = Instant::now();
            let target = Target {
                name: &self.projection,
                projection: &self.views,
            };
            match batch::apply_live_runs(&self.pool, target, &runs).await {
                Ok(reports) => {
                    self.metrics
                        .batch(&reports, started.elapsed().as_secs_f64());
                    self.note_applied(&runs, &reports);
                    let advanced: Vec<&BatchReport> =
                        reports.iter().filter(|r| r.advanced).collect();
                    if let Err(error) = self.publisher.publish(&advanced).await {
                        self.metrics.cache_failure();
                        tracing::warn!(error = %format!("{error:#}"), partitions = ?partitions(), "cache update failed");
                    }
                    return true;
                }
                Err(error) => {
                    self.metrics.retry();
                    tracing::warn!(%error, partitions = ?partitions(), retry_in_ms = backoff.as_millis() as u64, "batch rolled back");
                    // Backoff between retries, not synchronisation; shutdown cuts it short.
                    tokio::select! {
                        () = shutdown.wait() => return false,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(self.max_backoff);
                }
            }
        }
    }

    /// Moves the positions the lag probe reads to what the transaction committed.
    fn note_applied(&self, runs: &[batch::Run<'_>], reports: &[BatchReport]) {
        let mut positions = self.positions.lock().expect("not poisoned");
        for ((partition, records), report) in runs.iter().zip(reports) {
            if report.advanced {
                let applied = Applied {
                    next_offset: report.next_offset,
                    last_appended_ms: records.last().and_then(|r| r.timestamp_ms),
                };
                positions.insert(*partition, applied);
            }
        }
    }

    async fn assigned(&self, partitions: &[i32]) {
        tracing::info!(?partitions, "partitions assigned");
        let stored = checkpoint::all(&self.pool, &self.projection)
            .await
            .unwrap_or_default();
        let mut positions = self.positions.lock().expect("not poisoned");
        for p in partitions {
            let next_offset = stored.get(p).copied().unwrap_or(0);
            positions.insert(
                *p,
                Applied {
                    next_offset,
                    last_appended_ms: None,
                },
            );
        }
    }

    fn revoked(&self, partitions: &[i32]) {
        tracing::info!(?partitions, "partitions revoked");
        let mut positions = self.positions.lock().expect("not poisoned");
        for p in partitions {
            positions.remove(p);
        }
    }
}

/// Joins the batches already waiting in a lane to the one at hand, per partition, so a
/// lane catches up with one transaction (one commit, one fsync) for many reader batches
/// of its partitions instead of one each. Each partition's records stay consecutive and
/// in offset order (a partition's batches reach its lane in order).
fn coalesce(
    (partition, records): (i32, Vec<LogEntry>),
    waiting: &mut mpsc::Receiver<(i32, Vec<LogEntry>)>,
) -> BTreeMap<i32, Vec<LogEntry>> {
    let mut total = records.len();
    let mut runs = BTreeMap::from([(partition, records)]);
    while total < MAX_COALESCED {
        match waiting.try_recv() {
            Ok((partition, more)) => {
                total += more.len();
                runs.entry(partition).or_default().extend(more);
            }
            Err(_) => break,
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(offsets: std::ops::Range<i64>) -> Vec<LogEntry> {
        offsets
            .map(|offset| LogEntry {
                partition: 0,
                offset,
                key: None,
                value: None,
                headers: Vec::new(),
                timestamp_ms: None,
            })
            .collect()
    }

    fn offsets(records: &[LogEntry]) -> Vec<i64> {
        records.iter().map(|r| r.offset).collect()
    }

    #[tokio::test]
    async fn waiting_batches_join_per_partition_in_offset_order() {
        let (sender, mut waiting) = mpsc::channel(LANE_DEPTH);
        sender.send((2, entries(3..5))).await.unwrap();
        sender.send((4, entries(0..2))).await.unwrap();
        sender.send((2, entries(5..6))).await.unwrap();
        let runs = coalesce((2, entries(0..3)), &mut waiting);
        assert_eq!(runs.keys().copied().collect::<Vec<_>>(), vec![2, 4]);
        assert_eq!(offsets(&runs[&2]), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(offsets(&runs[&4]), vec![0, 1]);
        assert!(waiting.try_recv().is_err(), "everything waiting was taken");
    }

    #[tokio::test]
    async fn a_full_transaction_leaves_the_rest_waiting() {
        let (sender, mut waiting) = mpsc::channel(LANE_DEPTH);
        let big = MAX_COALESCED as i64;
        sender.send((0, entries(10..big))).await.unwrap();
        sender.send((1, entries(big..big + 5))).await.unwrap();
        let runs = coalesce((0, entries(0..10)), &mut waiting);
        assert_eq!(runs.len(), 1, "the second partition's batch was not taken");
        assert_eq!(runs[&0].len(), MAX_COALESCED);
        let (partition, rest) = waiting.try_recv().expect("the next batch still waits");
        assert_eq!(partition, 1);
        assert_eq!(
            offsets(&rest),
            vec![big, big + 1, big + 2, big + 3, big + 4]
        );
    }
}
