//! The lag probe: every few seconds, high watermark minus applied `next_offset` for each
//! partition this instance holds, into the lag gauge and — when a status board is given —
//! into the `projection` snapshot `/observability/projection` shows. Watermarks come
//! from a separate, group-less metadata client on a blocking thread; the probe never
//! joins the group and never seeks.

use std::sync::Arc;
use std::time::Duration;

use contract::observability::{Projection, ProjectionLag};
use platform::kafka::consumer_config;
use platform::shutdown::Shutdown;
use platform::status::StatusBoard;
use rdkafka::consumer::{BaseConsumer, Consumer};

use crate::consumer::{Applied, Positions};
use crate::telemetry::ProjectorMetrics;

/// Where the probe publishes its snapshot, and as whom.
pub struct LagBoard {
    pub board: StatusBoard,
    pub instance: String,
    pub projection: String,
}

pub struct LagProbe {
    pub brokers: String,
    pub topic: String,
    pub group_id: String,
    pub interval: Duration,
    pub positions: Positions,
    pub metrics: ProjectorMetrics,
    pub board: Option<LagBoard>,
}

impl LagProbe {
    /// Refreshes the gauge (and the snapshot) until shutdown.
    pub async fn run(self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let config = consumer_config(&self.brokers, &format!("{}-lag", self.group_id));
        let client: Arc<BaseConsumer> = Arc::new(config.create()?);
        let mut ticks = tokio::time::interval(self.interval);
        loop {
            tokio::select! {
                () = shutdown.wait() => return Ok(()),
                _ = ticks.tick() => {}
            }
            let positions: Vec<(i32, Applied)> = {
                let held = self.positions.lock().expect("not poisoned");
                held.iter().map(|(p, a)| (*p, *a)).collect()
            };
            let client = Arc::clone(&client);
            let topic = self.topic.clone();
            let now_ms = chrono::Utc::now().timestamp_millis();
            let rows = tokio::task::spawn_blocking(move || {
                positions
                    .into_iter()
                    .filter_map(|(p, applied)| {
                        let (_, high) = client
                            .fetch_watermarks(&topic, p, Duration::from_secs(2))
                            .ok()?;
                        Some(lag_row(p, applied, high, now_ms))
                    })
                    .collect::<Vec<_>>()
            })
            .await?;
            for row in &rows {
                self.metrics
                    .lag(row.partition, row.lag_records, row.lag_seconds);
            }
            self.publish(rows).await;
        }
    }

    async fn publish(&self, mut rows: Vec<ProjectionLag>) {
        let Some(target) = &self.board else { return };
        rows.sort_by_key(|r| r.partition);
        let snapshot = Projection {
            projection: target.projection.clone(),
            partitions: rows,
            published_at: Some(chrono::Utc::now().to_rfc3339()),
        };
        let ttl = (self.interval * 3).max(Duration::from_secs(5));
        if let Err(error) = target
            .board
            .publish("projection", &target.instance, &snapshot, ttl)
            .await
        {
            tracing::debug!(
                error = format!("{error:#}"),
                "projection snapshot not published"
            );
        }
    }
}

/// One partition's lag: records behind the high watermark, and a bound on how old the
/// oldest of them is (0 when caught up).
fn lag_row(partition: i32, applied: Applied, high: i64, now_ms: i64) -> ProjectionLag {
    let lag_records = (high - applied.next_offset).max(0);
    let lag_seconds = match applied.last_appended_ms {
        Some(at) if lag_records > 0 => ((now_ms - at).max(0) as f64) / 1000.0,
        _ => 0.0,
    };
    ProjectionLag {
        partition,
        checkpoint: applied.next_offset,
        high_watermark: high,
        lag_records,
        lag_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_up_partition_has_no_time_lag() {
        let applied = Applied {
            next_offset: 10,
            last_appended_ms: Some(1_000),
        };
        let row = lag_row(3, applied, 10, 9_000);
        assert_eq!((row.lag_records, row.lag_seconds), (0, 0.0));
    }

    #[test]
    fn a_lagging_partition_is_as_old_as_its_last_applied_record() {
        let applied = Applied {
            next_offset: 10,
            last_appended_ms: Some(1_000),
        };
        let row = lag_row(3, applied, 17, 3_500);
        assert_eq!((row.checkpoint, row.high_watermark), (10, 17));
        assert_eq!((row.lag_records, row.lag_seconds), (7, 2.5));
    }
}
