//! The retention window of a bounded table — `metric_sample`, and the autoscaler's
//! `autoscaler_decision` — every `purge_interval_seconds`, rows older than the retention
//! (by the injected clock, on the table's time column) are deleted in chunks of
//! `purge_chunk` rows, so no single statement holds many locks. Only deletes; never
//! touches `metric_latest` (health ignores stale latest rows by its own window).

use std::time::Duration;

use chrono::Duration as Age;
use platform::clock::SharedClock;
use platform::shutdown::Shutdown;
use sqlx::{AssertSqlSafe, MySqlPool};

pub struct Retention {
    /// The table and its indexed time column (constants, never input).
    pub table: &'static str,
    pub time_column: &'static str,
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
                Ok(deleted) => tracing::info!(deleted, table = self.table, "expired rows purged"),
                Err(error) => {
                    tracing::warn!(%error, table = self.table, "purge failed; next round retries")
                }
            }
        }
    }

    /// Deletes every row older than the window, a chunk at a time; returns how many.
    pub async fn purge(&self) -> sqlx::Result<u64> {
        let cutoff = self.clock.now() - self.retention;
        let sql = format!(
            "DELETE FROM {} WHERE {} < ? LIMIT ?",
            self.table, self.time_column
        );
        let mut total = 0;
        loop {
            let deleted = sqlx::query(AssertSqlSafe(sql.as_str()))
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
