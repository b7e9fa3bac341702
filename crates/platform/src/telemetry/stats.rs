//! Counters of the log sink, per service: lines handed to Kafka and acknowledged, and
//! lines dropped (the buffer was full, the producer's queue was full, or delivery
//! failed). Exported by every binary's `/metrics` as `clustergenie_log_records_sent_total{service}`
//! and `clustergenie_log_records_dropped_total{service,reason}`. Counting is the only thing the sink
//! does about its own trouble: it never logs per line.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use opentelemetry::KeyValue;
use opentelemetry::metrics::Meter;

/// One service's counters.
#[derive(Debug, Default)]
pub struct Counters {
    pub sent: AtomicU64,
    pub buffer_full: AtomicU64,
    pub producer_queue_full: AtomicU64,
    pub delivery_failed: AtomicU64,
}

impl Counters {
    pub fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Every drop, whatever its reason.
    pub fn dropped(&self) -> u64 {
        [
            &self.buffer_full,
            &self.producer_queue_full,
            &self.delivery_failed,
        ]
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .sum()
    }
}

/// The counters of every service that logged through one sink.
#[derive(Debug, Default)]
pub struct SinkStats {
    services: Mutex<BTreeMap<String, Arc<Counters>>>,
}

impl SinkStats {
    /// The counters of `service` (created on first use; services are few).
    pub fn of(&self, service: &str) -> Arc<Counters> {
        let mut services = self.services.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(counters) = services.get(service) {
            return Arc::clone(counters);
        }
        let counters = Arc::new(Counters::default());
        services.insert(service.to_owned(), Arc::clone(&counters));
        counters
    }

    fn each(&self, mut f: impl FnMut(&str, &Counters)) {
        let services = self.services.lock().unwrap_or_else(|e| e.into_inner());
        for (service, counters) in services.iter() {
            f(service, counters);
        }
    }
}

/// The process's sink statistics (the process has at most one sink).
pub fn global() -> Arc<SinkStats> {
    static STATS: OnceLock<Arc<SinkStats>> = OnceLock::new();
    Arc::clone(STATS.get_or_init(Arc::default))
}

/// Registers the sink's counters as observable instruments of `meter`.
pub fn register(meter: &Meter) {
    let _sent = meter
        .u64_observable_counter("clustergenie_log_records_sent")
        .with_description("Log records the broker acknowledged")
        .with_callback(|observer| {
            global().each(|service, c| {
                let labels = [KeyValue::new("service", service.to_owned())];
                observer.observe(c.sent.load(Ordering::Relaxed), &labels);
            });
        })
        .build();
    let _dropped = meter
        .u64_observable_counter("clustergenie_log_records_dropped")
        .with_description("Log records not shipped to Kafka, by reason")
        .with_callback(|observer| {
            global().each(|service, c| {
                for (reason, counter) in [
                    ("buffer_full", &c.buffer_full),
                    ("producer_queue_full", &c.producer_queue_full),
                    ("delivery_failed", &c.delivery_failed),
                ] {
                    let labels = [
                        KeyValue::new("service", service.to_owned()),
                        KeyValue::new("reason", reason),
                    ];
                    observer.observe(counter.load(Ordering::Relaxed), &labels);
                }
            });
        })
        .build();
}
