//! log-consumer's settings; defaults in `configuration/base.toml`, embedded. Nothing here
//! reaches a dependency.

use std::time::Duration;

use platform::config::{DatabaseSettings, HttpSettings, KafkaSettings};
use serde::Deserialize;

const BASE: &str = include_str!("../configuration/base.toml");

/// The service name: its own log topic is `logs.<SERVICE>`, which it never ships.
pub const SERVICE: &str = "log-consumer";

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub http: HttpSettings,
    pub kafka: KafkaSettings,
    pub database: DatabaseSettings,
    pub loki: LokiSettings,
    pub batch: BatchSettings,
    pub retry: RetrySettings,
    pub log_lines: LogLinesSettings,
    pub probe: ProbeSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LokiSettings {
    /// Base URL of Loki; empty turns pushing off.
    pub url: String,
    pub timeout_ms: u64,
}

impl LokiSettings {
    /// The base URL without a trailing slash, or `None` when pushing is off.
    pub fn base_url(&self) -> Option<String> {
        let url = self.url.trim().trim_end_matches('/');
        (!url.is_empty()).then(|| url.to_owned())
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct BatchSettings {
    pub max_lines: usize,
    pub max_bytes: usize,
    pub max_wait_ms: u64,
}

impl BatchSettings {
    pub fn max_wait(&self) -> Duration {
        Duration::from_millis(self.max_wait_ms)
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct RetrySettings {
    pub min_delay_ms: u64,
    pub max_delay_ms: u64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct LogLinesSettings {
    pub retention_days: u32,
    pub purge_interval_s: u64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ProbeSettings {
    pub interval_ms: u64,
}

impl Settings {
    pub fn load() -> anyhow::Result<Self> {
        platform::config::load(BASE)
    }

    /// The consumer group: one per topic prefix, so isolated deployments (and tests)
    /// never share committed offsets.
    pub fn group_id(&self) -> String {
        format!("{}{SERVICE}", self.kafka.topic_prefix)
    }

    /// The topic this service's own records would land in; never shipped (no loop).
    pub fn own_topic(&self) -> String {
        format!("{}logs.{SERVICE}", self.kafka.topic_prefix)
    }
}
