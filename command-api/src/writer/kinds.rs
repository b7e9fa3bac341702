//! The aggregate registry of the write path: each registered aggregate type (one line
//! in `startup.rs` per type) becomes a `Kind` — how to start its state and fold a valid
//! batch of its events, how to encode and decode its state for snapshots — keyed by its
//! stable name, and its state travels through the partition behind `AnyState`. The writer itself never names a concrete aggregate.

use std::any::Any;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use domain::Aggregate;
use domain::operation::PendingOperation;
use domain::record::{RawEvent, StoredResponse};
use platform::auth::Principal;
use proto::{DecodeError, WireEvent, WireState};
use uuid::Uuid;

use super::types::{Command, Submission};

/// Any aggregate's state, as the partition holds it.
pub trait AnyState: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    fn version(&self) -> u64;
    fn exists(&self) -> bool;
    fn owner(&self) -> &str;
    fn pending_operation(&self) -> Option<&PendingOperation>;
    /// A reconciler still has work on it (`Aggregate::unsettled`).
    fn unsettled(&self) -> bool;
    /// The unique name it holds and whether it still needs it (`Aggregate::held_name`).
    fn held_name(&self) -> Option<(String, bool)>;
    fn as_any(&self) -> &dyn Any;
    fn clone_box(&self) -> Box<dyn AnyState>;
}

impl<A: Aggregate> AnyState for A {
    fn kind(&self) -> &'static str {
        A::NAME
    }

    fn version(&self) -> u64 {
        Aggregate::version(self)
    }

    fn exists(&self) -> bool {
        Aggregate::exists(self)
    }

    fn unsettled(&self) -> bool {
        Aggregate::unsettled(self)
    }

    fn owner(&self) -> &str {
        Aggregate::owner(self)
    }

    fn pending_operation(&self) -> Option<&PendingOperation> {
        Aggregate::pending_operation(self)
    }

    fn held_name(&self) -> Option<(String, bool)> {
        Aggregate::held_name(self).map(|(name, live)| (name.to_string(), live))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn clone_box(&self) -> Box<dyn AnyState> {
        Box::new(self.clone())
    }
}

/// The typed view of an erased state, if it is an `A`.
pub fn downcast<A: Aggregate>(state: &dyn AnyState) -> Option<&A> {
    state.as_any().downcast_ref::<A>()
}

/// What the writer can do with one aggregate type without knowing it.
pub trait Kind: Send + Sync {
    fn name(&self) -> &'static str;
    /// Folds the events of a valid batch onto `state` (the default state if `None`).
    fn fold(
        &self,
        state: Option<&dyn AnyState>,
        events: &[RawEvent],
    ) -> Result<Box<dyn AnyState>, DecodeError>;
    /// The submission that asks `request.target`'s pending operation to stop, if this
    /// type's operations can be cancelled.
    fn cancel(&self, request: CancelRequest) -> Option<Submission>;
    /// The state's snapshot form (state version, bytes); `None` if it is not this type's.
    fn encode_state(&self, state: &dyn AnyState) -> Option<(u32, Vec<u8>)>;
    /// A state back from its snapshot form.
    fn decode_state(&self, version: u32, bytes: &[u8]) -> Result<Box<dyn AnyState>, DecodeError>;
}

/// Builds the answer to a cancel from whether the operation is still pending after it.
pub type CancelResponder = Box<dyn FnOnce(bool) -> StoredResponse + Send>;

/// `POST /operations/{id}:cancel`, aimed at the aggregate running the operation.
pub struct CancelRequest {
    pub target: Uuid,
    pub operation_id: Uuid,
    pub command_id: Uuid,
    pub at: chrono::DateTime<chrono::Utc>,
    pub principal: Principal,
    pub respond: CancelResponder,
}

struct KindOf<A>(PhantomData<fn() -> A>);

impl<A> Kind for KindOf<A>
where
    A: Aggregate + WireState,
    A::Event: WireEvent,
{
    fn name(&self) -> &'static str {
        A::NAME
    }

    fn fold(
        &self,
        state: Option<&dyn AnyState>,
        events: &[RawEvent],
    ) -> Result<Box<dyn AnyState>, DecodeError> {
        let start = match state {
            Some(state) => downcast::<A>(state)
                .cloned()
                .ok_or(DecodeError::Invalid("aggregate_type"))?,
            None => A::default(),
        };
        let events: Vec<A::Event> = proto::decode_events(events)?;
        Ok(Box::new(events.iter().fold(start, A::evolve)))
    }

    fn encode_state(&self, state: &dyn AnyState) -> Option<(u32, Vec<u8>)> {
        downcast::<A>(state).map(|state| (A::STATE_VERSION, state.encode_state()))
    }

    fn decode_state(&self, version: u32, bytes: &[u8]) -> Result<Box<dyn AnyState>, DecodeError> {
        Ok(Box::new(A::decode_state(version, bytes)?))
    }

    fn cancel(&self, request: CancelRequest) -> Option<Submission> {
        let CancelRequest {
            target,
            operation_id,
            command_id,
            at,
            principal,
            respond,
        } = request;
        let command = A::cancel_command(operation_id, at)?;
        let submission =
            Command::<A>::new(target, command, command_id, principal, "operation.cancel").respond(
                move |state, _, _| {
                    respond(
                        state
                            .pending_operation()
                            .is_some_and(|p| p.id == operation_id),
                    )
                },
            );
        Some(submission)
    }
}

/// The registered aggregate types, by name.
#[derive(Clone, Default)]
pub struct Kinds(HashMap<&'static str, Arc<dyn Kind>>);

impl Kinds {
    /// Registers `A`; one line per aggregate type.
    pub fn register<A>(mut self) -> Self
    where
        A: Aggregate + WireState,
        A::Event: WireEvent,
    {
        self.0.insert(A::NAME, Arc::new(KindOf::<A>(PhantomData)));
        self
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn Kind>> {
        self.0.get(name)
    }

    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.0.keys().copied().collect();
        names.sort_unstable();
        names
    }
}
