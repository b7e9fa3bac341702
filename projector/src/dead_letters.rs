//! The dead-letter probe: every few seconds, how many records are parked and how old the
//! oldest is, into two gauges (no labels: one live projection) that the alert in
//! `monitoring/rules` watches. It only reads `parked_event`; it never releases anything
//! (that is the CLI's `parked retry | skip`).

use std::time::Duration;

use platform::shutdown::Shutdown;
use sqlx::MySqlPool;

use crate::telemetry::ProjectorMetrics;

pub struct DeadLetterProbe {
    pub pool: MySqlPool,
    pub projection: String,
    pub interval: Duration,
    pub metrics: ProjectorMetrics,
}

impl DeadLetterProbe {
    /// Refreshes the gauges until shutdown; a failed read keeps the last values.
    pub async fn run(self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let mut ticks = tokio::time::interval(self.interval);
        loop {
            tokio::select! {
                () = shutdown.wait() => return Ok(()),
                _ = ticks.tick() => {}
            }
            match crate::parked::summary(&self.pool, &self.projection).await {
                Ok((count, oldest)) => self.metrics.parked(count, oldest),
                Err(error) => tracing::debug!(%error, "parked records not counted"),
            }
        }
    }
}
