//! The vocabulary of the write path: what a route submits, what it gets back, and why a
//! submission can fail. Plain data; no behaviour beyond small constructors.

use domain::droplet::{Droplet, DropletCommand, DropletError};
use platform::auth::Principal;
use uuid::Uuid;

/// A response as stored in the log record, replayed verbatim for a repeated
/// Idempotency-Key (api.md §5). `Consistency-Token` is not stored: it is the record's
/// own position, known only once the record is in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The Idempotency-Key of a request, with its scope and fingerprint already computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRequest {
    pub key: String,
    pub scope: String,
    pub fingerprint: String,
}

/// Builds the success response from the state after the command's events.
pub type Responder = Box<dyn FnOnce(&Droplet, Uuid) -> StoredResponse + Send>;

/// One command for one droplet, fully parsed and authorised.
pub struct Submission {
    pub aggregate_id: Uuid,
    pub command: DropletCommand,
    pub principal: Principal,
    /// Operation-style name recorded in the batch header, e.g. `droplet.create`.
    pub command_name: &'static str,
    /// From `If-Match`; `None` means any version.
    pub expected_version: Option<u64>,
    pub idempotency: Option<IdempotencyRequest>,
    pub respond: Responder,
    pub correlation_id: Option<String>,
    pub traceparent: Option<String>,
}

/// Where a record landed: the consistency token of api.md §7 (`partition:offset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub partition: i32,
    pub offset: i64,
}

impl Position {
    pub fn token(&self) -> String {
        format!("{}:{}", self.partition, self.offset)
    }
}

/// A command accepted and confirmed in the log (or a replay of one).
#[derive(Debug, Clone)]
pub struct Accepted {
    pub response: StoredResponse,
    pub position: Position,
    pub replayed: bool,
}

/// Why a submission was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    #[error("domain rejected the command: {0}")]
    Domain(DropletError),
    #[error("If-Match does not match version {current_version}")]
    PreconditionFailed { current_version: u64 },
    #[error("the Idempotency-Key was used with another request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is in flight")]
    IdempotencyKeyInUse,
    #[error("the write path is unavailable: {0}")]
    Unavailable(&'static str),
    #[error("partition {partition} is not owned by this instance")]
    NotOwned { partition: i32 },
}

impl SubmitError {
    /// Outcomes decided by the aggregate are remembered for idempotent retries.
    pub fn is_remembered(&self) -> bool {
        matches!(self, Self::Domain(_) | Self::PreconditionFailed { .. })
    }
}
