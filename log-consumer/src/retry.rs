//! Retrying one step of shipping (a push to Loki, a MariaDB write) with capped
//! exponential backoff and jitter (`backon`), until it is done or shutdown is asked for.
//! It never gives up on its own: a batch is either shipped or left uncommitted.

use std::future::Future;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use platform::shutdown::Shutdown;

use crate::config::RetrySettings;

/// The result of one try.
pub enum Attempt<T> {
    Done(T),
    /// Try again later; `detail` is logged.
    Again(String),
}

/// Runs `attempt` until it is done; `None` when shutdown came first.
pub async fn until_done<T, F, Fut>(
    what: &'static str,
    settings: RetrySettings,
    shutdown: &mut Shutdown,
    mut attempt: F,
) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    let max = Duration::from_millis(settings.max_delay_ms);
    let mut delays = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(settings.min_delay_ms))
        .with_max_delay(max)
        .with_jitter()
        .without_max_times()
        .build();
    loop {
        if shutdown.is_requested() {
            return None;
        }
        match attempt().await {
            Attempt::Done(value) => return Some(value),
            Attempt::Again(detail) => {
                let delay = delays.next().unwrap_or(max);
                tracing::warn!(
                    step = what,
                    detail,
                    retry_in_ms = delay.as_millis() as u64,
                    "log shipping step failed; retrying"
                );
                // Backoff between tries, not synchronisation; shutdown cuts it short.
                tokio::select! {
                    () = shutdown.wait() => return None,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}
