//! log-consumer's settings; defaults in `configuration/base.toml`, embedded.

use platform::config::{HttpSettings, KafkaSettings};
use serde::Deserialize;

const BASE: &str = include_str!("../configuration/base.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub http: HttpSettings,
    pub kafka: KafkaSettings,
    pub loki: LokiSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LokiSettings {
    /// Base URL of Loki; `/loki/api/v1/push` is appended.
    pub url: String,
}

impl Settings {
    pub fn load() -> anyhow::Result<Self> {
        platform::config::load(BASE)
    }
}
