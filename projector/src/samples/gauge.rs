//! `clustergenie_cluster_metric_value{cluster_id, metric_type, unit}`: per live cluster
//! and type, the mean of its nodes' latest samples inside the gauge window, read from
//! `metric_latest` (O(nodes), never the samples) every `gauge_interval_seconds`. An
//! observable gauge reports only what the last refresh saw, so the series of a deleted
//! (or silent) cluster disappear. Reads only.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Duration as Age;
use opentelemetry::KeyValue;
use platform::clock::SharedClock;
use platform::metrics::Metrics;
use platform::shutdown::Shutdown;
use sqlx::MySqlPool;
use uuid::Uuid;

type Series = Vec<(Uuid, String, String, f64)>;

pub struct ClusterGauge {
    pub pool: MySqlPool,
    pub clock: SharedClock,
    pub window: Age,
    pub interval: Duration,
    pub series: Arc<Mutex<Series>>,
}

impl ClusterGauge {
    /// Registers the observable gauge over `series`.
    pub fn register(metrics: &Metrics, series: Arc<Mutex<Series>>) {
        // The instrument lives as long as the provider; its handle is not needed.
        let _gauge = metrics
            .meter("projector")
            .f64_observable_gauge("clustergenie_cluster_metric_value")
            .with_description("Mean of the latest node samples per cluster and metric type")
            .with_callback(move |observer| {
                let series = series.lock().unwrap_or_else(|e| e.into_inner());
                for (cluster, metric, unit, value) in series.iter() {
                    observer.observe(
                        *value,
                        &[
                            KeyValue::new("cluster_id", cluster.to_string()),
                            KeyValue::new("metric_type", metric.clone()),
                            KeyValue::new("unit", unit.clone()),
                        ],
                    );
                }
            })
            .build();
    }

    pub async fn run(self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let mut ticks = tokio::time::interval(self.interval);
        loop {
            tokio::select! {
                () = shutdown.wait() => return Ok(()),
                _ = ticks.tick() => {}
            }
            match self.read().await {
                Ok(series) => *self.series.lock().unwrap_or_else(|e| e.into_inner()) = series,
                Err(error) => tracing::debug!(%error, "cluster metric gauge not refreshed"),
            }
        }
    }

    /// The series as of now: live clusters only, fresh samples only.
    pub async fn read(&self) -> sqlx::Result<Series> {
        let since = self.clock.now() - self.window;
        sqlx::query_as(
            "SELECT l.cluster_id, l.metric_type, l.unit, AVG(l.value) FROM metric_latest l \
             JOIN cluster c ON c.cluster_id = l.cluster_id \
             WHERE c.status <> 'deleted' AND l.sampled_at >= ? \
             GROUP BY l.cluster_id, l.metric_type, l.unit \
             ORDER BY l.cluster_id, l.metric_type",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
    }
}
