//! The pure core of ClusterGenie: value types, aggregates (`decide` / `evolve`), the
//! records of the log, operations as facts, and the log-validity rule. Nothing here
//! performs IO, reads a clock, draws randomness or serializes; callers look those up
//! first and pass them in.

pub mod aggregate;
pub mod autoscale;
pub mod billing;
pub mod catalog;
pub mod cluster;
pub mod deployment;
pub mod diagnosis;
pub mod droplet;
pub mod job;
pub mod log_validity;
pub mod name;
pub mod operation;
pub mod provider;
pub mod queue;
pub mod rate_limit_policy;
pub mod record;
pub mod rejection;
pub mod reservation;
pub mod telemetry;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use aggregate::Aggregate;
pub use rejection::{DomainError, Rejection, RejectionKind};
