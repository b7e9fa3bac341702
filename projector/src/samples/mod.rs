//! The projector's second subscription: node telemetry from `<prefix>metrics.samples`
//! (not domain events: no validity rule, no aggregate versions) into `metric_sample` and
//! `metric_latest`, with its own checkpoint rows (projection `metric_sample`) committed in
//! the same transaction as the rows. Why here: the projector owns every read model and
//! already has the exactly-once machinery; query-api only reads. Also the retention purge
//! (`retention.rs`) and the per-cluster gauge (`gauge.rs`). It never writes another table.

pub mod consumer;
pub mod gauge;
pub mod retention;
pub mod store;

use serde::Deserialize;

/// The checkpoint name of the samples subscription.
pub const PROJECTION: &str = "metric_sample";

/// `[node_metrics]` of the projector's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct TelemetrySettings {
    /// Consumer group on `metrics.samples` (offsets live in MariaDB); empty means
    /// `<projector.group_id>-samples`.
    pub group_id: String,
    /// Samples older than this are purged.
    pub retention_hours: i64,
    /// How often the purge runs, and the most rows one DELETE removes.
    pub purge_interval_seconds: u64,
    pub purge_chunk: u32,
    /// How often the gauge is refreshed, and how old a latest sample may be to count.
    pub gauge_interval_seconds: u64,
    pub gauge_window_seconds: i64,
}

impl TelemetrySettings {
    /// The samples group: configured, or derived from the projector's own group.
    pub fn group(&self, projector_group: &str) -> String {
        if self.group_id.is_empty() {
            format!("{projector_group}-samples")
        } else {
            self.group_id.clone()
        }
    }
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self {
            group_id: String::new(),
            retention_hours: 72,
            purge_interval_seconds: 60,
            purge_chunk: 5_000,
            gauge_interval_seconds: 15,
            gauge_window_seconds: 300,
        }
    }
}
