//! Layered configuration shared by the binaries. Precedence, lowest first: the binary's
//! embedded `base.toml`, then an optional file named by `CG_CONFIG_FILE`, then
//! environment variables `CG_<SECTION>__<FIELD>` (e.g. `CG_KAFKA__BROKERS`). Secrets
//! come from the environment and are never logged.

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Loads settings from the embedded defaults, an optional file, and the environment.
pub fn load<T: DeserializeOwned>(embedded_base: &str) -> anyhow::Result<T> {
    let mut builder = config::Config::builder().add_source(config::File::from_str(
        embedded_base,
        config::FileFormat::Toml,
    ));
    if let Ok(path) = std::env::var("CG_CONFIG_FILE") {
        builder = builder.add_source(config::File::with_name(&path));
    }
    let settings = builder
        .add_source(
            config::Environment::with_prefix("CG")
                .prefix_separator("_")
                .separator("__"),
        )
        .build()?;
    Ok(settings.try_deserialize()?)
}

#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    /// Address to bind, e.g. `127.0.0.1`.
    pub host: String,
    /// Port to bind; 0 picks a free one (tests).
    pub port: u16,
    /// Largest request body accepted, in bytes.
    #[serde(default = "default_body_limit")]
    pub body_limit: usize,
}

fn default_body_limit() -> usize {
    256 * 1024
}

#[derive(Debug, Clone, Deserialize)]
pub struct KafkaSettings {
    /// Bootstrap servers, comma separated.
    pub brokers: String,
    /// Prefix of every topic name, so tests and tenants can isolate themselves.
    #[serde(default)]
    pub topic_prefix: String,
    /// Partitions of `cluster-events`; fixed for the life of the topic.
    pub partitions: i32,
    /// Replicas of every topic ClusterGenie creates (1 on a single dev broker).
    #[serde(default = "default_replication_factor")]
    pub replication_factor: i32,
}

fn default_replication_factor() -> i32 {
    1
}

impl KafkaSettings {
    pub fn events_topic(&self) -> String {
        format!("{}cluster-events", self.topic_prefix)
    }

    /// command-api's snapshots of its write model, one partition per partition of the
    /// event log (see `TopicSpec::snapshots`).
    pub fn snapshots_topic(&self) -> String {
        format!("{}.snapshots", self.events_topic())
    }
}

/// Logs and traces (`[telemetry]`; every field has a default).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct TelemetrySettings {
    /// `environment` of every log line and span, e.g. `dev`, `prod`.
    pub environment: String,
    /// Also send log lines to `<prefix>logs.<service>` (when brokers are configured).
    pub ship_logs: bool,
    /// Lines waiting for Kafka; beyond it lines are dropped and counted, never waited for.
    pub log_buffer: usize,
    /// OTLP http/protobuf collector (base URL or `.../v1/traces`); unset or blank: no
    /// export (`OTEL_EXPORTER_OTLP_ENDPOINT` is read when this is unset).
    pub otlp_endpoint: Option<String>,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self {
            environment: std::env::var("CG_TELEMETRY__ENVIRONMENT")
                .unwrap_or_else(|_| "dev".into()),
            ship_logs: true,
            log_buffer: 10_000,
            otlp_endpoint: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `mysql://user:password@host:port/database`.
    pub url: String,
    #[serde(default = "default_max_connections")]
    pub max_connections: u32,
}

fn default_max_connections() -> u32 {
    10
}

#[derive(Debug, Clone, Deserialize)]
pub struct RedisSettings {
    pub url: String,
    /// Prefix of every key and channel, so tests can isolate themselves.
    #[serde(default = "default_redis_prefix")]
    pub key_prefix: String,
}

fn default_redis_prefix() -> String {
    "cg:v1:".into()
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// `token=principal:role` entries separated by `;` (see `auth::TokenTable::parse`).
    pub tokens: String,
}
