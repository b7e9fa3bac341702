//! The pure core of ClusterGenie: value types, aggregates (`decide` / `evolve`) and the
//! log-validity rule. Nothing here performs IO, reads a clock, draws randomness or
//! serializes; callers look those up first and pass them in.

pub mod aggregate;
pub mod catalog;
pub mod droplet;
pub mod log_validity;

pub use aggregate::Aggregate;
