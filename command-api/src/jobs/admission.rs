//! Exact queue capacity. Every job of a queue lives in one partition, decided by one
//! writer, so this instance sees all of them — except enqueues still in flight. Each
//! enqueue therefore takes a slot (its job id) here before it looks, and gives it back
//! once its command is decided; a queue's occupancy is the union of the jobs the write
//! model holds (in flight ones included) and the slots, so an enqueue counts once and
//! two concurrent enqueues can never both take the last place.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use uuid::Uuid;

#[derive(Clone, Default)]
pub struct Admission {
    in_flight: Arc<Mutex<HashMap<String, HashSet<Uuid>>>>,
}

/// A place held in a queue while its enqueue is decided; released on drop.
pub struct Slot {
    admission: Admission,
    queue: String,
    id: Uuid,
}

impl Admission {
    /// A slot for job `id` in `queue`, if the jobs `held` there plus the enqueues in
    /// flight leave room under `capacity`.
    pub fn admit(
        &self,
        queue: &str,
        held: &HashSet<Uuid>,
        capacity: usize,
        id: Uuid,
    ) -> Option<Slot> {
        let mut in_flight = self.lock();
        let pending = in_flight.entry(queue.to_owned()).or_default();
        let occupied = held.len() + pending.iter().filter(|p| !held.contains(p)).count();
        if occupied >= capacity {
            return None;
        }
        pending.insert(id);
        Some(Slot {
            admission: self.clone(),
            queue: queue.to_owned(),
            id,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashSet<Uuid>>> {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut in_flight = self.admission.lock();
        if let Some(pending) = in_flight.get_mut(&self.queue) {
            pending.remove(&self.id);
            if pending.is_empty() {
                in_flight.remove(&self.queue);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enqueue_counts_once_whether_in_flight_or_held() {
        let admission = Admission::default();
        let id = |n| Uuid::from_u128(n);
        let mut held: HashSet<Uuid> = [id(1)].into();
        let first = admission.admit("q", &held, 3, id(2)).expect("room");
        let _second = admission.admit("q", &held, 3, id(3)).expect("room");
        assert!(
            admission.admit("q", &held, 3, id(4)).is_none(),
            "1 held + 2 in flight"
        );
        // The first one's job appears in the write model before its slot is given back.
        held.insert(id(2));
        assert!(
            admission.admit("q", &held, 3, id(4)).is_none(),
            "still 3, not 4"
        );
        drop(first);
        assert!(admission.admit("q", &held, 3, id(4)).is_none());
        assert!(
            admission
                .admit("other", &HashSet::new(), 1, id(5))
                .is_some()
        );
    }
}
