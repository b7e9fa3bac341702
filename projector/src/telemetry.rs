//! The projector's own instruments: records by outcome, batch duration and lag per
//! partition (records and seconds), parked records and the oldest one's age. Labels are bounded (outcome,
//! partition number), never aggregate ids.

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram};
use platform::metrics::Metrics;

use crate::batch::BatchReport;

#[derive(Clone)]
pub struct ProjectorMetrics {
    records: Counter<u64>,
    batch_duration: Histogram<f64>,
    lag: Gauge<i64>,
    lag_seconds: Gauge<f64>,
    cache_failures: Counter<u64>,
    retries: Counter<u64>,
    parked: Gauge<i64>,
    oldest_parked: Gauge<f64>,
}

impl ProjectorMetrics {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("projector");
        Self {
            records: meter.u64_counter("clustergenie_projector_records").build(),
            batch_duration: meter
                .f64_histogram("clustergenie_projector_batch_duration")
                .with_unit("s")
                .with_boundaries(vec![
                    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
                ])
                .build(),
            lag: meter
                .i64_gauge("clustergenie_projector_lag_records")
                .build(),
            lag_seconds: meter
                .f64_gauge("clustergenie_projector_lag")
                .with_unit("s")
                .build(),
            cache_failures: meter
                .u64_counter("clustergenie_projector_cache_failures")
                .build(),
            retries: meter
                .u64_counter("clustergenie_projector_batch_retries")
                .build(),
            parked: meter
                .i64_gauge("clustergenie_projector_parked_records")
                .build(),
            oldest_parked: meter
                .f64_gauge("clustergenie_projector_parked_oldest_age")
                .with_unit("s")
                .build(),
        }
    }

    /// Counts a committed transaction: its duration once, its records per outcome.
    pub fn batch(&self, reports: &[BatchReport], seconds: f64) {
        self.batch_duration.record(seconds, &[]);
        let sum = |outcome: fn(&BatchReport) -> u64| reports.iter().map(outcome).sum::<u64>();
        let outcomes = [
            ("applied", sum(|r| r.applied)),
            ("ignored", sum(|r| r.ignored)),
            ("parked", sum(|r| r.parked)),
        ];
        for (outcome, count) in outcomes.into_iter().filter(|(_, n)| *n > 0) {
            self.records
                .add(count, &[KeyValue::new("outcome", outcome)]);
        }
    }

    /// Records behind the high watermark, and how old the oldest of them is
    /// (`clustergenie_projector_lag_seconds{partition}`, 0 when caught up).
    pub fn lag(&self, partition: i32, records: i64, seconds: f64) {
        let labels = [KeyValue::new("partition", i64::from(partition))];
        self.lag.record(records, &labels);
        self.lag_seconds.record(seconds, &labels);
    }

    pub fn cache_failure(&self) {
        self.cache_failures.add(1, &[]);
    }

    /// Records parked now, and the age of the oldest in seconds.
    pub fn parked(&self, count: i64, oldest_seconds: f64) {
        self.parked.record(count, &[]);
        self.oldest_parked.record(oldest_seconds, &[]);
    }

    /// A batch was rolled back by a transient failure and will be retried.
    pub fn retry(&self) {
        self.retries.add(1, &[]);
    }
}
