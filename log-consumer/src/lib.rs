//! log-consumer: ships every service's `logs.*` records to Loki (protobuf + snappy,
//! labels `{service, env, level}`, ids as structured metadata) and to `log_lines`
//! (architecture.md §8). Offsets are committed only after a batch is shipped; invalid or
//! refused records are parked, never dropped; its own topic is never shipped (no loop).

/// Batches of consumed records and the offsets they commit.
pub mod batch;
/// Settings composed from platform parts.
pub mod config;
/// Loki's push API: messages, request building, client.
pub mod loki;
/// The read-batch-ship loop.
pub mod pipeline;
/// Readiness (Kafka, Loki) and consumer lag.
pub mod probe;
/// The log record format services write.
pub mod record;
/// Purging past retention.
pub mod retention;
/// Backoff for shipping steps.
pub mod retry;
/// Shipping one batch.
pub mod ship;
/// `log_lines` and `log_parked` writes.
pub mod sink;
/// The `logs.*` group member.
pub mod source;
/// Application: wires everything and runs it.
pub mod startup;
/// Instruments.
pub mod telemetry;
