//! The retention window of `metric_sample`: every `purge_interval_seconds`, samples older
//! than `retention_hours` (by the injected clock) are deleted in chunks of `purge_chunk`
//! rows, so no single statement holds many locks. Only deletes; never touches
//! `metric_latest` (health ignores stale latest rows by its own window).

use std::time::Duration;

use chrono::Duration as Age;
use platform::clock::SharedClock;
use platform::shutdown::Shutdown;
use sqlx::MySqlPool;

pub struct Retention {
    pub pool: MySqlPool,
    pub clock: SharedClock,
    pub retention: Age,
    pub chunk: u32,
    pub interval: Duration,
}

impl Retention {
    pub async fn run(self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let mut ticks = tokio::time::interval(self.interval);
        loop {
            tokio::select! {
                () = shutdown.wait() => return Ok(()),
                _ = ticks.tick() => {}
            }
            match self.purge().await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "expired samples purged"),
                Err(error) => tracing::warn!(%error, "sample purge failed; next round retries"),
            }
        }
    }

    /// Deletes every sample older than the window, a chunk at a time; returns how many.
    pub async fn purge(&self) -> sqlx::Result<u64> {
        let cutoff = self.clock.now() - self.retention;
        let mut total = 0;
        loop {
            let deleted = sqlx::query("DELETE FROM metric_sample WHERE sampled_at < ? LIMIT ?")
                .bind(cutoff)
                .bind(self.chunk)
                .execute(&self.pool)
                .await?
                .rows_affected();
            total += deleted;
            if deleted < u64::from(self.chunk) {
                return Ok(total);
            }
        }
    }
}
