//! The worker pool's metrics, labels bounded by queue, type and outcome:
//! `clustergenie_jobs_finished_total{queue,job_type,outcome}`, `clustergenie_jobs_running{queue}`,
//! `clustergenie_job_queue_depth{queue}`, `clustergenie_job_duration_seconds{queue,job_type,outcome}` and this
//! instance's `clustergenie_workers` / `clustergenie_workers_busy`; at the route, `clustergenie_jobs_enqueued_total{job_type}`
//! and `clustergenie_jobs_rejected_total{job_type,reason="queue_full|duplicate|refused"}` (`EnqueueMetrics`).
//! Queue names are user input, so only the first `MAX_QUEUE_LABELS` distinct queues
//! get their own label; the rest share `other`.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram};
use platform::metrics::Metrics;

const MAX_QUEUE_LABELS: usize = 32;

pub struct JobMetrics {
    finished: Counter<u64>,
    running: Gauge<u64>,
    depth: Gauge<u64>,
    duration: Histogram<f64>,
    workers: Gauge<u64>,
    busy: Gauge<u64>,
    labelled: Mutex<HashSet<String>>,
}

impl JobMetrics {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("command-api");
        Self {
            finished: meter.u64_counter("clustergenie_jobs_finished").build(),
            running: meter.u64_gauge("clustergenie_jobs_running").build(),
            depth: meter.u64_gauge("clustergenie_job_queue_depth").build(),
            duration: meter
                .f64_histogram("clustergenie_job_duration")
                .with_unit("s")
                .with_boundaries(vec![
                    0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0,
                ])
                .build(),
            workers: meter.u64_gauge("clustergenie_workers").build(),
            busy: meter.u64_gauge("clustergenie_workers_busy").build(),
            labelled: Mutex::new(HashSet::new()),
        }
    }

    /// The label of `queue`: itself while few queues exist, `other` beyond.
    fn queue_label(&self, queue: &str) -> String {
        let mut labelled = self.labelled.lock().unwrap_or_else(|e| e.into_inner());
        if labelled.contains(queue) || labelled.len() < MAX_QUEUE_LABELS {
            labelled.insert(queue.to_owned());
            queue.to_owned()
        } else {
            "other".to_owned()
        }
    }

    pub fn finished(
        &self,
        queue: &str,
        job_type: &'static str,
        outcome: &'static str,
        seconds: f64,
    ) {
        let labels = [
            KeyValue::new("queue", self.queue_label(queue)),
            KeyValue::new("job_type", job_type),
            KeyValue::new("outcome", outcome),
        ];
        self.finished.add(1, &labels);
        self.duration.record(seconds.max(0.0), &labels);
    }

    /// The worker slots of this instance and how many run an attempt now.
    pub fn workers(&self, total: usize, busy: usize) {
        self.workers.record(total as u64, &[]);
        self.busy.record(busy as u64, &[]);
    }

    /// Depth and running jobs per queue, from one look at every queue's jobs. Queues
    /// sharing the `other` label are summed, and a labelled queue with nothing left
    /// reads 0 rather than keeping its last value.
    pub fn queues<'q>(&self, counts: impl IntoIterator<Item = (&'q str, u64, u64)>) {
        let mut per_label: HashMap<String, (u64, u64)> = self
            .labelled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|q| (q.clone(), (0, 0)))
            .collect();
        if per_label.len() >= MAX_QUEUE_LABELS {
            per_label.insert("other".to_owned(), (0, 0));
        }
        for (queue, depth, running) in counts {
            let entry = per_label.entry(self.queue_label(queue)).or_default();
            entry.0 += depth;
            entry.1 += running;
        }
        for (label, (depth, running)) in per_label {
            let label = [KeyValue::new("queue", label)];
            self.depth.record(depth, &label);
            self.running.record(running, &label);
        }
    }
}

/// Enqueues as the route answered them: new jobs by type (idempotent replays not counted
/// again) and refusals by reason.
#[derive(Clone)]
pub struct EnqueueMetrics {
    enqueued: Counter<u64>,
    rejected: Counter<u64>,
}

impl EnqueueMetrics {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("command-api");
        Self {
            enqueued: meter.u64_counter("clustergenie_jobs_enqueued").build(),
            rejected: meter.u64_counter("clustergenie_jobs_rejected").build(),
        }
    }

    pub fn enqueued(&self, job_type: &'static str) {
        self.enqueued.add(1, &[KeyValue::new("job_type", job_type)]);
    }

    pub fn rejected(&self, job_type: &'static str, reason: &'static str) {
        let labels = [
            KeyValue::new("job_type", job_type),
            KeyValue::new("reason", reason),
        ];
        self.rejected.add(1, &labels);
    }
}
