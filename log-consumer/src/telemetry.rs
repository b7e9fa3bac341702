//! log-consumer's instruments (OpenTelemetry names, exported as Prometheus text):
//! records consumed by outcome, lines pushed, push errors by reason, batch sizes in lines
//! and bytes, push duration, parked records by reason, consumer lag per topic and
//! partition, lines purged. Labels are bounded: outcomes, reasons, log topics (one per
//! service) and partition numbers — never ids or messages.

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram};
use platform::metrics::Metrics;

#[derive(Clone)]
pub struct ShipMetrics {
    records: Counter<u64>,
    lines_pushed: Counter<u64>,
    push_errors: Counter<u64>,
    sink_errors: Counter<u64>,
    parked: Counter<u64>,
    batch_lines: Histogram<u64>,
    batch_bytes: Histogram<u64>,
    push_duration: Histogram<f64>,
    lag: Gauge<i64>,
    purged: Counter<u64>,
}

impl ShipMetrics {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("log-consumer");
        Self {
            records: meter
                .u64_counter("clustergenie_log_consumer_records")
                .build(),
            lines_pushed: meter
                .u64_counter("clustergenie_log_consumer_lines_pushed")
                .build(),
            push_errors: meter
                .u64_counter("clustergenie_log_consumer_push_errors")
                .build(),
            sink_errors: meter
                .u64_counter("clustergenie_log_consumer_sink_errors")
                .build(),
            parked: meter
                .u64_counter("clustergenie_log_consumer_parked_records")
                .build(),
            batch_lines: meter
                .u64_histogram("clustergenie_log_consumer_batch_lines")
                .with_boundaries(vec![1.0, 10.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 5000.0])
                .build(),
            batch_bytes: meter
                .u64_histogram("clustergenie_log_consumer_batch_size")
                .with_unit("By")
                .with_boundaries(vec![
                    1024.0,
                    16384.0,
                    65536.0,
                    262_144.0,
                    1_048_576.0,
                    4_194_304.0,
                ])
                .build(),
            push_duration: meter
                .f64_histogram("clustergenie_log_consumer_push_duration")
                .with_unit("s")
                .with_boundaries(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0])
                .build(),
            lag: meter
                .i64_gauge("clustergenie_log_consumer_lag_records")
                .build(),
            purged: meter
                .u64_counter("clustergenie_log_consumer_lines_purged")
                .build(),
        }
    }

    /// Records consumed, by what became of them: `valid`, `invalid` or `own` (this
    /// service's own topic, never shipped).
    pub fn records(&self, outcome: &'static str, count: usize) {
        if count > 0 {
            self.records
                .add(count as u64, &[KeyValue::new("outcome", outcome)]);
        }
    }

    /// A batch handed to Loki: its size, and the accepted push's duration.
    pub fn pushed(&self, lines: usize, bytes: usize, seconds: f64) {
        self.lines_pushed.add(lines as u64, &[]);
        self.batch_lines.record(lines as u64, &[]);
        self.batch_bytes.record(bytes as u64, &[]);
        self.push_duration.record(seconds, &[]);
    }

    /// A failed push: `server_error`, `rate_limited`, `connection` or `rejected`.
    pub fn push_error(&self, reason: &'static str) {
        self.push_errors.add(1, &[KeyValue::new("reason", reason)]);
    }

    /// A failed MariaDB write of a batch (retried).
    pub fn sink_error(&self) {
        self.sink_errors.add(1, &[]);
    }

    /// Records parked: `invalid` (not a log record) or `rejected` (Loki refused the batch).
    pub fn parked(&self, reason: &'static str, count: usize) {
        if count > 0 {
            self.parked
                .add(count as u64, &[KeyValue::new("reason", reason)]);
        }
    }

    pub fn lag(&self, topic: &str, partition: i32, records: i64) {
        self.lag.record(
            records,
            &[
                KeyValue::new("topic", topic.to_owned()),
                KeyValue::new("partition", i64::from(partition)),
            ],
        );
    }

    pub fn purged(&self, rows: u64) {
        self.purged.add(rows, &[]);
    }
}
