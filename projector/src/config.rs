//! The projector's settings, composed from the shared `platform::config` parts and
//! loaded in layers (embedded `configuration/base.toml`, `CG_CONFIG_FILE`, `CG_*`
//! variables). It holds no secrets of its own and never logs the database URL.

use std::time::Duration;

use platform::config::{DatabaseSettings, HttpSettings, KafkaSettings, RedisSettings};
use serde::Deserialize;

/// The embedded defaults.
pub const BASE: &str = include_str!("../configuration/base.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub http: HttpSettings,
    pub kafka: KafkaSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub projector: ProjectorSettings,
    /// Logs and traces: environment, shipping to `logs.<service>`, OTLP export.
    #[serde(default)]
    pub telemetry: platform::config::TelemetrySettings,
    /// The samples subscription, its retention and gauge (`[node_metrics]`).
    #[serde(default)]
    pub node_metrics: crate::samples::TelemetrySettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProjectorSettings {
    /// Consumer group on `cluster-events`; offsets live in MariaDB, not in the group.
    pub group_id: String,
    /// Reader batches buffered between the poll thread and the projection loop.
    #[serde(default = "default_buffer")]
    pub buffer: usize,
    /// Upper bound of the backoff between retries of a failed transaction, in ms.
    #[serde(default = "default_max_backoff_ms")]
    pub max_backoff_ms: u64,
    /// Autoscaler decision-log rows older than this are purged (`autoscaler_decision`).
    #[serde(default = "default_decision_retention_hours")]
    pub decision_retention_hours: i64,
    /// How often the lag gauge is refreshed, in ms.
    #[serde(default = "default_lag_interval_ms")]
    pub lag_interval_ms: u64,
    /// Lanes applying the partitions' records, each one transaction at a time over all of
    /// its partitions' waiting batches; 0 = one per core.
    #[serde(default)]
    pub lanes: usize,
}

impl Settings {
    /// Loads the layered settings.
    pub fn load() -> anyhow::Result<Self> {
        platform::config::load(BASE)
    }
}

impl ProjectorSettings {
    pub fn max_backoff(&self) -> Duration {
        Duration::from_millis(self.max_backoff_ms)
    }

    pub fn lag_interval(&self) -> Duration {
        Duration::from_millis(self.lag_interval_ms)
    }
}

fn default_decision_retention_hours() -> i64 {
    168
}

fn default_buffer() -> usize {
    16
}

fn default_max_backoff_ms() -> u64 {
    5_000
}

fn default_lag_interval_ms() -> u64 {
    5_000
}
