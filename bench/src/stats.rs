//! Recording outcomes: latencies in microseconds into an hdrhistogram (1 µs .. 60 s, three
//! significant digits), counts per HTTP status, transport errors apart, and the summary
//! every driver prints as JSON. Recording is lock-free per task; recorders are merged at
//! the end, so measuring never contends with sending.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

const MAX_MICROS: u64 = 60_000_000;

/// Latencies and outcomes of one task (or, merged, of a whole run).
#[derive(Clone)]
pub struct Recorder {
    pub latency: Histogram<u64>,
    pub statuses: BTreeMap<u16, u64>,
    pub errors: u64,
    pub first_error: Option<String>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self {
            latency: Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("valid bounds"),
            statuses: BTreeMap::new(),
            errors: 0,
            first_error: None,
        }
    }
}

impl Recorder {
    pub fn status(&mut self, status: u16, took: Duration) {
        *self.statuses.entry(status).or_default() += 1;
        self.latency.saturating_record(micros(took));
    }

    pub fn error(&mut self, error: &anyhow::Error) {
        self.errors += 1;
        self.first_error.get_or_insert_with(|| format!("{error:#}"));
    }

    pub fn merge(&mut self, other: &Recorder) {
        self.latency.add(&other.latency).expect("same bounds");
        for (status, n) in &other.statuses {
            *self.statuses.entry(*status).or_default() += n;
        }
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error.clone_from(&other.first_error);
        }
    }

    pub fn responses(&self) -> u64 {
        self.statuses.values().sum()
    }

    fn count(&self, wanted: impl Fn(u16) -> bool) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| wanted(**s))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn summary(&self, seconds: f64) -> Summary {
        let ok = self.count(|s| (200..300).contains(&s));
        Summary {
            requests: self.responses() + self.errors,
            ok,
            ok_per_second: ok as f64 / seconds.max(1e-9),
            responses_per_second: self.responses() as f64 / seconds.max(1e-9),
            conflicts_409: self.count(|s| s == 409),
            throttled_429: self.count(|s| s == 429),
            server_errors_5xx: self.count(|s| s >= 500),
            other_4xx: self.count(|s| (400..500).contains(&s) && s != 409 && s != 429),
            transport_errors: self.errors,
            first_error: self.first_error.clone(),
            statuses: self
                .statuses
                .iter()
                .map(|(s, n)| (s.to_string(), *n))
                .collect(),
            latency_ms: Percentiles::of(&self.latency),
        }
    }
}

pub fn micros(took: Duration) -> u64 {
    (took.as_micros() as u64).clamp(1, MAX_MICROS)
}

/// What a run reports about its requests.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub requests: u64,
    pub ok: u64,
    pub ok_per_second: f64,
    pub responses_per_second: f64,
    pub conflicts_409: u64,
    pub throttled_429: u64,
    pub server_errors_5xx: u64,
    pub other_4xx: u64,
    pub transport_errors: u64,
    pub first_error: Option<String>,
    pub statuses: BTreeMap<String, u64>,
    pub latency_ms: Percentiles,
}

/// Percentiles of a histogram of microseconds, in milliseconds.
#[derive(Debug, Serialize)]
pub struct Percentiles {
    pub count: u64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

impl Percentiles {
    pub fn of(h: &Histogram<u64>) -> Self {
        let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
        Self {
            count: h.len(),
            mean: h.mean() / 1000.0,
            p50: ms(0.50),
            p90: ms(0.90),
            p95: ms(0.95),
            p99: ms(0.99),
            p999: ms(0.999),
            max: h.max() as f64 / 1000.0,
        }
    }
}
