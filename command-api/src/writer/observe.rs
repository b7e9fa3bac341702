//! Reading the write model, for reconcilers and for the one-hop checks of sagas: typed
//! copies of the aggregates of served partitions, a `peek` at one aggregate that says
//! when the answer is not certain yet, and each partition's status. Reads only; it never
//! decides anything and never looks at a partition that is not being served.

use domain::Aggregate;
use uuid::Uuid;

use super::Writer;
use super::kinds::{AnyState, downcast};
use super::partition::Phase;

/// One aggregate as a reconciler sees it.
#[derive(Debug, Clone)]
pub struct Observed<A> {
    pub partition: i32,
    pub state: A,
    /// A command for it is appended but not read back yet.
    pub pending: bool,
}

/// What the write model knows for sure about one aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peek<A> {
    /// Another instance serves its partition.
    NotOwned {
        partition: i32,
    },
    /// Restoring, fenced, or a command for it is in flight: ask again later.
    Uncertain,
    Absent,
    Present(A),
}

/// One partition's writer status, for `/observability/partitions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionStatus {
    pub partition: i32,
    pub phase: Phase,
    /// The valid claim's epoch as last read from the log.
    pub epoch: u64,
    pub next_offset: i64,
}

impl Writer {
    /// The aggregates of type `A` in every served partition that `wanted` selects.
    pub fn observe<A: Aggregate>(&self, wanted: impl Fn(&A) -> bool) -> Vec<Observed<A>> {
        (0..self.partitions())
            .flat_map(|p| self.observe_partition(p, &wanted))
            .collect()
    }

    /// The unsettled aggregates of type `A` (`Aggregate::unsettled`) in every served
    /// partition that `wanted` selects: for sweeps that tick often over a kind with many
    /// settled aggregates. `wanted` must select only unsettled ones.
    pub fn observe_unsettled<A: Aggregate>(&self, wanted: impl Fn(&A) -> bool) -> Vec<Observed<A>> {
        (0..self.partitions())
            .flat_map(|p| self.observed_in(p, &wanted, true))
            .collect()
    }

    /// The aggregates of type `A` in `partition` (if served) that `wanted` selects.
    pub fn observe_partition<A: Aggregate>(
        &self,
        partition: i32,
        wanted: &impl Fn(&A) -> bool,
    ) -> Vec<Observed<A>> {
        self.observed_in(partition, wanted, false)
    }

    fn observed_in<A: Aggregate>(
        &self,
        partition: i32,
        wanted: &impl Fn(&A) -> bool,
        unsettled_only: bool,
    ) -> Vec<Observed<A>> {
        let Ok(index) = usize::try_from(partition) else {
            return Vec::new();
        };
        let guard = self.inner.lock(index);
        let Some(state) = guard.as_ref().filter(|s| s.phase == Phase::Serving) else {
            return Vec::new();
        };
        // Filter before cloning: reconcilers look at few aggregates of many.
        state
            .of_kind(A::NAME, unsettled_only)
            .filter_map(|(any, pending)| downcast::<A>(any).map(|a| (a, pending)))
            .filter(|(a, _)| wanted(a))
            .map(|(a, pending)| Observed {
                partition,
                state: a.clone(),
                pending,
            })
            .collect()
    }

    /// The aggregate (kind, id and owner) in `partition` whose pending operation is
    /// `operation_id`, if the partition is served here and one is.
    pub fn operation_holder(
        &self,
        partition: i32,
        operation_id: Uuid,
    ) -> Option<(&'static str, Uuid, String)> {
        let index = usize::try_from(partition).ok()?;
        let guard = self.inner.lock(index);
        let state = guard.as_ref().filter(|s| s.phase == Phase::Serving)?;
        state
            .all()
            .find(|(_, any, _)| {
                any.pending_operation()
                    .is_some_and(|p| p.id == operation_id)
            })
            .map(|(id, any, _)| (any.kind(), id, any.owner().to_owned()))
    }

    /// One aggregate, if this instance can say for certain what it is.
    pub fn peek<A: Aggregate>(&self, id: &Uuid) -> Peek<A> {
        self.peek_with(id, |any| downcast::<A>(any).filter(|a| a.exists()).cloned())
    }

    /// What `read` makes of one aggregate (whatever its type), if this instance can say
    /// for certain; `read` answering `None` means absent.
    pub fn peek_with<T>(&self, id: &Uuid, read: impl Fn(&dyn AnyState) -> Option<T>) -> Peek<T> {
        let partition = self.partition_of(id);
        let Ok(index) = usize::try_from(partition) else {
            return Peek::Absent;
        };
        let guard = self.inner.lock(index);
        let Some(state) = guard.as_ref() else {
            return Peek::NotOwned { partition };
        };
        if state.phase != Phase::Serving {
            return Peek::Uncertain;
        }
        let current = state.current(id);
        if current.pending || state.quarantine_reason(id).is_some() {
            return Peek::Uncertain;
        }
        match current.state.and_then(read) {
            Some(found) => Peek::Present(found),
            None => Peek::Absent,
        }
    }

    /// The status of every partition assigned to this instance.
    pub fn partition_statuses(&self) -> Vec<PartitionStatus> {
        (0..self.inner.states.len())
            .filter_map(|index| {
                let guard = self.inner.lock(index);
                let state = guard.as_ref()?;
                Some(PartitionStatus {
                    partition: state.partition,
                    phase: state.phase,
                    epoch: state.current_epoch,
                    next_offset: state.next_offset,
                })
            })
            .collect()
    }
}
