//! What every ClusterGenie binary shares and nothing domain-specific: configuration,
//! telemetry, the `/metrics` endpoint, problem documents, authentication, shutdown, the
//! clock, database and Redis pools, and the Kafka plumbing. It must never import `domain`.

pub mod auth;
pub mod checksum;
pub mod clock;
pub mod config;
pub mod consistency;
pub mod db;
pub mod health;
pub mod http_metrics;
pub mod kafka;
pub mod metrics;
pub mod problem;
pub mod ratelimit;
pub mod redis;
pub mod relay;
pub mod request_id;
pub mod service;
pub mod shutdown;
pub mod status;
pub mod supervisor;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
