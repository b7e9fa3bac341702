//! The status board: runtime snapshots (partition ownership, the worker pool, projection
//! lag) that services publish to Redis so any query-api instance can show them without
//! calling another service. One key per (topic, instance), each with a TTL, so a dead
//! instance disappears by itself. Snapshots are hints for people; nothing decides on
//! them, and publishing never blocks or fails the work it describes.

use std::future::Future;
use std::time::Duration;

use crate::redis::Pool;
use deadpool_redis::redis::{self, AsyncCommands};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::shutdown::Shutdown;

/// How many keys one SCAN step asks for.
const SCAN_COUNT: usize = 200;

/// Where snapshots of one deployment live (`<prefix>status:<topic>:<instance>`).
#[derive(Clone)]
pub struct StatusBoard {
    pool: Pool,
    key_prefix: String,
}

impl StatusBoard {
    pub fn new(pool: Pool, key_prefix: &str) -> Self {
        Self {
            pool,
            key_prefix: key_prefix.to_owned(),
        }
    }

    fn key(&self, topic: &str, instance: &str) -> String {
        format!("{}status:{topic}:{instance}", self.key_prefix)
    }

    /// Replaces `instance`'s snapshot of `topic`; it expires after `ttl` unless renewed.
    pub async fn publish<T: Serialize>(
        &self,
        topic: &str,
        instance: &str,
        snapshot: &T,
        ttl: Duration,
    ) -> anyhow::Result<()> {
        let body = serde_json::to_string(snapshot)?;
        let mut conn = self.pool.get().await?;
        let seconds = ttl.as_secs().max(1);
        let () = conn
            .set_ex(self.key(topic, instance), body, seconds)
            .await?;
        Ok(())
    }

    /// Every live snapshot of `topic`, one per instance, in key order. A snapshot that
    /// does not parse (another version's shape) is left out, never an error.
    pub async fn read<T: DeserializeOwned>(&self, topic: &str) -> anyhow::Result<Vec<T>> {
        let mut conn = self.pool.get().await?;
        let pattern = format!("{}*", self.key(topic, ""));
        let mut keys: Vec<String> = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(SCAN_COUNT)
                .query_async(&mut conn)
                .await?;
            keys.extend(batch);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        keys.sort();
        keys.dedup();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let bodies: Vec<Option<String>> = conn.mget(&keys).await?;
        Ok(bodies
            .into_iter()
            .flatten()
            .filter_map(|body| serde_json::from_str(&body).ok())
            .collect())
    }

    /// Publishes `snapshot()` every `interval` (TTL three intervals) until shutdown. A
    /// failed publish is logged at debug level and retried on the next tick: Redis being
    /// down shows in `/readyz` already.
    pub async fn publish_every<T, F, Fut>(
        self,
        topic: &'static str,
        instance: String,
        interval: Duration,
        mut snapshot: F,
        mut shutdown: Shutdown,
    ) -> anyhow::Result<()>
    where
        T: Serialize,
        F: FnMut() -> Fut,
        Fut: Future<Output = T>,
    {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.wait() => return Ok(()),
                _ = ticks.tick() => {}
            }
            let value = snapshot().await;
            if let Err(error) = self.publish(topic, &instance, &value, interval * 3).await {
                tracing::debug!(
                    topic,
                    error = format!("{error:#}"),
                    "status snapshot not published"
                );
            }
        }
    }
}
