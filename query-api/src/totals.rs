//! `meta.total` without a `COUNT(*)` per page while the read models stand still. A total
//! is remembered with the read-model position it was counted at — the projector's
//! checkpoints, which it commits in the same transaction as the rows — and reused only
//! by a list whose own snapshot reads the same checkpoints, so it is the exact count of
//! that snapshot. An entry also expires after `TTL`: a read-model cutover swaps tables
//! and checkpoints at once, and a rebuilt version caught up to the same offsets may hold
//! different rows. It never stores rows, and never answers for another query's filter.
//!
//! Lists that miss at the same position while one of them is counting wait for that
//! count instead of starting their own: otherwise every concurrent list would scan the
//! table at once each time an entry expires or the position moves.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

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
    entries: Mutex<HashMap<(&'static str, Condition), Arc<Entry>>>,
}

/// One total at one position: counted once, by the first list that needed it.
struct Entry {
    position: Position,
    started_at: Instant,
    total: OnceCell<i64>,
}

impl Totals {
    /// The total of `table` rows `matching` the filter at exactly `position`: the one
    /// remembered while fresh, else the one another list is counting at that position,
    /// else `count()`'s. A failed count is remembered by no one: the next list counts.
    pub async fn total<E, F, Fut>(
        &self,
        table: &'static str,
        matching: &Condition,
        position: Position,
        now: Instant,
        count: F,
    ) -> Result<i64, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<i64, E>>,
    {
        let entry = self.entry(table, matching, position, now);
        entry.total.get_or_try_init(count).await.copied()
    }

    /// The fresh entry for this key and position, or a new, uncounted one in its place.
    fn entry(
        &self,
        table: &'static str,
        matching: &Condition,
        position: Position,
        now: Instant,
    ) -> Arc<Entry> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let key = (table, matching.clone());
        if let Some(entry) = entries.get(&key)
            && entry.position == position
            && now.saturating_duration_since(entry.started_at) < TTL
        {
            return entry.clone();
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        let entry = Arc::new(Entry {
            position,
            started_at: now,
            total: OnceCell::new(),
        });
        entries.insert(key, entry.clone());
        entry
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    /// Counts how often it was asked; answers `answer`.
    struct Counter {
        asked: AtomicUsize,
    }

    impl Counter {
        fn new() -> Counter {
            Counter {
                asked: AtomicUsize::new(0),
            }
        }

        async fn count(&self, answer: i64) -> Result<i64, ()> {
            self.asked.fetch_add(1, Ordering::SeqCst);
            // Let any list started beside this one reach the same entry first.
            tokio::task::yield_now().await;
            Ok(answer)
        }

        fn asked(&self) -> usize {
            self.asked.load(Ordering::SeqCst)
        }
    }

    #[tokio::test]
    async fn a_total_is_reused_only_at_the_same_position_filter_and_table_while_fresh() {
        let totals = Totals::default();
        let counter = Counter::new();
        let t0 = Instant::now();
        let at = position(&[(0, 10), (1, 4)]);
        let total = |table, who: &str, at: &Position, now, answer| {
            let matching = owner(who);
            let at = at.clone();
            let totals = &totals;
            let counter = &counter;
            async move {
                totals
                    .total(table, &matching, at, now, || counter.count(answer))
                    .await
            }
        };
        assert_eq!(total("droplet", "ann", &at, t0, 7).await, Ok(7));
        assert_eq!(total("droplet", "ann", &at, t0, 8).await, Ok(7), "reused");
        assert_eq!(counter.asked(), 1);
        assert_eq!(
            total("droplet", "bob", &at, t0, 3).await,
            Ok(3),
            "other filter"
        );
        assert_eq!(
            total("cluster", "ann", &at, t0, 4).await,
            Ok(4),
            "other table"
        );
        let moved = position(&[(0, 11), (1, 4)]);
        assert_eq!(
            total("droplet", "ann", &moved, t0, 9).await,
            Ok(9),
            "rows changed"
        );
        assert_eq!(
            total("droplet", "ann", &at, t0 + TTL, 5).await,
            Ok(5),
            "expired"
        );
        assert_eq!(counter.asked(), 5);
    }

    #[tokio::test]
    async fn lists_missing_together_at_one_position_count_once() {
        let totals = Totals::default();
        let counter = Counter::new();
        let t0 = Instant::now();
        let at = position(&[(0, 10)]);
        let ann = owner("ann");
        let (first, second, third) = tokio::join!(
            totals.total("droplet", &ann, at.clone(), t0, || counter.count(7)),
            totals.total("droplet", &ann, at.clone(), t0, || counter.count(8)),
            totals.total("droplet", &ann, position(&[(0, 11)]), t0, || {
                counter.count(9)
            }),
        );
        assert_eq!(
            (first, second),
            (Ok(7), Ok(7)),
            "the second waited for the first"
        );
        assert_eq!(third, Ok(9), "another position is counted on its own");
        assert_eq!(counter.asked(), 2);
    }

    #[tokio::test]
    async fn a_failed_count_is_not_remembered() {
        let totals = Totals::default();
        let t0 = Instant::now();
        let at = position(&[(0, 10)]);
        let ann = owner("ann");
        let failed = totals
            .total("droplet", &ann, at.clone(), t0, || async { Err("gone") })
            .await;
        assert_eq!(failed, Err("gone"));
        let counted = totals
            .total("droplet", &ann, at, t0, || async { Ok::<_, &str>(6) })
            .await;
        assert_eq!(counted, Ok(6));
    }

    #[tokio::test]
    async fn past_the_bound_everything_is_forgotten() {
        let totals = Totals::default();
        let counter = Counter::new();
        let t0 = Instant::now();
        for n in 0..MAX_ENTRIES {
            let who = owner(&n.to_string());
            let _ = totals
                .total("droplet", &who, vec![], t0, || counter.count(1))
                .await;
        }
        let last = owner("last");
        let _ = totals
            .total("droplet", &last, vec![], t0, || counter.count(2))
            .await;
        let asked = counter.asked();
        let again = totals
            .total("droplet", &owner("0"), vec![], t0, || counter.count(3))
            .await;
        assert_eq!(again, Ok(3), "forgotten, so counted again");
        let kept = totals
            .total("droplet", &last, vec![], t0, || counter.count(4))
            .await;
        assert_eq!(kept, Ok(2), "the newest entry survived");
        assert_eq!(counter.asked(), asked + 1);
    }
}
