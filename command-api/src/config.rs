//! command-api's settings, composed from platform parts. Every field is documented;
//! defaults live in `configuration/base.toml`, embedded in the binary.

use platform::config::{AuthSettings, HttpSettings, KafkaSettings, RedisSettings};
use platform::ratelimit::RateLimitSettings;
use serde::Deserialize;

const BASE: &str = include_str!("../configuration/base.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub http: HttpSettings,
    pub kafka: KafkaSettings,
    pub redis: RedisSettings,
    pub writer: WriterSettings,
    pub provisioner: ProvisionerSettings,
    pub node_pools: NodePoolSettings,
    pub idempotency: IdempotencySettings,
    pub auth: AuthSettings,
    /// Rate limits (api.md §8); api.md's defaults when the section is left out.
    #[serde(default)]
    pub rate_limit: RateLimitSettings,
    pub jobs: crate::jobs::JobSettings,
    /// Logs and traces: environment, shipping to `logs.<service>`, OTLP export.
    #[serde(default)]
    pub telemetry: platform::config::TelemetrySettings,
    /// Node telemetry: the simulator and the push route (`[node_metrics]`).
    #[serde(default)]
    pub node_metrics: crate::telemetry::TelemetrySettings,
    /// Diagnosis: the optional LLM path (`[diagnosis]`, `OPENAI_API_KEY`).
    #[serde(default)]
    pub diagnosis: crate::diagnosis::llm::LlmSettings,
    /// The node-pool autoscaler (`[autoscaler]`), on by default.
    #[serde(default)]
    pub autoscaler: crate::reconcile::autoscaler::AutoscalerSettings,
    /// The deployment runner (`[deployments]`), on by default.
    #[serde(default)]
    pub deployments: crate::deployments::runner::DeploymentSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WriterSettings {
    /// Consumer group whose assignment decides which partitions this instance writes.
    pub group_id: String,
    /// URL other instances use to reach this one (claims, the ownership directory);
    /// empty means `http://<http.host>:<bound port>`.
    pub advertised_url: String,
    /// How long a command waits for its record to be read back before answering 503.
    pub read_back_timeout_ms: u64,
    /// Shared secret of the internal API between instances (name reservations held in
    /// a partition another instance serves). Set it in production; never logged.
    pub internal_token: String,
    /// Snapshot each served partition's write model every this many valid records, in
    /// the background (0 = never); restore then reads the snapshot plus the tail.
    pub snapshot_every: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProvisionerSettings {
    pub enabled: bool,
    /// How often the reconciler looks at the write model.
    pub tick_ms: u64,
    /// Simulated time from `new` to `active`.
    pub provisioning_delay_ms: u64,
    /// Simulated time from `deleting` to `deleted`.
    pub deletion_delay_ms: u64,
    /// Share of provisionings that fail, 0.0–1.0, drawn from a seeded RNG.
    pub failure_rate: f64,
    /// Seed of the simulation's RNG, for reproducible runs.
    pub seed: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NodePoolSettings {
    pub enabled: bool,
    /// How often the node-pool and reservation reconcilers look at the write model.
    pub tick_ms: u64,
    /// How long a node drains before it is deleted.
    pub drain_ms: u64,
    /// A node still provisioning after this long is replaced (api.md: 15 min).
    pub node_provision_timeout_s: u64,
    /// A cluster still provisioning after this long fails.
    pub cluster_provision_timeout_s: u64,
    /// How long a name reservation may stay unconfirmed before it is settled.
    pub reservation_grace_s: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IdempotencySettings {
    /// How long an Idempotency-Key is remembered after its first use.
    pub retention_hours: i64,
}

impl Settings {
    pub fn load() -> anyhow::Result<Self> {
        let mut settings: Self = platform::config::load(BASE)?;
        settings.jobs.apply_env_aliases()?;
        settings.diagnosis.apply_env();
        Ok(settings)
    }
}
