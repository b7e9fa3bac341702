//! What `/readyz` and the lag gauge say, refreshed every `probe.interval_ms` by one task:
//! Kafka (a metadata fetch through the group member's client), Loki (`GET /ready`; when
//! pushing is off it is reported degraded, still ready) and the lag of every assigned
//! partition. Broker calls run on a blocking thread; a probe never blocks a request.

use std::sync::Arc;
use std::time::Duration;

use platform::health::{Check, Readiness};
use platform::shutdown::Shutdown;

use crate::loki::LokiClient;
use crate::source::{self, Source};
use crate::telemetry::ShipMetrics;

/// The readiness checks this probe reports.
pub const KAFKA: &str = "kafka";
pub const LOKI: &str = "loki";
/// A dependency that does not answer within this counts as down.
const TIMEOUT: Duration = Duration::from_secs(1);

pub struct Probe {
    pub source: Source,
    pub loki: Option<LokiClient>,
    pub readiness: Readiness,
    pub metrics: ShipMetrics,
    pub interval: Duration,
}

impl Probe {
    pub async fn run(self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let mut ticks = tokio::time::interval(self.interval);
        loop {
            tokio::select! {
                () = shutdown.wait() => return Ok(()),
                _ = ticks.tick() => {}
            }
            self.kafka().await?;
            self.loki().await;
        }
    }

    async fn kafka(&self) -> anyhow::Result<()> {
        let consumer = Arc::clone(&self.source);
        let (reachable, lag) = tokio::task::spawn_blocking(move || {
            let reachable = source::metadata_ok(&consumer, TIMEOUT);
            let lag = reachable.is_ok().then(|| source::lag(&consumer, TIMEOUT));
            (reachable, lag)
        })
        .await?;
        match reachable {
            Ok(()) => self.readiness.up(KAFKA),
            Err(reason) => self.readiness.down(KAFKA, reason),
        }
        match lag {
            Some(Ok(partitions)) => {
                for partition in partitions {
                    self.metrics
                        .lag(&partition.topic, partition.partition, partition.records);
                }
            }
            Some(Err(error)) => tracing::debug!(error = format!("{error:#}"), "lag not sampled"),
            None => {}
        }
        Ok(())
    }

    async fn loki(&self) {
        let check = match &self.loki {
            None => Check::degraded("pushing to Loki is off (loki.url is empty)"),
            Some(loki) => match loki.ready(TIMEOUT).await {
                Ok(()) => Check::up(),
                Err(reason) => Check::down(reason),
            },
        };
        self.readiness.set(LOKI, check);
    }
}
