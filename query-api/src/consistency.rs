//! Consistency tokens (api.md §7): parsing `p:offset[,p:offset...]`, the `Prefer: wait`
//! budget, and the bounded wait for the projector's checkpoints as `ChangeFeed` knows
//! them. The wait never fails a request for taking too long (the caller serves stale
//! data instead) and never queries the database itself.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use actix_web::HttpRequest;
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram};
use platform::metrics::Metrics;
use sqlx::MySqlPool;
use tokio::sync::{oneshot, watch};
use tokio::time::{Instant, timeout_at};

pub use platform::consistency::ConsistencyToken;

use crate::config::ConsistencySettings;
use crate::error::QueryError;

pub const REQUEST_HEADER: &str = "x-min-consistency-token";
pub const RESPONSE_HEADER: &str = "consistency-token";

/// The token a request carries: the header wins over `?consistency_token=`.
pub fn requested(
    req: &HttpRequest,
    query: Option<&str>,
    partitions: i32,
) -> Result<Option<ConsistencyToken>, QueryError> {
    let header =
        match req.headers().get(REQUEST_HEADER) {
            Some(value) => Some(value.to_str().map_err(|_| {
                QueryError::InvalidConsistencyToken("the token is not ASCII".into())
            })?),
            None => None,
        };
    header
        .or(query)
        .map(|raw| {
            ConsistencyToken::parse(raw, partitions)
                .map_err(|why| QueryError::InvalidConsistencyToken(why.into()))
        })
        .transpose()
}

/// The wait budget: `Prefer: wait=<seconds>` clamped to the maximum, else the default.
pub fn budget(req: &HttpRequest, settings: &ConsistencySettings) -> Duration {
    let asked = req
        .headers()
        .get_all("prefer")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .filter_map(|pref| pref.trim().strip_prefix("wait="))
        .find_map(|secs| secs.trim().trim_matches('"').parse::<f64>().ok())
        .filter(|secs| secs.is_finite() && *secs >= 0.0);
    let max = Duration::from_millis(settings.max_wait_ms);
    match asked {
        Some(secs) => Duration::from_secs_f64(secs.min(max.as_secs_f64())),
        None => Duration::from_millis(settings.default_wait_ms),
    }
}

/// What query-api knows of the projector's checkpoints: the highest `next_offset` seen
/// per partition, raised by change notifications and by a periodic read of the
/// checkpoint table (`changes::spawn`). A waiter registers the offset it needs and is
/// woken exactly once, when the checkpoint passes it, so waiting costs neither queries
/// nor wake-ups of unrelated waiters. The known checkpoint only ever moves forward.
/// `subscribe()` tells one listener (the SSE hub) that some partition moved.
#[derive(Debug, Clone)]
pub struct ChangeFeed {
    partitions: Arc<Vec<Mutex<PartitionWatch>>>,
    /// Counts advances; receivers wake on every change.
    moved: Arc<watch::Sender<u64>>,
}

#[derive(Debug, Default)]
struct PartitionWatch {
    next_offset: i64,
    /// Waiters by the offset they need applied.
    waiters: BTreeMap<i64, Vec<oneshot::Sender<()>>>,
}

impl ChangeFeed {
    pub fn new(partitions: i32) -> Self {
        Self {
            partitions: Arc::new((0..partitions.max(1)).map(|_| Mutex::default()).collect()),
            moved: Arc::new(watch::Sender::new(0)),
        }
    }

    /// A receiver that sees a new value whenever any partition's checkpoint moved.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.moved.subscribe()
    }

    /// Every partition this feed follows.
    pub fn partitions(&self) -> Vec<i32> {
        (0..i32::try_from(self.partitions.len()).unwrap_or(i32::MAX)).collect()
    }

    fn watch(&self, partition: i32) -> Option<MutexGuard<'_, PartitionWatch>> {
        let watch = self.partitions.get(usize::try_from(partition).ok()?)?;
        Some(
            watch
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// Raises the known checkpoint of `partition` to `next_offset` (never lowers it) and
    /// wakes the waiters it satisfies.
    pub fn advance(&self, partition: i32, next_offset: i64) {
        let Some(mut watch) = self.watch(partition) else {
            return;
        };
        if next_offset <= watch.next_offset {
            return;
        }
        watch.next_offset = next_offset;
        let still_waiting = watch.waiters.split_off(&next_offset);
        let satisfied = std::mem::replace(&mut watch.waiters, still_waiting);
        drop(watch);
        for sender in satisfied.into_values().flatten() {
            let _ = sender.send(());
        }
        self.moved
            .send_modify(|moves| *moves = moves.wrapping_add(1));
    }

    /// The known checkpoints of `partitions` (0 = nothing applied yet).
    pub fn current(&self, partitions: &[i32]) -> BTreeMap<i32, i64> {
        partitions
            .iter()
            .filter_map(|p| Some((*p, self.watch(*p)?.next_offset)))
            .collect()
    }

    /// Waits until `partition`'s checkpoint passes `seen` (some change was applied) or
    /// `deadline` passes.
    pub async fn changed_after(&self, partition: i32, seen: i64, deadline: Instant) {
        if let Some(changed) = self.applied(partition, seen) {
            let _ = timeout_at(deadline, changed).await;
        }
    }

    /// `None` when `offset` of `partition` is already applied; else a receiver that fires
    /// once it is.
    fn applied(&self, partition: i32, offset: i64) -> Option<oneshot::Receiver<()>> {
        let mut watch = self.watch(partition)?;
        if watch.next_offset > offset {
            return None;
        }
        let (sender, receiver) = oneshot::channel();
        watch.waiters.entry(offset).or_default().push(sender);
        Some(receiver)
    }
}

/// The end of a wait: whether the token was reached, and the checkpoints then.
#[derive(Debug, Clone)]
pub struct WaitOutcome {
    pub caught_up: bool,
    pub next_offsets: BTreeMap<i32, i64>,
}

/// Waits up to `budget` until every position of `token` is applied.
pub async fn wait(feed: &ChangeFeed, token: &ConsistencyToken, budget: Duration) -> WaitOutcome {
    let deadline = Instant::now() + budget;
    let mut caught_up = true;
    for position in token.positions() {
        if let Some(applied) = feed.applied(position.partition, position.offset)
            && timeout_at(deadline, applied).await.is_err()
        {
            caught_up = false;
            break;
        }
    }
    let next_offsets = feed.current(&token.partitions());
    WaitOutcome {
        caught_up: caught_up && token.satisfied_by(&next_offsets),
        next_offsets,
    }
}

/// `clustergenie_consistency_waits_total{outcome="caught_up|stale"}` and
/// `clustergenie_consistency_wait_duration_seconds{outcome}`: reads that carried a token, whether
/// the projector reached it within the budget, and how long they waited.
#[derive(Debug, Clone)]
pub struct WaitMetrics {
    waits: Counter<u64>,
    duration: Histogram<f64>,
}

impl WaitMetrics {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("query-api");
        Self {
            waits: meter.u64_counter("clustergenie_consistency_waits").build(),
            duration: meter
                .f64_histogram("clustergenie_consistency_wait_duration")
                .with_unit("s")
                .with_boundaries(vec![
                    0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0,
                ])
                .build(),
        }
    }

    pub fn record(&self, outcome: &WaitOutcome, seconds: f64) {
        let label = if outcome.caught_up {
            "caught_up"
        } else {
            "stale"
        };
        let labels = [KeyValue::new("outcome", label)];
        self.waits.add(1, &labels);
        self.duration.record(seconds, &labels);
    }
}

/// `next_offset` of the live projection for every partition that has a checkpoint.
pub async fn checkpoints(pool: &MySqlPool) -> anyhow::Result<BTreeMap<i32, i64>> {
    let sql = "SELECT partition_id, next_offset FROM projection_checkpoint WHERE projection = ?";
    let rows = sqlx::query_as::<_, (i32, i64)>(sql)
        .bind(views::PROJECTION)
        .fetch_all(pool)
        .await
        .map_err(|e| anyhow::Error::new(e).context("Failed to read the projection checkpoints"))?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_checkpoint_at_the_offset_is_not_enough() {
        let feed = ChangeFeed::new(4);
        feed.advance(1, 5);
        let token = ConsistencyToken::parse("1:5", 4).unwrap();
        assert!(
            !wait(&feed, &token, Duration::from_millis(1))
                .await
                .caught_up,
            "offset 5 needs next_offset 6"
        );
    }

    #[tokio::test]
    async fn advancing_past_the_offset_releases_and_reports_the_positions() {
        let feed = ChangeFeed::new(4);
        let token = ConsistencyToken::parse("1:5,2:0", 4).unwrap();
        let waiting = tokio::spawn({
            let feed = feed.clone();
            async move { wait(&feed, &token, Duration::from_secs(30)).await }
        });
        feed.advance(2, 1);
        feed.advance(1, 6);
        let outcome = waiting.await.unwrap();
        assert!(outcome.caught_up);
        assert_eq!(outcome.next_offsets, BTreeMap::from([(1, 6), (2, 1)]));
        feed.advance(1, 3);
        assert_eq!(
            feed.current(&[1]),
            BTreeMap::from([(1, 6)]),
            "never moves backwards"
        );
    }

    #[tokio::test]
    async fn a_wait_that_runs_out_is_not_caught_up() {
        let feed = ChangeFeed::new(4);
        let token = ConsistencyToken::parse("3:0", 4).unwrap();
        let outcome = wait(&feed, &token, Duration::from_millis(1)).await;
        assert!(!outcome.caught_up);
    }
}
