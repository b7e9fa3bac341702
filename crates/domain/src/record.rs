//! The records of the event log as the domain sees them (architecture.md §3): a writer's
//! ownership claim, or a batch of one command's events with its header. `proto` turns
//! bytes into these and back; event payloads stay opaque here (`RawEvent`) until the
//! aggregate named in the header decodes them. Plain data: nothing here does IO.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::log_validity::WriterClaim;

/// One record of `cluster-events`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // Nearly every record is a batch; boxing it buys nothing.
pub enum Record {
    Claim(ClaimRecord),
    Batch(Batch),
}

/// A writer's claim of a partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    pub claim: WriterClaim,
    pub advertised_url: String,
    pub claimed_at: DateTime<Utc>,
}

/// The events of one accepted command, for one aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub header: BatchHeader,
    pub events: Vec<RawEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchHeader {
    pub aggregate_type: String,
    pub aggregate_id: Uuid,
    /// The aggregate's version the events build on.
    pub from_version: u64,
    pub claim: WriterClaim,
    pub command_id: Uuid,
    /// Operation-style name of the command, e.g. `droplet.create`.
    pub command_name: String,
    pub principal: String,
    /// The aggregate's owner after the command, so views can scope by owner without
    /// folding the aggregate (empty in records written before it existed).
    pub owner: String,
    pub idempotency: Option<IdempotencyRecord>,
    pub recorded_at: DateTime<Utc>,
    /// The operation (or request) this command belongs to.
    pub correlation_id: String,
    pub causation_id: String,
    pub traceparent: String,
    pub tracestate: String,
}

/// An event still in its wire form: its aggregate decodes the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    pub event_type: String,
    pub schema_version: u32,
    /// UUIDv5(command id, index): a command re-sent after a crash yields the same ids.
    pub event_id: Uuid,
    pub payload: Vec<u8>,
}

/// The outcome of a command, stored with its events so that a retry with the same
/// Idempotency-Key replays it (api.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub key: String,
    /// SHA-256 of (principal, method, route template, key), hex.
    pub scope: String,
    /// SHA-256 of (method, path, canonical body, If-Match), hex.
    pub fingerprint: String,
    pub response: StoredResponse,
}

impl Batch {
    /// Number of events, which is how far the batch moves the aggregate's version.
    pub fn len(&self) -> u64 {
        self.events.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}
