//! The vocabulary of the write path: what a route or reconciler submits (a typed command
//! wrapped so the writer can decide it without knowing its aggregate), what it gets back,
//! and why a submission can fail.

use domain::Aggregate;
use domain::record::{RawEvent, StoredResponse};
use domain::{DomainError, Rejection};
use platform::auth::Principal;
use platform::consistency::Position;
use proto::WireEvent;
use uuid::Uuid;

use super::kinds::{AnyState, downcast};

/// The Idempotency-Key of a request, with its scope and fingerprint already computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRequest {
    pub key: String,
    pub scope: String,
    pub fingerprint: String,
}

/// A decision made on the current (speculative) state, ready to be appended.
pub struct Decided {
    pub from_version: u64,
    /// Empty when the command changes nothing: nothing is appended.
    pub events: Vec<RawEvent>,
    pub state_after: Box<dyn AnyState>,
    pub response: StoredResponse,
}

/// Decides the wrapped command against the aggregate's current state.
type Decide = Box<dyn FnOnce(Option<&dyn AnyState>, Uuid) -> Result<Decided, SubmitError> + Send>;

/// One command for one aggregate, fully parsed and authorised.
pub struct Submission {
    pub kind: &'static str,
    pub aggregate_id: Uuid,
    /// The command's id; also the operation id when the command starts one.
    pub command_id: Uuid,
    pub principal: Principal,
    /// Operation-style name recorded in the batch header, e.g. `droplet.create`.
    pub command_name: &'static str,
    pub idempotency: Option<IdempotencyRequest>,
    pub correlation_id: Option<String>,
    pub(super) decide: Decide,
}

/// Builds a `Submission` for aggregate `A`.
pub struct Command<A: Aggregate> {
    aggregate_id: Uuid,
    command: A::Command,
    command_id: Uuid,
    principal: Principal,
    command_name: &'static str,
    expected_version: Option<u64>,
    idempotency: Option<IdempotencyRequest>,
    correlation_id: Option<String>,
}

impl<A> Command<A>
where
    A: Aggregate,
    A::Event: WireEvent,
{
    pub fn new(
        aggregate_id: Uuid,
        command: A::Command,
        command_id: Uuid,
        principal: Principal,
        command_name: &'static str,
    ) -> Self {
        Self {
            aggregate_id,
            command,
            command_id,
            principal,
            command_name,
            expected_version: None,
            idempotency: None,
            correlation_id: None,
        }
    }

    /// `If-Match`: the version the client saw.
    pub fn expecting(mut self, version: Option<u64>) -> Self {
        self.expected_version = version;
        self
    }

    pub fn idempotency(mut self, idempotency: Option<IdempotencyRequest>) -> Self {
        self.idempotency = idempotency;
        self
    }

    /// The id that ties the record to what caused it (the request id). The trace context
    /// is not passed in: the writer takes the current span's.
    pub fn correlated(mut self, correlation_id: Option<String>) -> Self {
        self.correlation_id = correlation_id;
        self
    }

    /// Finishes the submission with the responder that builds the success response from
    /// the state after the command, the events it appended and the command id.
    pub fn respond(
        self,
        respond: impl FnOnce(&A, &[A::Event], Uuid) -> StoredResponse + Send + 'static,
    ) -> Submission {
        let Self {
            aggregate_id,
            command,
            command_id,
            principal,
            command_name,
            expected_version,
            idempotency,
            correlation_id,
        } = self;
        let viewer = principal.clone();
        let decide: Decide = Box::new(move |current, command_id| {
            decide::<A>(
                current,
                &viewer,
                expected_version,
                &command,
                command_id,
                respond,
            )
        });
        Submission {
            kind: A::NAME,
            aggregate_id,
            command_id,
            principal,
            command_name,
            idempotency,
            correlation_id,
            decide,
        }
    }
}

fn decide<A>(
    current: Option<&dyn AnyState>,
    viewer: &Principal,
    expected_version: Option<u64>,
    command: &A::Command,
    command_id: Uuid,
    respond: impl FnOnce(&A, &[A::Event], Uuid) -> StoredResponse,
) -> Result<Decided, SubmitError>
where
    A: Aggregate,
    A::Event: WireEvent,
{
    let state = match current {
        Some(state) => downcast::<A>(state)
            .cloned()
            .ok_or(SubmitError::NotFound(A::NAME))?,
        None => A::default(),
    };
    // Someone else's aggregate reads as missing: existence must not leak.
    if state.exists() && !viewer.can_see(state.owner()) {
        return Err(SubmitError::NotFound(A::NAME));
    }
    if expected_version.is_some_and(|v| v != state.version()) {
        return Err(SubmitError::PreconditionFailed {
            current_version: state.version(),
        });
    }
    let events = state
        .decide(command)
        .map_err(|e| SubmitError::Domain(e.rejection()))?;
    let from_version = state.version();
    let after = events.iter().fold(state, A::evolve);
    let response = respond(&after, &events, command_id);
    Ok(Decided {
        from_version,
        events: proto::encode_events(command_id, &events),
        state_after: Box::new(after),
        response,
    })
}

/// A command accepted and confirmed in the log (or a replay of one, or a no-op).
pub struct Accepted {
    pub response: StoredResponse,
    /// Where its record landed; `None` for a command that changed nothing.
    pub position: Option<Position>,
    pub replayed: bool,
    /// The state after the command, for in-process callers (absent for replays).
    pub state: Option<Box<dyn AnyState>>,
}

impl Accepted {
    /// The typed state after the command.
    pub fn state<A: Aggregate>(&self) -> Option<&A> {
        self.state.as_deref().and_then(downcast::<A>)
    }
}

impl std::fmt::Debug for Accepted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accepted")
            .field("status", &self.response.status)
            .field("position", &self.position)
            .field("replayed", &self.replayed)
            .finish()
    }
}

impl Clone for Accepted {
    fn clone(&self) -> Self {
        Self {
            response: self.response.clone(),
            position: self.position,
            replayed: self.replayed,
            state: self.state.as_ref().map(|s| s.clone_box()),
        }
    }
}

/// Why a submission was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    #[error("the aggregate refused the command: {}", .0.detail)]
    Domain(Rejection),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("If-Match does not match version {current_version}")]
    PreconditionFailed { current_version: u64 },
    #[error("the Idempotency-Key was used with another request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is in flight")]
    IdempotencyKeyInUse,
    #[error("the write path is unavailable: {0}")]
    Unavailable(&'static str),
    #[error("the aggregate's history cannot be read: {0}")]
    Quarantined(String),
    #[error("partition {partition} is not owned by this instance")]
    NotOwned { partition: i32 },
}

impl SubmitError {
    /// The aggregate does not exist (or is someone else's).
    pub fn is_not_found(&self) -> bool {
        match self {
            Self::NotFound(_) => true,
            Self::Domain(rejection) => rejection.kind == domain::RejectionKind::NotFound,
            _ => false,
        }
    }

    /// Outcomes decided by the aggregate are remembered for idempotent retries.
    pub fn is_remembered(&self) -> bool {
        matches!(
            self,
            Self::Domain(_) | Self::NotFound(_) | Self::PreconditionFailed { .. }
        )
    }
}
