//! The projection loop: takes reader events one at a time and applies each batch of
//! records in its own transaction, retrying transient failures with capped backoff and
//! never advancing past a batch that did not commit. It never decides validity and
//! never writes anything but through `batch::apply` and the post-commit `Publisher`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use platform::kafka::{LogEntry, ReaderEvent};
use platform::shutdown::Shutdown;
use sqlx::MySqlPool;
use tokio::sync::mpsc;

use crate::batch;
use crate::cache::Publisher;
use crate::checkpoint;
use crate::telemetry::ProjectorMetrics;

/// `next_offset` per partition this instance has applied, shared with the lag probe.
pub type Positions = Arc<Mutex<HashMap<i32, i64>>>;

const FIRST_BACKOFF: Duration = Duration::from_millis(50);

/// Everything the loop needs; cloned cheaply.
#[derive(Clone)]
pub struct Projector {
    pub pool: MySqlPool,
    pub projection: String,
    pub publisher: Publisher,
    pub metrics: ProjectorMetrics,
    pub max_backoff: Duration,
    pub positions: Positions,
    /// True while the loop runs; `/readyz` reports it.
    pub alive: Arc<AtomicBool>,
}

impl Projector {
    /// Runs until shutdown is requested (after finishing the batch in flight) or the
    /// reader goes away (an error: the process should restart).
    pub async fn run(
        self,
        mut events: mpsc::Receiver<ReaderEvent>,
        mut shutdown: Shutdown,
    ) -> anyhow::Result<()> {
        self.alive.store(true, Ordering::SeqCst);
        let result = loop {
            // Shutdown is only observed here, between batches, so a transaction that has
            // started always reaches its commit or rollback before the loop returns.
            let event = tokio::select! {
                biased;
                () = shutdown.wait() => break Ok(()),
                event = events.recv() => event,
            };
            match event {
                None => break Err(anyhow::anyhow!("the Kafka reader stopped")),
                Some(ReaderEvent::Records(partition, records)) => {
                    if !self.handle(partition, &records, &mut shutdown).await {
                        break Ok(());
                    }
                }
                Some(ReaderEvent::Assigned(partitions)) => self.assigned(&partitions).await,
                Some(ReaderEvent::Revoked(partitions)) => self.revoked(&partitions),
            }
        };
        self.alive.store(false, Ordering::SeqCst);
        result
    }

    /// Applies one batch, retrying until it commits; false if shutdown came first.
    async fn handle(&self, partition: i32, records: &[LogEntry], shutdown: &mut Shutdown) -> bool {
        let mut backoff = FIRST_BACKOFF;
        loop {
            let started = Instant::now();
            match batch::apply(&self.pool, &self.projection, partition, records).await {
                Ok(report) => {
                    self.metrics.batch(&report, started.elapsed().as_secs_f64());
                    if report.advanced {
                        self.positions
                            .lock()
                            .expect("not poisoned")
                            .insert(partition, report.next_offset);
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
            positions.insert(*p, stored.get(p).copied().unwrap_or(0));
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
