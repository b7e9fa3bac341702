//! log-consumer: will ship every service's `logs.*` records to Loki (architecture.md §8).
//! Today it only starts and exposes health and metrics; it must never consume its own
//! logs in a loop or drop a batch silently once shipping exists.

/// Settings composed from platform parts.
pub mod config;
/// Application: binds the listener and serves health and metrics.
pub mod startup;
