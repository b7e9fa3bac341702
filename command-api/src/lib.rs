//! command-api: HTTP commands → write model → `decide` → one record appended to
//! `cluster-events` → read back → reply. Also runs the reconcilers next to the state
//! they act on. It never reads or writes the read models.

/// The service name in log lines, spans and `logs.<service>`.
pub const SERVICE: &str = "command-api";

/// Settings composed from platform parts.
pub mod config;
/// Deployments (api.md §12.4): where a cluster's deployments live, and their runner.
pub mod deployments;
/// Diagnosis (api.md §15): a cluster's facts, the rule engine's run, its recording.
pub mod diagnosis;
/// Submission errors → RFC 9457 problems.
pub mod error;
/// The internal API between instances (name steps, holder look-ups).
pub mod internal;
/// Jobs: settings, queue placement, the worker pool and its handlers.
pub mod jobs;
/// Names unique per owner across partitions: reservations.
pub mod names;
/// `clustergenie_command_responses_total{method,outcome}`: how mutations ended.
pub mod outcomes;
/// Which instance serves which partition (Redis), for forwarding.
pub mod ownership;
/// Idempotency-Key scope and fingerprint; If-Match parsing.
pub mod preconditions;
/// Providers: placement and reservations in the providers' partition, and their sweep.
pub mod providers;
/// The reconcilers: droplets, node pools, name reservations.
pub mod reconcile;
/// HTTP handlers, one per command, and the route table.
pub mod routes;
/// Application: binds the listener, wires Kafka, the writer and reconcilers.
pub mod startup;
/// Runtime snapshots for the status board (`/observability/*`).
pub mod status;

pub mod telemetry;
/// Commands spanning aggregates: creating and renaming under unique names.
pub mod workflows;
/// The log-arbitrated single writer.
pub mod writer;
