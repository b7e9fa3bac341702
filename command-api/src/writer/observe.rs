//! Reading the write model, for reconcilers and for the one-hop checks of sagas: typed
//! copies of the aggregates of served partitions, a `peek` at one aggregate that says
//! when the answer is not certain yet, and each partition's status. Reads only; it never
//! decides anything and never looks at a partition that is not being served.

use domain::Aggregate;
use uuid::Uuid;

use super::Writer;
use super::kinds::downcast;
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

    /// The aggregates of type `A` in `partition` (if served) that `wanted` selects.
    pub fn observe_partition<A: Aggregate>(
        &self,
        partition: i32,
        wanted: &impl Fn(&A) -> bool,
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
            .of_kind(A::NAME)
            .filter_map(|(any, pending)| downcast::<A>(any).map(|a| (a, pending)))
            .filter(|(a, _)| wanted(a))
            .map(|(a, pending)| Observed {
                partition,
                state: a.clone(),
                pending,
            })
            .collect()
    }

    /// One aggregate, if this instance can say for certain what it is.
    pub fn peek<A: Aggregate>(&self, id: &Uuid) -> Peek<A> {
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
        match current.state.and_then(downcast::<A>).filter(|a| a.exists()) {
            Some(a) => Peek::Present(a.clone()),
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
