//! Delivers log lines to `<prefix>logs.<service>` with rdkafka, from the sink's thread.
//! Logs are not the event log: `acks=1` (the partition leader's word) and a bounded,
//! lz4-compressed producer queue trade a line lost in a leader failover for never
//! waiting on replicas. Each service's topic is ensured (`TopicSpec::logs`) before its
//! first line and again after a failure. Outcomes are counted through the producer's
//! delivery callback; the client's own log and error callbacks are silenced, so nothing
//! here ever logs per line or feeds the pipeline it serves.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};

use super::sink::Deliver;
use super::stats::Counters;
use crate::config::KafkaSettings;
use crate::kafka::{TopicSpec, ensure_topics};

/// How long a topic that could not be ensured waits before the next try.
const ENSURE_RETRY: Duration = Duration::from_secs(30);
const ENSURE_TIMEOUT: Duration = Duration::from_secs(5);

/// Counts deliveries; says nothing.
struct Counting;

impl ClientContext for Counting {
    fn log(&self, _level: RDKafkaLogLevel, _facility: &str, _message: &str) {}
    fn error(&self, _error: KafkaError, _reason: &str) {}
}

impl ProducerContext for Counting {
    type DeliveryOpaque = Arc<Counters>;

    fn delivery(&self, result: &DeliveryResult<'_>, counters: Arc<Counters>) {
        match result {
            Ok(_) => Counters::count(&counters.sent),
            Err(_) => Counters::count(&counters.delivery_failed),
        }
    }
}

#[derive(Clone, Copy)]
enum Ensured {
    Not,
    Yes,
    FailedAt(Instant),
}

pub struct KafkaDeliver {
    producer: ThreadedProducer<Counting>,
    settings: KafkaSettings,
    /// Per service: its topic's name and whether it was ensured.
    topics: HashMap<String, (String, Ensured)>,
    runtime: tokio::runtime::Runtime,
}

impl KafkaDeliver {
    pub fn new(settings: &KafkaSettings, capacity: usize) -> anyhow::Result<Self> {
        let producer = ClientConfig::new()
            .set("bootstrap.servers", &settings.brokers)
            .set("acks", "1")
            .set("linger.ms", "50")
            .set("compression.type", "lz4")
            .set("message.timeout.ms", "30000")
            .set("queue.buffering.max.messages", capacity.max(1).to_string())
            .create_with_context(Counting)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self {
            producer,
            settings: settings.clone(),
            topics: HashMap::new(),
            runtime,
        })
    }

    /// The topic of `service`, ensured unless a recent attempt failed.
    fn topic(&mut self, service: &str) -> String {
        let spec = TopicSpec::logs(&self.settings, service);
        let entry = self
            .topics
            .entry(service.to_owned())
            .or_insert_with(|| (spec.name.clone(), Ensured::Not));
        let due = match entry.1 {
            Ensured::Not => true,
            Ensured::Yes => false,
            Ensured::FailedAt(at) => at.elapsed() >= ENSURE_RETRY,
        };
        if due {
            let brokers = &self.settings.brokers;
            // The timer is made inside `block_on`: it needs the runtime's reactor.
            let ensured = self.runtime.block_on(async {
                let ensure = ensure_topics(brokers, std::slice::from_ref(&spec));
                tokio::time::timeout(ENSURE_TIMEOUT, ensure).await
            });
            entry.1 = match ensured {
                Ok(Ok(())) => Ensured::Yes,
                _ => Ensured::FailedAt(Instant::now()),
            };
        }
        entry.0.clone()
    }
}

impl Deliver for KafkaDeliver {
    fn deliver(&mut self, service: &str, json: &str, counters: &Arc<Counters>) {
        let topic = self.topic(service);
        let record =
            BaseRecord::<(), str, _>::with_opaque_to(&topic, Arc::clone(counters)).payload(json);
        if let Err((error, _)) = self.producer.send(record) {
            let counter = match error.rdkafka_error_code() {
                Some(RDKafkaErrorCode::QueueFull) => &counters.producer_queue_full,
                _ => &counters.delivery_failed,
            };
            Counters::count(counter);
        }
    }

    fn flush(&mut self, timeout: Duration) {
        let _ = self.producer.flush(timeout);
    }
}
