//! Keeps `ChangeFeed` current: one task subscribed to the projector's changes channel
//! raises a partition's known checkpoint from each `ChangeNotification`, and one task
//! re-reads the checkpoint table every `recheck` because pub/sub is lossy. Neither
//! answers requests; both only ever move the feed forward.

use std::time::Duration;

use deadpool_redis::redis;
use futures::StreamExt;
use sqlx::MySqlPool;
use tokio::task::JoinHandle;
use views::notify::{ChangeNotification, changes_channel};

use crate::consistency::{self, ChangeFeed};

const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Loads the checkpoints once, then starts both tasks; the handle ends if either does.
pub async fn spawn(
    redis_url: &str,
    key_prefix: &str,
    pool: MySqlPool,
    recheck: Duration,
    feed: ChangeFeed,
) -> anyhow::Result<JoinHandle<()>> {
    refresh(&pool, &feed).await?;
    let client = redis::Client::open(redis_url)?;
    let channel = changes_channel(key_prefix);
    let subscriber = tokio::spawn(subscribe_forever(client, channel, feed.clone()));
    let poller = tokio::spawn(poll_forever(pool, recheck, feed));
    Ok(tokio::spawn(async move {
        tokio::select! {
            _ = subscriber => {}
            _ = poller => {}
        }
    }))
}

async fn refresh(pool: &MySqlPool, feed: &ChangeFeed) -> anyhow::Result<()> {
    for (partition, next_offset) in consistency::checkpoints(pool).await? {
        feed.advance(partition, next_offset);
    }
    Ok(())
}

async fn poll_forever(pool: MySqlPool, recheck: Duration, feed: ChangeFeed) {
    let mut tick = tokio::time::interval(recheck.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = refresh(&pool, &feed).await {
            tracing::warn!(
                error = format!("{error:#}"),
                "could not re-read projection checkpoints"
            );
        }
    }
}

async fn subscribe_forever(client: redis::Client, channel: String, feed: ChangeFeed) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match listen(&client, &channel, &feed).await {
            Ok(()) => {
                tracing::warn!(%channel, "changes subscription ended; resubscribing");
                backoff = Duration::from_millis(100);
            }
            Err(error) => tracing::warn!(%channel, %error, "changes subscription failed"),
        }
        // What was published meanwhile is lost; the poller catches up with it.
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Subscribes and applies notifications until the connection ends.
async fn listen(
    client: &redis::Client,
    channel: &str,
    feed: &ChangeFeed,
) -> redis::RedisResult<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    tracing::info!(%channel, "subscribed to projector changes");
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        match serde_json::from_slice::<ChangeNotification>(message.get_payload_bytes()) {
            Ok(change) => feed.advance(change.partition, change.next_offset),
            Err(error) => tracing::warn!(%error, "unreadable change notification ignored"),
        }
    }
    Ok(())
}
