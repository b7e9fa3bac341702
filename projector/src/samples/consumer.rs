//! The samples loop: reader batches of `metrics.samples` applied one after another
//! through `store::apply`, retried with capped backoff on a database error (never skipped),
//! the reader started from this subscription's checkpoints. It writes nothing itself.

use std::time::Duration;

use platform::kafka::ReaderEvent;
use platform::shutdown::Shutdown;
use sqlx::MySqlPool;
use tokio::sync::mpsc;

use super::store;

const FIRST_BACKOFF: Duration = Duration::from_millis(50);

pub struct SampleProjector {
    pub pool: MySqlPool,
    pub projection: String,
    pub max_backoff: Duration,
}

impl SampleProjector {
    /// Runs until shutdown, or fails when the reader goes away.
    pub async fn run(
        self,
        mut events: mpsc::Receiver<ReaderEvent>,
        mut shutdown: Shutdown,
    ) -> anyhow::Result<()> {
        loop {
            let event = tokio::select! {
                biased;
                () = shutdown.wait() => return Ok(()),
                event = events.recv() => event,
            };
            match event {
                None => anyhow::bail!("the samples reader stopped"),
                Some(ReaderEvent::Records(partition, records)) => {
                    self.apply_until_done(partition, &records, &mut shutdown)
                        .await;
                }
                Some(ReaderEvent::Assigned(_) | ReaderEvent::Revoked(_)) => {}
            }
        }
    }

    async fn apply_until_done(
        &self,
        partition: i32,
        records: &[platform::kafka::LogEntry],
        shutdown: &mut Shutdown,
    ) {
        let mut backoff = FIRST_BACKOFF;
        loop {
            match store::apply(&self.pool, &self.projection, partition, records).await {
                Ok(applied) => {
                    tracing::debug!(partition, ?applied, "samples applied");
                    return;
                }
                Err(error) => {
                    tracing::warn!(%error, partition, "samples not applied; retrying");
                    tokio::select! {
                        () = shutdown.wait() => return,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(self.max_backoff);
                }
            }
        }
    }
}
