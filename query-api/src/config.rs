//! query-api's settings, composed from platform parts. Every field is documented;
//! defaults live in `configuration/base.toml`, embedded in the binary. Secrets (the page
//! token key) come from the environment in deployments and are never logged.

use platform::config::{
    AuthSettings, DatabaseSettings, HttpSettings, KafkaSettings, RedisSettings,
};
use platform::ratelimit::RateLimitSettings;
use serde::Deserialize;

use crate::events::StreamSettings;

const BASE: &str = include_str!("../configuration/base.toml");

#[derive(Clone, Deserialize)]
pub struct Settings {
    pub http: HttpSettings,
    /// Only `partitions` is read: a droplet's partition is `partition_for(id, P)`.
    pub kafka: KafkaSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub auth: AuthSettings,
    pub pagination: PaginationSettings,
    pub consistency: ConsistencySettings,
    /// Directory of the built SPA; served at `/` only when it exists.
    pub web_dir: String,
    /// Base URL of command-api, e.g. `http://127.0.0.1:8080`; mutations are relayed there.
    pub command_api_url: String,
    /// Rate limits (api.md §8); api.md's defaults when the section is left out.
    #[serde(default)]
    pub rate_limit: RateLimitSettings,
    /// Health's window (`[node_metrics]`).
    #[serde(default)]
    pub node_metrics: crate::routes::telemetry::HealthSettings,
    /// Billing's metering granularity (`[billing]`).
    #[serde(default)]
    pub billing: crate::billing::BillingSettings,
    /// SSE streams of the audit feed (heartbeat, per-client buffer).
    #[serde(default)]
    pub events: StreamSettings,
    /// Grafana's base URL as browsers reach it; the SPA embeds its `cg-demo` dashboard.
    /// Unset (the default) = no embed, the Monitoring page says so.
    #[serde(default)]
    pub grafana_url: Option<String>,
    /// Logs and traces: environment, shipping to `logs.<service>`, OTLP export.
    #[serde(default)]
    pub telemetry: platform::config::TelemetrySettings,
}

#[derive(Clone, Deserialize)]
pub struct PaginationSettings {
    /// HMAC-SHA256 key signing page tokens. Changing it invalidates every issued token.
    pub secret: String,
    /// Age after which a page token answers `PAGE_TOKEN_EXPIRED`.
    pub token_ttl_hours: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ConsistencySettings {
    /// How long a request with a consistency token waits when it sends no `Prefer: wait`.
    pub default_wait_ms: u64,
    /// Upper bound of `Prefer: wait=<seconds>`; larger values are lowered to it.
    pub max_wait_ms: u64,
    /// How often a waiter re-reads the checkpoints without a notification (pub/sub is lossy).
    pub recheck_ms: u64,
}

impl Settings {
    /// Embedded base, then `CG_CONFIG_FILE`, then `CG_*` variables (platform::config).
    pub fn load() -> anyhow::Result<Self> {
        platform::config::load(BASE)
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("http", &self.http)
            .field("partitions", &self.kafka.partitions)
            .field("redis_prefix", &self.redis.key_prefix)
            .field("web_dir", &self.web_dir)
            .field("command_api_url", &self.command_api_url)
            .finish_non_exhaustive()
    }
}
