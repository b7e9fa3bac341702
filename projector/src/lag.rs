//! The lag gauge: every few seconds, high watermark minus applied `next_offset` for each
//! partition this instance holds. Watermarks come from a separate, group-less metadata
//! client on a blocking thread; the probe never joins the group and never seeks.

use std::sync::Arc;
use std::time::Duration;

use platform::kafka::consumer_config;
use platform::shutdown::Shutdown;
use rdkafka::consumer::{BaseConsumer, Consumer};

use crate::consumer::Positions;
use crate::telemetry::ProjectorMetrics;

pub struct LagProbe {
    pub brokers: String,
    pub topic: String,
    pub group_id: String,
    pub interval: Duration,
    pub positions: Positions,
    pub metrics: ProjectorMetrics,
}

impl LagProbe {
    /// Refreshes the gauge until shutdown.
    pub async fn run(self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let config = consumer_config(&self.brokers, &format!("{}-lag", self.group_id));
        let client: Arc<BaseConsumer> = Arc::new(config.create()?);
        let mut ticks = tokio::time::interval(self.interval);
        loop {
            tokio::select! {
                () = shutdown.wait() => return Ok(()),
                _ = ticks.tick() => {}
            }
            let positions: Vec<(i32, i64)> = {
                let held = self.positions.lock().expect("not poisoned");
                held.iter().map(|(p, o)| (*p, *o)).collect()
            };
            let client = Arc::clone(&client);
            let topic = self.topic.clone();
            let lags = tokio::task::spawn_blocking(move || {
                positions
                    .into_iter()
                    .filter_map(|(p, next)| {
                        let (_, high) = client
                            .fetch_watermarks(&topic, p, Duration::from_secs(2))
                            .ok()?;
                        Some((p, (high - next).max(0)))
                    })
                    .collect::<Vec<_>>()
            })
            .await?;
            for (partition, lag) in lags {
                self.metrics.lag(partition, lag);
            }
        }
    }
}
