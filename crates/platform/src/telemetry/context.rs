//! W3C trace context (`traceparent`, `tracestate`) in and out of `tracing` spans: taken
//! from HTTP requests and Kafka record headers, written into Kafka record headers and
//! HTTP responses, and rebuilt from a stored trace id (jobs). The one place that knows
//! the propagation format; it never starts or ends spans itself.

use std::collections::HashMap;

use opentelemetry::Context;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;

pub const TRACEPARENT: &str = "traceparent";
pub const TRACESTATE: &str = "tracestate";

/// A span's context as W3C header values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TraceHeaders {
    pub traceparent: String,
    /// Empty when the trace carries no vendor state.
    pub tracestate: String,
}

/// The W3C headers of `span`, if it belongs to a trace (a disabled span does not).
pub fn headers_of(span: &Span) -> Option<TraceHeaders> {
    let mut carrier: HashMap<String, String> = HashMap::new();
    TraceContextPropagator::new().inject_context(&span.context(), &mut carrier);
    let traceparent = carrier.remove(TRACEPARENT)?;
    Some(TraceHeaders {
        traceparent,
        tracestate: carrier.remove(TRACESTATE).unwrap_or_default(),
    })
}

/// The W3C headers of the current span.
pub fn current() -> Option<TraceHeaders> {
    headers_of(&Span::current())
}

/// The 32-hex trace id of the current span, if it belongs to a trace.
pub fn current_trace_id() -> Option<String> {
    let context = Span::current().context();
    let span = context.span();
    let span_context = span.span_context();
    span_context
        .is_valid()
        .then(|| span_context.trace_id().to_string())
}

/// The remote parent named by a `traceparent` (and `tracestate`) value; an empty
/// context when it is absent or malformed (the span then starts a trace of its own).
pub fn parent_from(traceparent: Option<&str>, tracestate: Option<&str>) -> Context {
    let mut carrier = HashMap::new();
    if let Some(value) = traceparent {
        carrier.insert(TRACEPARENT.to_owned(), value.to_owned());
    }
    if let Some(value) = tracestate {
        carrier.insert(TRACESTATE.to_owned(), value.to_owned());
    }
    TraceContextPropagator::new().extract(&carrier)
}

/// The remote parent named by a Kafka record's headers.
pub fn parent_from_record(headers: &[(String, Vec<u8>)]) -> Context {
    let value = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key == name)
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    };
    parent_from(value(TRACEPARENT), value(TRACESTATE))
}

/// A parent in the trace `trace_id` (32 hex digits), for work that kept only the trace
/// id of what caused it (a job keeps its enqueue's). The parent span id is derived from
/// `seed` (the job id): that span is not exported, but every span under it and every
/// log line joins the trace. `None` if `trace_id` is not a W3C trace id.
pub fn parent_in_trace(trace_id: &str, seed: &[u8; 16]) -> Option<Context> {
    if trace_id.len() != 32 {
        return None;
    }
    let trace_id = TraceId::from_hex(trace_id).ok()?;
    // The random half of a UUIDv7; never all zeros (an invalid span id).
    let mut span_bytes = [0u8; 8];
    span_bytes.copy_from_slice(&seed[8..]);
    if span_bytes == [0; 8] {
        span_bytes[7] = 1;
    }
    let span_id = SpanId::from_bytes(span_bytes);
    let parent = SpanContext::new(
        trace_id,
        span_id,
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    parent
        .is_valid()
        .then(|| Context::new().with_remote_span_context(parent))
}

/// Makes `parent` the parent of `span` (which must not have been entered yet), when it
/// names a trace; otherwise `span` stays the root of a trace of its own.
pub fn adopt(span: &Span, parent: Context) {
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_traceparent_round_trips_and_garbage_is_no_parent() {
        let value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let parent = parent_from(Some(value), None);
        let span = parent.span();
        let context = span.span_context();
        assert_eq!(
            context.trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert!(context.is_remote());
        assert!(
            !parent_from(Some("00-nonsense"), None)
                .span()
                .span_context()
                .is_valid()
        );
        let headers = vec![(TRACEPARENT.to_owned(), value.as_bytes().to_vec())];
        assert_eq!(
            parent_from_record(&headers)
                .span()
                .span_context()
                .span_id()
                .to_string(),
            "00f067aa0ba902b7"
        );
    }

    #[test]
    fn a_stored_trace_id_gives_a_parent_in_that_trace() {
        let id = "4bf92f3577b34da6a3ce929d0e0e4736";
        let parent = parent_in_trace(id, &[7; 16]).expect("a W3C trace id");
        assert_eq!(parent.span().span_context().trace_id().to_string(), id);
        assert!(parent_in_trace("request-42", &[7; 16]).is_none());
        assert!(parent_in_trace(&"0".repeat(32), &[7; 16]).is_none());
    }
}
