//! Consistency tokens (api.md §7): parsing `p:offset[,p:offset...]`, the `Prefer: wait`
//! budget, and the bounded wait for the projector's checkpoints as `ChangeFeed` knows
//! them. The wait never fails a request for taking too long (the caller serves stale
//! data instead) and never queries the database itself.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use actix_web::HttpRequest;
use futures::future::select_all;
use sqlx::MySqlPool;
use tokio::sync::watch;
use tokio::time::{Instant, sleep_until};

use crate::config::ConsistencySettings;
use crate::error::QueryError;

pub const REQUEST_HEADER: &str = "x-min-consistency-token";
pub const RESPONSE_HEADER: &str = "consistency-token";
const MAX_LEN: usize = 1024;

/// The positions a client wants applied: partition to the offset of its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyToken(BTreeMap<i32, i64>);

impl ConsistencyToken {
    /// Parses `p:offset[,p:offset...]`; partitions must exist, offsets be non-negative.
    pub fn parse(raw: &str, partitions: i32) -> Result<Self, QueryError> {
        let bad = |why: &str| QueryError::InvalidConsistencyToken(why.to_owned());
        if raw.len() > MAX_LEN {
            return Err(bad("the token is too long"));
        }
        let mut positions = BTreeMap::new();
        for pair in raw.split(',').map(str::trim) {
            let (p, offset) = pair
                .split_once(':')
                .ok_or_else(|| bad("expected partition:offset pairs"))?;
            let p: i32 = p
                .trim()
                .parse()
                .map_err(|_| bad("the partition is not a number"))?;
            let offset: i64 = offset
                .trim()
                .parse()
                .map_err(|_| bad("the offset is not a number"))?;
            if !(0..partitions).contains(&p) || offset < 0 {
                return Err(bad("the token names a position that cannot exist"));
            }
            let entry = positions.entry(p).or_insert(offset);
            *entry = (*entry).max(offset);
        }
        Ok(Self(positions))
    }

    pub fn partitions(&self) -> Vec<i32> {
        self.0.keys().copied().collect()
    }

    /// Whether every position is below its partition's checkpoint (`next_offset`).
    pub fn satisfied_by(&self, next_offsets: &BTreeMap<i32, i64>) -> bool {
        self.0
            .iter()
            .all(|(p, offset)| next_offsets.get(p).is_some_and(|next| next > offset))
    }
}

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
        .map(|raw| ConsistencyToken::parse(raw, partitions))
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

/// `p:offset,...` of the last applied record per partition (`next_offset - 1`).
pub fn applied_positions(next_offsets: &BTreeMap<i32, i64>) -> Option<String> {
    let pairs: Vec<String> = next_offsets
        .iter()
        .filter(|(_, next)| **next > 0)
        .map(|(p, next)| format!("{p}:{}", next - 1))
        .collect();
    (!pairs.is_empty()).then(|| pairs.join(","))
}

/// What query-api knows of the projector's checkpoints: the highest `next_offset` seen
/// per partition, raised by change notifications and by a periodic read of the
/// checkpoint table (`changes::spawn`). Waiters watch it in memory, so a thousand
/// waiting requests cost no database queries; it only ever moves forward.
#[derive(Debug, Clone)]
pub struct ChangeFeed(Arc<Vec<watch::Sender<i64>>>);

impl ChangeFeed {
    pub fn new(partitions: i32) -> Self {
        Self(Arc::new(
            (0..partitions.max(1))
                .map(|_| watch::channel(0).0)
                .collect(),
        ))
    }

    /// Raises the known checkpoint of `partition` to `next_offset` (never lowers it).
    pub fn advance(&self, partition: i32, next_offset: i64) {
        if let Some(sender) = usize::try_from(partition).ok().and_then(|p| self.0.get(p)) {
            sender.send_if_modified(|known| {
                let raised = next_offset > *known;
                *known = (*known).max(next_offset);
                raised
            });
        }
    }

    /// The known checkpoints of `partitions` (0 = nothing applied yet).
    pub fn current(&self, partitions: &[i32]) -> BTreeMap<i32, i64> {
        partitions
            .iter()
            .filter_map(|p| Some((*p, *self.0.get(usize::try_from(*p).ok()?)?.borrow())))
            .collect()
    }

    fn subscribe(&self, partitions: &[i32]) -> Vec<watch::Receiver<i64>> {
        partitions
            .iter()
            .filter_map(|p| self.0.get(usize::try_from(*p).ok()?))
            .map(watch::Sender::subscribe)
            .collect()
    }
}

/// The end of a wait: whether the token was reached, and the checkpoints then.
#[derive(Debug, Clone)]
pub struct WaitOutcome {
    pub caught_up: bool,
    pub next_offsets: BTreeMap<i32, i64>,
}

/// Waits up to `budget` for `token`, woken whenever a checkpoint it needs moves.
/// Receivers are created before the first look, so no advance can be missed.
pub async fn wait(feed: &ChangeFeed, token: &ConsistencyToken, budget: Duration) -> WaitOutcome {
    let deadline = Instant::now() + budget;
    let partitions = token.partitions();
    let mut receivers = feed.subscribe(&partitions);
    loop {
        for receiver in &mut receivers {
            receiver.borrow_and_update();
        }
        let next_offsets = feed.current(&partitions);
        if token.satisfied_by(&next_offsets) {
            return WaitOutcome {
                caught_up: true,
                next_offsets,
            };
        }
        if Instant::now() >= deadline {
            return WaitOutcome {
                caught_up: false,
                next_offsets,
            };
        }
        tokio::select! {
            _ = any_changed(&mut receivers) => {}
            _ = sleep_until(deadline) => {}
        }
    }
}

/// Resolves when any receiver sees a new value; never, if all senders are gone.
async fn any_changed(receivers: &mut [watch::Receiver<i64>]) {
    if receivers.is_empty() {
        return std::future::pending().await;
    }
    let changes = receivers.iter_mut().map(|r| Box::pin(r.changed()));
    if select_all(changes).await.0.is_err() {
        std::future::pending::<()>().await;
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

    #[test]
    fn tokens_parse_and_reject_garbage() {
        let token = ConsistencyToken::parse("3:17, 0:2,3:5", 12).unwrap();
        assert_eq!(token.partitions(), vec![0, 3]);
        assert!(token.satisfied_by(&BTreeMap::from([(0, 3), (3, 18)])));
        assert!(!token.satisfied_by(&BTreeMap::from([(0, 3), (3, 17)])));
        assert!(!token.satisfied_by(&BTreeMap::from([(0, 3)])));
        for bad in ["", "3", "x:1", "1:y", "12:1", "-1:1", "1:-1", "1:2,"] {
            assert!(ConsistencyToken::parse(bad, 12).is_err(), "{bad}");
        }
    }

    #[test]
    fn applied_positions_skip_empty_partitions() {
        assert_eq!(
            applied_positions(&BTreeMap::from([(1, 0), (2, 8)])).as_deref(),
            Some("2:7")
        );
        assert_eq!(applied_positions(&BTreeMap::new()), None);
    }
}
