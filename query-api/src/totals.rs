//! `meta.total` without a `COUNT(*)` per page while the read models stand still. A total
//! is remembered with the read-model position it was counted at — the projector's
//! checkpoints, which it commits in the same transaction as the rows — and reused only
//! by a list whose own snapshot reads the same checkpoints, so it is the exact count of
//! that snapshot. An entry also expires after `TTL`: a read-model cutover swaps tables
//! and checkpoints at once, and a rebuilt version caught up to the same offsets may hold
//! different rows. It never stores rows, and never answers for another query's filter.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::filter::Condition;

/// How long a remembered total may be reused at an unchanged position.
const TTL: Duration = Duration::from_secs(1);
/// Beyond this many remembered queries, all are forgotten (filters are user input).
const MAX_ENTRIES: usize = 1024;

/// A read-model position: `(projection, partition, next_offset)` per checkpoint row,
/// in that order.
pub type Position = Vec<(String, i32, i64)>;

/// Remembered totals, per table and filter.
#[derive(Default)]
pub struct Totals {
    entries: Mutex<HashMap<(&'static str, Condition), Entry>>,
}

struct Entry {
    position: Position,
    counted_at: Instant,
    total: i64,
}

impl Totals {
    /// The total counted for `table` and `matching` at exactly `position`, if fresh.
    pub fn get(
        &self,
        table: &'static str,
        matching: &Condition,
        position: &Position,
        now: Instant,
    ) -> Option<i64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&(table, matching.clone()))
            .filter(|e| &e.position == position && now.duration_since(e.counted_at) < TTL)
            .map(|e| e.total)
    }

    pub fn put(
        &self,
        table: &'static str,
        matching: &Condition,
        position: Position,
        total: i64,
        now: Instant,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        let entry = Entry {
            position,
            counted_at: now,
            total,
        };
        entries.insert((table, matching.clone()), entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Bind;

    fn position(marks: &[(i32, i64)]) -> Position {
        marks
            .iter()
            .map(|(p, next)| ("read_models_v1".to_owned(), *p, *next))
            .collect()
    }

    fn owner(name: &str) -> Condition {
        Condition::new("owner = ?", vec![Bind::Text(name.to_owned())])
    }

    #[test]
    fn a_total_is_reused_only_at_the_same_position_filter_and_table_while_fresh() {
        let totals = Totals::default();
        let t0 = Instant::now();
        let at = position(&[(0, 10), (1, 4)]);
        totals.put("droplet", &owner("ann"), at.clone(), 7, t0);
        assert_eq!(totals.get("droplet", &owner("ann"), &at, t0), Some(7));
        assert_eq!(
            totals.get("droplet", &owner("bob"), &at, t0),
            None,
            "other filter"
        );
        assert_eq!(
            totals.get("cluster", &owner("ann"), &at, t0),
            None,
            "other table"
        );
        let moved = position(&[(0, 11), (1, 4)]);
        assert_eq!(
            totals.get("droplet", &owner("ann"), &moved, t0),
            None,
            "rows changed"
        );
        assert_eq!(
            totals.get("droplet", &owner("ann"), &at, t0 + TTL),
            None,
            "expired"
        );
    }

    #[test]
    fn past_the_bound_everything_is_forgotten() {
        let totals = Totals::default();
        let t0 = Instant::now();
        for n in 0..MAX_ENTRIES {
            totals.put("droplet", &owner(&n.to_string()), vec![], 1, t0);
        }
        totals.put("droplet", &owner("last"), vec![], 2, t0);
        assert_eq!(totals.get("droplet", &owner("0"), &vec![], t0), None);
        assert_eq!(totals.get("droplet", &owner("last"), &vec![], t0), Some(2));
    }
}
