//! Structured JSON logs through `tracing`, set up by one function. librdkafka's own
//! chatter is filtered unless asked for (stack.md P2). Secrets are never fields.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init(service: &'static str, default_filter: &str) {
    let filter = EnvFilter::try_from_env("CG_LOG").unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "{default_filter},librdkafka=off,rdkafka::client=off"
        ))
    });
    let json = fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_target(true);
    if tracing_subscriber::registry()
        .with(filter)
        .with(json)
        .try_init()
        .is_ok()
    {
        tracing::info!(service, "telemetry initialised");
    }
}
