//! The CLI's settings, loaded exactly like the services' (`platform::config`: embedded
//! `configuration/base.toml`, `CG_CONFIG_FILE`, `CG_<SECTION>__<FIELD>`), so one
//! environment serves both. It never prints the database URL (it may hold a password).

use platform::config::{DatabaseSettings, KafkaSettings};
use serde::Deserialize;

/// The embedded defaults.
pub const BASE: &str = include_str!("../configuration/base.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub kafka: KafkaSettings,
    pub database: DatabaseSettings,
}

impl Settings {
    pub fn load() -> anyhow::Result<Self> {
        platform::config::load(BASE)
    }
}
