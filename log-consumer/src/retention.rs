//! Bounded retention of what log-consumer writes to MariaDB: every interval, lines and
//! parked records older than `log_lines.retention_days` are purged in chunks. It never
//! deletes the projector's job-event lines. A failed purge is retried next interval.

use std::time::Duration;

use platform::shutdown::Shutdown;

use crate::sink::Sink;
use crate::telemetry::ShipMetrics;

/// Purges log-consumer's lines and parked records past retention, every `interval`.
pub async fn purge_loop(
    sink: Sink,
    retention_days: u32,
    interval: Duration,
    metrics: ShipMetrics,
    mut shutdown: Shutdown,
) -> anyhow::Result<()> {
    let mut ticks = tokio::time::interval(interval);
    loop {
        tokio::select! {
            () = shutdown.wait() => return Ok(()),
            _ = ticks.tick() => {}
        }
        let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(retention_days));
        match sink.purge(cutoff).await {
            Ok(rows) => metrics.purged(rows),
            Err(error) => tracing::warn!(%error, "log_lines purge failed; next interval retries"),
        }
    }
}
