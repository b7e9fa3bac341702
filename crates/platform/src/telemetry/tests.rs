//! The log line format and its trace fields, through a real subscriber (registry +
//! OpenTelemetry layer + `JsonLayer`) scoped to each test; and what reaches the sink.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use serde_json::Value;
use tracing_subscriber::prelude::*;

use super::JsonLayer;
use super::sink::{Deliver, LogSink};
use super::stats::{Counters, SinkStats};

/// Records what the sink delivers.
#[derive(Clone, Default)]
struct Recorded(Arc<Mutex<Vec<(String, String)>>>);

impl Deliver for Recorded {
    fn deliver(&mut self, service: &str, json: &str, _counters: &Arc<Counters>) {
        self.0
            .lock()
            .unwrap()
            .push((service.to_owned(), json.to_owned()));
    }

    fn flush(&mut self, _timeout: Duration) {}
}

/// Collects what the layer writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Runs `f` under a subscriber of its own; returns the stdout lines, parsed.
fn logged(sink: Option<LogSink>, f: impl FnOnce()) -> Vec<Value> {
    let out = Captured::default();
    let provider = SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")))
        .with(JsonLayer::new("svc", "test", out.clone(), sink));
    tracing::subscriber::with_default(subscriber, f);
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).expect("every line is one JSON object"))
        .collect()
}

#[test]
fn a_line_has_the_fixed_fields_span_fields_and_trace_ids() {
    let lines = logged(None, || {
        let outer = tracing::info_span!("request", request_id = "r-1", job_id = "j-1");
        let _outer = outer.enter();
        let inner = tracing::info_span!("command", aggregate_id = "a-1", event_type = "x.created");
        let _inner = inner.enter();
        tracing::warn!(partition = 3, ok = true, "hello {}", 5);
    });
    let [line] = lines.as_slice() else {
        panic!("one line: {lines:?}")
    };
    assert_eq!(line["level"], "warn");
    assert_eq!(line["message"], "hello 5");
    assert_eq!(line["service"], "svc");
    assert_eq!(line["environment"], "test");
    assert_eq!(line["log_schema_version"], 1);
    assert_eq!(line["request_id"], "r-1");
    assert_eq!(line["job_id"], "j-1");
    assert_eq!(line["aggregate_id"], "a-1");
    assert_eq!(line["event_type"], "x.created");
    assert_eq!(line["partition"], 3, "numbers stay numbers");
    assert_eq!(line["ok"], true);
    assert!(line["target"].as_str().unwrap().starts_with("platform"));
    let timestamp = line["timestamp"].as_str().unwrap();
    assert!(timestamp.ends_with('Z'), "UTC: {timestamp}");
    chrono::DateTime::parse_from_rfc3339(timestamp).expect("RFC 3339");
    let trace_id = line["trace_id"].as_str().unwrap();
    let span_id = line["span_id"].as_str().unwrap();
    assert_eq!((trace_id.len(), span_id.len()), (32, 16));
}

#[test]
fn levels_are_lower_case_and_lines_outside_spans_have_no_trace() {
    let lines = logged(None, || {
        tracing::error!("e");
        tracing::info!("i");
    });
    let levels: Vec<&str> = lines.iter().map(|l| l["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["error", "info"]);
    assert!(lines.iter().all(|l| l.get("trace_id").is_none()));
}

#[test]
fn a_span_adopting_a_traceparent_logs_its_trace_id_and_a_span_service_wins() {
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let mut inner_span_id = String::new();
    let lines = logged(None, || {
        let span = tracing::info_span!("record", service = "projector");
        super::context::adopt(&span, super::context::parent_from(Some(traceparent), None));
        let _entered = span.enter();
        tracing::info!("applied");
        inner_span_id = super::context::current().unwrap().traceparent[36..52].to_owned();
    });
    assert_eq!(lines[0]["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(lines[0]["span_id"], inner_span_id.as_str());
    assert_ne!(
        inner_span_id, "00f067aa0ba902b7",
        "a child span, not the remote parent"
    );
    assert_eq!(lines[0]["service"], "projector");
}

#[test]
fn the_sink_gets_each_line_of_its_service_but_none_about_kafka() {
    let recorded = Recorded::default();
    let stats = Arc::new(SinkStats::default());
    let sink = LogSink::start(16, recorded.clone(), stats).unwrap();
    let lines = logged(Some(sink.clone()), || {
        tracing::info!("shipped");
        tracing::info!(target: "rdkafka::producer", "broker down");
        let span = tracing::info_span!("record", service = "projector");
        span.in_scope(|| tracing::info!("shipped too"));
    });
    sink.flush(Duration::from_secs(10));
    assert_eq!(lines.len(), 3, "stdout has every line");
    let delivered = recorded.0.lock().unwrap().clone();
    let services: Vec<&str> = delivered.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(services, ["svc", "projector"]);
    let first: Value = serde_json::from_str(&delivered[0].1).unwrap();
    assert_eq!(first["message"], "shipped");
}
