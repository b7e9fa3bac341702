//! The read-model contract shared by the projector (its only writer), query-api (a
//! reader) and command-api (which renders the same representations in its 202 answers):
//! table rows, their JSON representations, cache keys and change notifications. Defined
//! once here so writer and reader can never drift apart. No queries run here except the
//! row mapping; no decisions are made here.

pub mod audit;
pub mod autoscaling;
pub mod billing;
pub mod cluster;
pub mod deployment;
pub mod diagnosis;
pub mod droplet;
pub mod job;
pub mod notify;
pub mod operation;
pub mod parked;
pub mod provider;
pub mod rate_limit_policy;
pub mod row;
pub mod telemetry;
pub mod timeline;

pub use row::{StateRow, rfc3339};

/// The name under which the live read models checkpoint their progress.
pub const PROJECTION: &str = "read_models_v1";
