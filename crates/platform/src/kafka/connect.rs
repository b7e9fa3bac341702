//! Waiting for Kafka at start-up: topics are ensured (created and verified) with capped
//! exponential backoff, and the outcome is reported on `/readyz` under `kafka` with the
//! reason, so a service started before its broker becomes ready by itself. A topic that
//! exists with the wrong shape ends the wait with an error: retrying cannot fix it.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

use super::topics::{TopicError, TopicSpec, ensure_topics};
use crate::health::Readiness;
use crate::shutdown::Shutdown;

/// The readiness check this module reports.
pub const CHECK: &str = "kafka";

/// Ensures `specs` exist, retrying while the broker is unreachable. Returns `Ok(false)`
/// when shutdown came first.
pub async fn ensure_topics_with_backoff(
    brokers: &str,
    specs: &[TopicSpec],
    readiness: &Readiness,
    mut shutdown: Shutdown,
) -> anyhow::Result<bool> {
    let mut delays = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(200))
        .with_max_delay(Duration::from_secs(5))
        .with_jitter()
        .without_max_times()
        .build();
    loop {
        match ensure_topics(brokers, specs).await {
            Ok(()) => {
                readiness.up(CHECK);
                return Ok(true);
            }
            Err(TopicError::Misconfigured(reason)) => {
                readiness.down(CHECK, reason.clone());
                anyhow::bail!(reason);
            }
            Err(error @ TopicError::Unreachable(_)) => {
                let delay = delays.next().unwrap_or(Duration::from_secs(5));
                tracing::warn!(
                    error = %error,
                    retry_in_ms = delay.as_millis() as u64,
                    brokers,
                    "Kafka not ready; retrying"
                );
                readiness.down(CHECK, format!("{error} (brokers {brokers}; retrying)"));
                // Backoff between attempts, not synchronisation; shutdown cuts it short.
                tokio::select! {
                    () = shutdown.wait() => return Ok(false),
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}
