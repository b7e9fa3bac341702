//! The confirmed aggregates of one partition, with two indexes of their ids by kind: all
//! of them, so a reconciler asking for the jobs (or the clusters) of a partition visits
//! those and not every droplet and name reservation beside them; and the unsettled ones
//! (`Aggregate::unsettled`), so the sweeps that tick often — provisioning, name
//! confirmation — visit the few droplets and reservations with work left, not the
//! thousands that are done. It holds states; it never folds, decides or looks at the
//! speculative overlay (that is `partition.rs`'s).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use uuid::Uuid;

use super::kinds::AnyState;

/// foldhash: restore touches these maps once per record, and SipHash's DoS resistance
/// buys nothing for server-minted ids.
pub type FastHash = foldhash::fast::RandomState;

/// Every confirmed aggregate by id, and the ids of each kind.
#[derive(Default)]
pub struct Aggregates {
    states: HashMap<Uuid, Arc<dyn AnyState>, FastHash>,
    /// An aggregate's kind never changes, so an id is indexed once, when first stored.
    by_kind: BTreeMap<&'static str, HashSet<Uuid, FastHash>>,
    /// The ids whose current state is unsettled, by kind; kept at every store.
    unsettled: BTreeMap<&'static str, HashSet<Uuid, FastHash>>,
}

impl Aggregates {
    pub fn get(&self, id: &Uuid) -> Option<&Arc<dyn AnyState>> {
        self.states.get(id)
    }

    /// Stores the state of `id`, indexing it under its kind if it is new, and among the
    /// unsettled ones exactly while it is.
    pub fn insert(&mut self, id: Uuid, state: Arc<dyn AnyState>) {
        let kind = state.kind();
        let unsettled = state.unsettled();
        if self.states.insert(id, state).is_none() {
            self.by_kind.entry(kind).or_default().insert(id);
        }
        if unsettled {
            self.unsettled.entry(kind).or_default().insert(id);
        } else if let Some(ids) = self.unsettled.get_mut(kind) {
            ids.remove(&id);
        }
    }

    pub fn remove(&mut self, id: &Uuid) {
        let Some(state) = self.states.remove(id) else {
            return;
        };
        for index in [&mut self.by_kind, &mut self.unsettled] {
            if let Some(ids) = index.get_mut(state.kind()) {
                ids.remove(id);
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Uuid, &Arc<dyn AnyState>)> {
        self.states.iter()
    }

    /// The aggregates of `kind` (only the unsettled ones if `unsettled_only`), without
    /// visiting any other.
    pub fn of_kind<'a>(
        &'a self,
        kind: &str,
        unsettled_only: bool,
    ) -> impl Iterator<Item = (&'a Uuid, &'a Arc<dyn AnyState>)> + 'a {
        let index = if unsettled_only {
            &self.unsettled
        } else {
            &self.by_kind
        };
        index
            .get(kind)
            .into_iter()
            .flatten()
            .filter_map(|id| self.states.get_key_value(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writer::kinds::AnyState;
    use domain::Aggregate;
    use domain::droplet::{Droplet, DropletStatus};
    use domain::reservation::NameReservation;

    fn droplet(id: Uuid) -> Arc<dyn AnyState> {
        Arc::new(Droplet {
            id,
            ..Droplet::default()
        })
    }

    fn reservation() -> Arc<dyn AnyState> {
        Arc::new(NameReservation::default())
    }

    #[test]
    fn of_kind_visits_only_that_kind_and_forgets_removed_ids() {
        let mut store = Aggregates::default();
        let (a, b, r) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        store.insert(a, droplet(a));
        store.insert(b, droplet(b));
        store.insert(a, droplet(a));
        store.insert(r, reservation());
        let mut droplets: Vec<Uuid> = store
            .of_kind(Droplet::NAME, false)
            .map(|(id, _)| *id)
            .collect();
        droplets.sort();
        let mut expected = vec![a, b];
        expected.sort();
        assert_eq!(droplets, expected);
        assert_eq!(store.of_kind(NameReservation::NAME, false).count(), 1);
        store.remove(&a);
        assert_eq!(
            store
                .of_kind(Droplet::NAME, false)
                .map(|(id, _)| *id)
                .collect::<Vec<_>>(),
            vec![b]
        );
        assert!(store.get(&a).is_none());
        assert_eq!(store.of_kind("job", false).count(), 0);
    }

    fn with_status(id: Uuid, status: DropletStatus) -> Arc<dyn AnyState> {
        Arc::new(Droplet {
            id,
            status: Some(status),
            ..Droplet::default()
        })
    }

    fn unsettled_ids(store: &Aggregates) -> Vec<Uuid> {
        store
            .of_kind(Droplet::NAME, true)
            .map(|(id, _)| *id)
            .collect()
    }

    #[test]
    fn an_aggregate_is_among_the_unsettled_exactly_while_its_state_says_so() {
        let mut store = Aggregates::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        store.insert(a, with_status(a, DropletStatus::New));
        store.insert(b, with_status(b, DropletStatus::Active));
        assert_eq!(unsettled_ids(&store), vec![a], "new: to provision");
        store.insert(a, with_status(a, DropletStatus::Active));
        assert!(unsettled_ids(&store).is_empty(), "provisioned: settled");
        store.insert(b, with_status(b, DropletStatus::Deleting));
        assert_eq!(unsettled_ids(&store), vec![b]);
        store.remove(&b);
        assert!(
            unsettled_ids(&store).is_empty(),
            "removed from both indexes"
        );
        assert_eq!(store.of_kind(Droplet::NAME, false).count(), 1);
    }
}
