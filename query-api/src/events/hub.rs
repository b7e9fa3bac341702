//! `EventHub`: the one reader of `audit_event` for live streams in this process. Woken
//! by `ChangeFeed` (the projector's notifications, plus its periodic checkpoint re-read),
//! it reads each partition's newly committed rows once and offers each row to every
//! matching subscriber's bounded buffer without waiting. A subscriber whose buffer is
//! full is dropped and marked overflowed, so one slow client never holds up the others
//! or grows a queue; it resumes from its last id. It never polls on a timer.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use sqlx::Arguments;
use sqlx::MySqlPool;
use tokio::sync::mpsc;
use views::audit::{AuditEventRow, COLUMNS, record_position};

use super::telemetry::StreamMetrics;
use super::{StreamCursor, StreamScope};
use crate::consistency::ChangeFeed;
use crate::error::QueryError;

/// Rows read per query.
const PAGE: i64 = 500;
/// Wait before reading again after a failed read.
const RETRY: Duration = Duration::from_secs(1);

/// `[events]` of query-api's settings.
#[derive(Debug, Clone, Deserialize)]
pub struct StreamSettings {
    /// A comment line is sent after this long without an event.
    #[serde(default = "default_heartbeat_ms")]
    pub heartbeat_ms: u64,
    /// Events buffered per client; a client further behind is disconnected with
    /// `event: overflow` and resumes with `Last-Event-ID`.
    #[serde(default = "default_client_buffer")]
    pub client_buffer: usize,
}

fn default_heartbeat_ms() -> u64 {
    15_000
}

fn default_client_buffer() -> usize {
    256
}

impl Default for StreamSettings {
    fn default() -> Self {
        Self {
            heartbeat_ms: default_heartbeat_ms(),
            client_buffer: default_client_buffer(),
        }
    }
}

#[derive(Clone)]
pub struct EventHub {
    inner: Arc<Mutex<Fanout>>,
    db: MySqlPool,
    metrics: StreamMetrics,
    pub settings: StreamSettings,
}

#[derive(Default)]
struct Fanout {
    /// Per partition, the first position not read yet: every row below it was offered.
    read_to: StreamCursor,
    subscribers: HashMap<u64, Subscriber>,
    next_id: u64,
}

struct Subscriber {
    scope: StreamScope,
    buffer: mpsc::Sender<Arc<AuditEventRow>>,
    overflowed: Arc<AtomicBool>,
}

/// One client's live rows. Dropping it unsubscribes.
pub struct Subscription {
    id: u64,
    hub: EventHub,
    pub rows: mpsc::Receiver<Arc<AuditEventRow>>,
    pub overflowed: Arc<AtomicBool>,
    /// Where the hub was when this subscription began: rows from here on arrive live.
    pub live_from: StreamCursor,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.lock().subscribers.remove(&self.id);
        self.hub.metrics.closed();
    }
}

impl EventHub {
    /// A hub that starts at the feed's current checkpoints (only rows committed after
    /// that are pushed; older ones are read by each resuming client).
    pub fn new(
        db: MySqlPool,
        feed: &ChangeFeed,
        settings: StreamSettings,
        metrics: StreamMetrics,
    ) -> Self {
        let checkpoints = feed.current(&feed.partitions());
        let read_to = checkpoints
            .into_iter()
            .map(|(p, next_offset)| (p, record_position(next_offset)))
            .collect();
        Self {
            inner: Arc::new(Mutex::new(Fanout {
                read_to: StreamCursor::new(read_to),
                ..Fanout::default()
            })),
            db,
            metrics,
            settings,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Fanout> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn subscribe(&self, scope: StreamScope) -> Subscription {
        let (buffer, rows) = mpsc::channel(self.settings.client_buffer.max(1));
        let overflowed = Arc::new(AtomicBool::new(false));
        self.metrics.opened();
        let mut fanout = self.lock();
        let id = fanout.next_id;
        fanout.next_id += 1;
        fanout.subscribers.insert(
            id,
            Subscriber {
                scope,
                buffer,
                overflowed: Arc::clone(&overflowed),
            },
        );
        Subscription {
            id,
            hub: self.clone(),
            rows,
            overflowed,
            live_from: fanout.read_to.clone(),
        }
    }

    /// Reads and fans out every committed slice until the feed ends.
    pub async fn run(self, feed: ChangeFeed) {
        let mut moved = feed.subscribe();
        loop {
            let target = feed.current(&feed.partitions());
            if let Err(error) = self.catch_up(&target).await {
                tracing::warn!(error = %error, "the event hub could not read audit_event");
                tokio::time::sleep(RETRY).await;
                continue;
            }
            if moved.changed().await.is_err() {
                return;
            }
        }
    }

    /// Offers every row below the checkpoints `target` that was not offered yet.
    async fn catch_up(&self, target: &BTreeMap<i32, i64>) -> Result<(), QueryError> {
        for (partition, next_offset) in target {
            let end = record_position(*next_offset);
            loop {
                let start = {
                    let mut fanout = self.lock();
                    // Nobody listening: nothing to read. A stream that subscribes later
                    // reads its own catch-up from the table (`page`).
                    if fanout.subscribers.is_empty() {
                        fanout.advance(*partition, end);
                    }
                    fanout.read_to.next(*partition)
                };
                if start >= end {
                    break;
                }
                let rows = read(&self.db, &StreamScope::default(), *partition, start, end).await?;
                // A full page may stop short of `end`; the next page starts after it.
                let reached = match rows.last() {
                    Some(last) if rows.len() as i64 == PAGE => last.stream_position + 1,
                    _ => end,
                };
                self.metrics.read(rows.len());
                let mut fanout = self.lock();
                let overflowed = fanout.offer(rows);
                fanout.advance(*partition, reached);
                drop(fanout);
                for _ in 0..overflowed {
                    self.metrics.overflowed();
                }
            }
        }
        Ok(())
    }

    /// One page of rows of `partition` in `[start, end)` within `scope`, in order.
    pub async fn page(
        &self,
        scope: &StreamScope,
        partition: i32,
        start: i64,
        end: i64,
    ) -> Result<Vec<AuditEventRow>, QueryError> {
        read(&self.db, scope, partition, start, end).await
    }
}

impl Fanout {
    /// Offers `rows` in order; returns how many subscribers overflowed (and were dropped).
    fn offer(&mut self, rows: Vec<AuditEventRow>) -> usize {
        let mut overflowed = 0;
        for row in rows.into_iter().map(Arc::new) {
            self.subscribers.retain(|_, subscriber| {
                if !subscriber.scope.matches(&row) {
                    return true;
                }
                match subscriber.buffer.try_send(Arc::clone(&row)) {
                    Ok(()) => true,
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        subscriber.overflowed.store(true, Ordering::SeqCst);
                        overflowed += 1;
                        false
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => false,
                }
            });
        }
        overflowed
    }

    fn advance(&mut self, partition: i32, next: i64) {
        self.read_to.pass_to(partition, next);
    }
}

async fn read(
    db: &MySqlPool,
    scope: &StreamScope,
    partition: i32,
    start: i64,
    end: i64,
) -> Result<Vec<AuditEventRow>, QueryError> {
    let condition = scope.condition();
    let sql = format!(
        "SELECT {} FROM audit_event WHERE {} AND partition_id = ? AND stream_position >= ? \
         AND stream_position < ? ORDER BY stream_position LIMIT {PAGE}",
        COLUMNS.join(", "),
        condition.sql
    );
    let mut args = condition.arguments()?;
    for value in [i64::from(partition), start, end] {
        args.add(value)
            .map_err(|e| anyhow::anyhow!("Failed to bind a stream position: {e}"))?;
    }
    Ok(
        sqlx::query_as_with::<_, AuditEventRow, _>(sqlx::AssertSqlSafe(sql), args)
            .fetch_all(db)
            .await?,
    )
}
