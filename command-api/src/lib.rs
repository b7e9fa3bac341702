//! command-api: HTTP commands → write model → `decide` → one record appended to
//! `cluster-events` → read back → reply. Also runs the reconcilers next to the state
//! they act on. It never reads or writes the read models.

/// Settings composed from platform parts.
pub mod config;
/// Submission errors → RFC 9457 problems.
pub mod error;
/// Which instance serves which partition (Redis), for forwarding.
pub mod ownership;
/// Idempotency-Key scope and fingerprint; If-Match parsing.
pub mod preconditions;
/// The provisioner reconciler: `new` → `active`, `deleting` → `deleted`.
pub mod provisioner;
/// HTTP handlers, one per command.
pub mod routes;
/// Application: binds the listener, wires Kafka, the writer and reconcilers.
pub mod startup;
/// The log-arbitrated single writer.
pub mod writer;
