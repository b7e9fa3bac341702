//! The projector: reads `cluster-events` as consumer group `projector` and turns valid
//! records into MariaDB read models, Redis caches and change notifications, exactly once
//! per record thanks to a checkpoint kept in the same transaction as the rows. It never
//! makes decisions or emits domain events.

/// The service name in log lines, spans and `logs.<service>`.
pub const SERVICE: &str = "projector";

/// `projected_aggregate`: versions behind the validity rule.
pub mod aggregates;
/// One reader batch in one transaction.
pub mod batch;
/// Post-commit Redis write-through and change notifications.
pub mod cache;
/// `projection_checkpoint`: per-partition progress and current claim.
pub mod checkpoint;
/// Settings (layered configuration).
pub mod config;
/// The projection loop with retries.
pub mod consumer;
/// Parked-record gauges.
pub mod dead_letters;
/// Park-or-retry classification of failures.
pub mod error;
/// The aggregate types the projector decodes.
pub mod kinds;
/// The lag gauge.
pub mod lag;
/// Start offsets from checkpoints at assignment.
pub mod offsets;
/// `parked_event`: the sequenced dead-letter.
pub mod parked;
/// `project()`: one record, live or replayed.
pub mod project;
/// Parked records released through `project()` (retry, recorded skip).
pub mod release;
/// Stored records through the live code path.
pub mod replay;
/// Node telemetry: the samples subscription, retention and the per-cluster gauge.
pub mod samples;
/// `Application`: wiring, HTTP server, run and shutdown.
pub mod startup;
/// The projector's instruments.
pub mod telemetry;
/// Read models, one per file.
pub mod views;
/// The in-memory working set of one batch.
pub mod workspace;
