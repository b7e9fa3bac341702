//! The one background task subscribed to the projector's changes channel. Each
//! `ChangeNotification` wakes the waiters of its partition through `ChangeFeed`. Pub/sub is
//! lossy, so after every (re)subscription all waiters are woken to re-check; this task
//! never reads or trusts offsets itself, and never answers requests.

use std::time::Duration;

use deadpool_redis::redis;
use futures::StreamExt;
use tokio::task::JoinHandle;
use views::notify::{ChangeNotification, changes_channel};

use crate::consistency::ChangeFeed;

const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Starts the subscriber; it reconnects with capped backoff until aborted.
pub fn spawn(
    redis_url: &str,
    key_prefix: &str,
    feed: ChangeFeed,
) -> anyhow::Result<JoinHandle<()>> {
    let client = redis::Client::open(redis_url)?;
    let channel = changes_channel(key_prefix);
    Ok(tokio::spawn(async move {
        let mut backoff = Duration::from_millis(100);
        loop {
            match listen(&client, &channel, &feed).await {
                Ok(()) => {
                    tracing::warn!(%channel, "changes subscription ended; resubscribing");
                    backoff = Duration::from_millis(100);
                }
                Err(error) => tracing::warn!(%channel, %error, "changes subscription failed"),
            }
            // Whatever was published while disconnected is lost: make every waiter re-check.
            feed.notify_all();
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }))
}

/// Subscribes and forwards notifications until the connection ends.
async fn listen(
    client: &redis::Client,
    channel: &str,
    feed: &ChangeFeed,
) -> redis::RedisResult<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    tracing::info!(%channel, "subscribed to projector changes");
    feed.notify_all();
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        match serde_json::from_slice::<ChangeNotification>(message.get_payload_bytes()) {
            Ok(change) => feed.notify(change.partition),
            Err(error) => {
                tracing::warn!(%error, "unreadable change notification; waking every waiter");
                feed.notify_all();
            }
        }
    }
    Ok(())
}
