//! The projection loop: dispatches reader events to one lane per partition, and each
//! lane applies its batches of records in order, each in its own transaction (batches
//! already waiting are joined into one), retrying transient failures with capped backoff
//! and never advancing past a batch that did not commit. It never decides validity and
//! never writes anything but through `batch::apply` and the post-commit `Publisher`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use platform::kafka::{LogEntry, ReaderEvent};
use platform::shutdown::Shutdown;
use sqlx::MySqlPool;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::batch::{self, Target};
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
/// Batches buffered per partition lane.
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
    pub positions: Positions,
    /// True while the loop runs; `/readyz` reports it.
    pub alive: Arc<AtomicBool>,
}

impl Projector {
    /// Runs until shutdown is requested (after each lane finishes the batch in flight) or
    /// the reader goes away (an error: the process should restart). Partitions are
    /// independent, so each gets a lane of its own and their transactions overlap; within
    /// a lane batches stay in offset order.
    pub async fn run(
        self,
        mut events: mpsc::Receiver<ReaderEvent>,
        mut shutdown: Shutdown,
    ) -> anyhow::Result<()> {
        self.alive.store(true, Ordering::SeqCst);
        let mut lanes: HashMap<i32, mpsc::Sender<Vec<LogEntry>>> = HashMap::new();
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
                    let lane = lanes.entry(partition).or_insert_with(|| {
                        self.spawn_lane(partition, &mut workers, shutdown.clone())
                    });
                    // A full lane blocks here, which stops the reader: backpressure.
                    tokio::select! {
                        biased;
                        () = shutdown.wait() => break Ok(()),
                        sent = lane.send(records) => if sent.is_err() { break Ok(()) },
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

    /// A task applying one partition's batches in order until its sender is dropped or
    /// shutdown is requested.
    fn spawn_lane(
        &self,
        partition: i32,
        workers: &mut JoinSet<()>,
        mut shutdown: Shutdown,
    ) -> mpsc::Sender<Vec<LogEntry>> {
        let (sender, mut batches) = mpsc::channel::<Vec<LogEntry>>(LANE_DEPTH);
        let projector = self.clone();
        workers.spawn(async move {
            while let Some(mut records) = batches.recv().await {
                coalesce(&mut records, &mut batches);
                if shutdown.is_requested()
                    || !projector.handle(partition, &records, &mut shutdown).await
                {
                    break;
                }
            }
        });
        sender
    }

    /// Applies one batch, retrying until it commits; false if shutdown came first.
    async fn handle(&self, partition: i32, records: &[LogEntry], shutdown: &mut Shutdown) -> bool {
        let mut backoff = FIRST_BACKOFF;
        loop {
            let started = Instant::now();
            let target = Target {
                name: &self.projection,
                projection: &self.views,
            };
            match batch::apply_live(&self.pool, target, partition, records).await {
                Ok(report) => {
                    self.metrics.batch(&report, started.elapsed().as_secs_f64());
                    if report.advanced {
                        let applied = Applied {
                            next_offset: report.next_offset,
                            last_appended_ms: records.last().and_then(|r| r.timestamp_ms),
                        };
                        self.positions
                            .lock()
                            .expect("not poisoned")
                            .insert(partition, applied);
                        if let Err(error) = self.publisher.publish(&report).await {
                            self.metrics.cache_failure();
                            tracing::warn!(error = %format!("{error:#}"), partition, "cache update failed");
                        }
                    }
                    return true;
                }
                Err(error) => {
                    self.metrics.retry();
                    tracing::warn!(%error, partition, retry_in_ms = backoff.as_millis() as u64, "batch rolled back");
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

/// Joins the batches already waiting in a lane to the one at hand, so a lane that fell
/// behind catches up with one transaction (one commit, one fsync) for many reader
/// batches instead of one each. Records stay consecutive and in offset order.
fn coalesce(records: &mut Vec<LogEntry>, waiting: &mut mpsc::Receiver<Vec<LogEntry>>) {
    while records.len() < MAX_COALESCED {
        match waiting.try_recv() {
            Ok(more) => records.extend(more),
            Err(_) => break,
        }
    }
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
    async fn waiting_batches_join_in_offset_order() {
        let (sender, mut waiting) = mpsc::channel(LANE_DEPTH);
        sender.send(entries(3..5)).await.unwrap();
        sender.send(entries(5..6)).await.unwrap();
        let mut records = entries(0..3);
        coalesce(&mut records, &mut waiting);
        assert_eq!(offsets(&records), vec![0, 1, 2, 3, 4, 5]);
        assert!(waiting.try_recv().is_err(), "everything waiting was taken");
    }

    #[tokio::test]
    async fn a_full_transaction_leaves_the_rest_waiting() {
        let (sender, mut waiting) = mpsc::channel(LANE_DEPTH);
        let big = MAX_COALESCED as i64;
        sender.send(entries(10..big)).await.unwrap();
        sender.send(entries(big..big + 5)).await.unwrap();
        let mut records = entries(0..10);
        coalesce(&mut records, &mut waiting);
        assert_eq!(records.len(), MAX_COALESCED);
        let rest = waiting.try_recv().expect("the next batch still waits");
        assert_eq!(
            offsets(&rest),
            vec![big, big + 1, big + 2, big + 3, big + 4]
        );
    }
}
