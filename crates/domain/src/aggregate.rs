//! The shape every aggregate shares: a pure `decide` and a pure `evolve`, plus `replay`
//! folding from `Default`, and the few facts the generic write path and read models ask
//! of any aggregate (does it exist, whose is it, which operation is it busy with, which
//! operation facts does an event state). Must never perform IO or look at anything but
//! its arguments.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::name::ResourceName;
use crate::operation::{OperationFact, PendingOperation};
use crate::rejection::DomainError;

/// An event-sourced aggregate. The state is a pure fold of its events.
pub trait Aggregate: Default + Clone + Send + Sync + 'static {
    /// Stable name stored with every event; renaming it orphans the stored history.
    const NAME: &'static str;
    type Command: Send + Sync + 'static;
    type Event: Clone + Send + Sync + 'static;
    type Error: DomainError;

    /// Decides which events a command produces against the current state. No events
    /// means the command changes nothing (an idempotent repeat).
    fn decide(&self, command: &Self::Command) -> Result<Vec<Self::Event>, Self::Error>;

    /// Applies one event, returning the next state.
    fn evolve(self, event: &Self::Event) -> Self;

    /// Number of events folded so far; the aggregate's version and its `ETag`.
    fn version(&self) -> u64;

    /// Its id (the default state's is nil).
    fn id(&self) -> Uuid;

    /// Whether the aggregate was ever created.
    fn exists(&self) -> bool;

    /// The principal the aggregate belongs to (others see it as missing).
    fn owner(&self) -> &str;

    /// The mutating operation in flight, if any (`locked`, `RESOURCE_LOCKED`).
    fn pending_operation(&self) -> Option<&PendingOperation> {
        None
    }

    /// Whether a reconciler still has work on it. Reconcilers that sweep a kind on every
    /// tick look only at these (`Writer::observe_unsettled`), so the settled majority
    /// costs nothing per tick; a sweep's filter must therefore never select a settled
    /// aggregate. Default: never.
    fn unsettled(&self) -> bool {
        false
    }

    /// The name it holds among its owner's aggregates of this type (names are unique per
    /// owner and type, api.md §2) and whether it still needs it; `None` for unnamed types.
    fn held_name(&self) -> Option<(&ResourceName, bool)> {
        None
    }

    /// The command that asks the aggregate's pending operation `operation_id` to stop
    /// (`POST /operations/{id}:cancel`); `None` for aggregates whose operations cannot be
    /// cancelled.
    fn cancel_command(_operation_id: Uuid, _at: DateTime<Utc>) -> Option<Self::Command> {
        None
    }

    /// What `event`, appended for aggregate `id` by `principal`, says about operations.
    fn operation_facts(_event: &Self::Event, _id: Uuid, _principal: &str) -> Vec<OperationFact> {
        Vec::new()
    }

    /// Folds a whole history from the default state.
    fn replay<'a, I>(events: I) -> Self
    where
        I: IntoIterator<Item = &'a Self::Event>,
        Self::Event: 'a,
    {
        events.into_iter().fold(Self::default(), Self::evolve)
    }
}
