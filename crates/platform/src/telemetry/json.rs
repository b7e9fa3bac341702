//! The one log line format (features.md §4, `log_schema_version` 1): a JSON object with
//! `timestamp` (RFC 3339, UTC), `level` (lower case), `service`, `environment`, `message`,
//! `target`, the fields of every enclosing span (outermost first, inner ones win — so
//! `request_id`, `job_id`, `aggregate_id`, `event_type` reach every line under their
//! span), the event's own fields, and `trace_id` / `span_id` of the current span. Each
//! line goes to the writer (stdout) and, when shipping is on, to the bounded Kafka sink.
//! It never blocks on the sink and never ships lines about shipping (no feedback loop).
//!
//! A span field `service` overrides the process's service for the lines under it: it is
//! how several services sharing one process (the in-process test stack) keep their lines
//! apart. In a deployed binary every span names the process's own service.

use std::cell::Cell;
use std::io::Write;
use std::sync::OnceLock;

use chrono::{SecondsFormat, Utc};
use opentelemetry::trace::TraceContextExt;
use serde_json::{Map, Value};
use tracing::dispatcher::WeakDispatch;
use tracing::span::{Attributes, Id, Record};
use tracing::{Dispatch, Event, Level, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use super::fields::JsonVisitor;
use super::sink::LogSink;

pub const LOG_SCHEMA_VERSION: u64 = 1;

/// Targets whose lines never go to Kafka: the Kafka client itself and the exporters. A
/// broker that is down must not produce lines about being down that need that broker.
const NOT_SHIPPED: &[&str] = &[
    "rdkafka",
    "librdkafka",
    "opentelemetry",
    "platform::telemetry::sink",
    "platform::telemetry::kafka_sink",
];

thread_local! {
    /// Set on the sink's own thread: whatever is logged there stays on stdout.
    static SHIPPING_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as the sink's: its lines are never shipped.
pub fn mark_shipping_thread() {
    SHIPPING_THREAD.with(|flag| flag.set(true));
}

/// The fields recorded on a span, kept in its extensions.
struct SpanFields(Map<String, Value>);

pub struct JsonLayer<W> {
    service: String,
    environment: String,
    writer: W,
    sink: Option<LogSink>,
    dispatch: OnceLock<WeakDispatch>,
}

impl<W> JsonLayer<W> {
    pub fn new(service: &str, environment: &str, writer: W, sink: Option<LogSink>) -> Self {
        Self {
            service: service.to_owned(),
            environment: environment.to_owned(),
            writer,
            sink,
            dispatch: OnceLock::new(),
        }
    }

    /// `trace_id` and `span_id` of span `id`, from the OpenTelemetry layer's context.
    fn trace_ids(&self, id: &Id) -> Option<(String, String)> {
        let dispatch = self.dispatch.get()?.upgrade()?;
        let context = tracing_opentelemetry::get_otel_context(id, &dispatch)?;
        let span = context.span();
        let span_context = span.span_context();
        span_context.is_valid().then(|| {
            (
                span_context.trace_id().to_string(),
                span_context.span_id().to_string(),
            )
        })
    }
}

/// `trace`, `debug`, `info`, `warn` or `error`.
pub fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

impl<S, W> Layer<S> for JsonLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn on_register_dispatch(&self, subscriber: &Dispatch) {
        let _ = self.dispatch.set(subscriber.downgrade());
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Map::new();
        attrs.record(&mut JsonVisitor(&mut fields));
        span.extensions_mut().insert(SpanFields(fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        if let Some(fields) = span.extensions_mut().get_mut::<SpanFields>() {
            values.record(&mut JsonVisitor(&mut fields.0));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut line = Map::new();
        let mut leaf = None;
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    line.extend(fields.0.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                leaf = Some(span.id());
            }
        }
        event.record(&mut JsonVisitor(&mut line));
        if let Some((trace_id, span_id)) = leaf.and_then(|id| self.trace_ids(&id)) {
            line.insert("trace_id".into(), trace_id.into());
            line.insert("span_id".into(), span_id.into());
        }
        let service = match line.get("service") {
            Some(Value::String(service)) => service.clone(),
            _ => self.service.clone(),
        };
        let metadata = event.metadata();
        let fixed = [
            (
                "timestamp",
                Utc::now()
                    .to_rfc3339_opts(SecondsFormat::Micros, true)
                    .into(),
            ),
            ("level", level_name(metadata.level()).into()),
            ("service", service.clone().into()),
            ("environment", self.environment.clone().into()),
            ("target", metadata.target().into()),
            ("log_schema_version", LOG_SCHEMA_VERSION.into()),
        ];
        line.extend(fixed.map(|(k, v): (&str, Value)| (k.to_owned(), v)));
        line.entry("message").or_insert_with(|| "".into());
        let Ok(mut json) = serde_json::to_string(&line) else {
            return;
        };
        if let Some(sink) = &self.sink
            && shipped(metadata.target())
        {
            sink.offer(&service, json.clone());
        }
        json.push('\n');
        let _ = self.writer.make_writer().write_all(json.as_bytes());
    }
}

fn shipped(target: &str) -> bool {
    !SHIPPING_THREAD.with(Cell::get) && !NOT_SHIPPED.iter().any(|t| target.starts_with(t))
}
