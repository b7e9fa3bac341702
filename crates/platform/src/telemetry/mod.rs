//! Logs and traces of every binary, set up by one call: JSON lines (`json.rs`, features.md
//! §4) on stdout and — for services that ship — through a bounded, non-blocking sink to
//! `<prefix>logs.<service>` (`sink.rs`, `kafka_sink.rs`); spans are OpenTelemetry spans
//! (`tracing-opentelemetry`) with W3C context in and out (`context.rs`, `http.rs`),
//! exported over OTLP only when an endpoint is configured (`otlp.rs`). librdkafka's own
//! chatter is filtered unless asked for (stack.md P2). Secrets and payloads are never
//! fields.

pub mod context;
mod fields;
pub mod http;
mod json;
mod kafka_sink;
pub mod otlp;
pub mod sink;
pub mod stats;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::{EnvFilter, prelude::*};

use crate::config::{KafkaSettings, TelemetrySettings};
pub use json::{JsonLayer, LOG_SCHEMA_VERSION, level_name};
use sink::LogSink;

/// What `init_with` sets up.
pub struct Options<'a> {
    pub service: &'static str,
    /// Used when neither `CG_LOG` nor `RUST_LOG` is set, e.g. `info`.
    pub default_filter: &'a str,
    pub settings: &'a TelemetrySettings,
    /// Where `logs.<service>` lives; `None` (or `ship_logs = false`, or no brokers):
    /// stdout only. log-consumer passes `None`: it never ships its own lines.
    pub kafka: Option<&'a KafkaSettings>,
}

/// Handle on what `init_with` started; `shutdown` flushes it.
#[derive(Default)]
pub struct Telemetry {
    sink: Option<LogSink>,
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Ships what is buffered (bounded wait) and exports the last spans.
    pub fn shutdown(self) {
        if let Some(sink) = &self.sink {
            sink.flush(Duration::from_secs(5));
        }
        if let Some(provider) = self.provider {
            let _ = provider.shutdown();
        }
    }
}

/// Stdout only, no export (tools, tests, log-consumer); a second call is a no-op.
pub fn init(service: &'static str, default_filter: &str) {
    let settings = TelemetrySettings::default();
    let _ = init_with(Options {
        service,
        default_filter,
        settings: &settings,
        kafka: None,
    });
}

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init_with(options: Options<'_>) -> anyhow::Result<Telemetry> {
    if tracing::dispatcher::has_been_set() {
        return Ok(Telemetry::default());
    }
    let settings = options.settings;
    let endpoint = otlp::endpoint(settings.otlp_endpoint.as_deref());
    let provider = otlp::provider(options.service, &settings.environment, endpoint.as_deref())?;
    let sink = match options
        .kafka
        .filter(|k| settings.ship_logs && !k.brokers.is_empty())
    {
        Some(kafka) => {
            let deliver = kafka_sink::KafkaDeliver::new(kafka, settings.log_buffer)?;
            Some(LogSink::start(
                settings.log_buffer,
                deliver,
                stats::global(),
            )?)
        }
        None => None,
    };
    let otel = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer(options.service))
        .with_location(false)
        .with_threads(false)
        .with_tracked_inactivity(false);
    let json = JsonLayer::new(
        options.service,
        &settings.environment,
        std::io::stdout,
        sink.clone(),
    );
    let installed = tracing_subscriber::registry()
        .with(filter(options.default_filter))
        .with(otel)
        .with(json)
        .try_init()
        .is_ok();
    if installed {
        keep(&provider);
        tracing::info!(
            service = options.service,
            shipping = sink.is_some(),
            otlp = endpoint.is_some(),
            "telemetry initialised"
        );
    }
    Ok(Telemetry {
        sink,
        provider: Some(provider),
    })
}

/// `CG_LOG`, else `RUST_LOG`, else `default`; librdkafka silenced unless the directives
/// name it.
fn filter(default: &str) -> EnvFilter {
    let directives = ["CG_LOG", "RUST_LOG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| default.to_owned());
    if directives.contains("rdkafka") {
        EnvFilter::new(directives)
    } else {
        EnvFilter::new(format!("{directives},librdkafka=off,rdkafka::client=off"))
    }
}

/// The installed provider lives as long as the process (its tracer holds it too).
fn keep(provider: &SdkTracerProvider) {
    static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();
    let _ = PROVIDER.set(provider.clone());
}
