//! The broker's floor under one command: N small records appended one at a time, each
//! awaited, through the producer command-api uses (`platform::kafka::producer`: acks=all,
//! idempotent, linger 0). A command cannot answer faster than its sequential appends, so
//! this is the physical limit target 2 is read against. It never asserts.

use std::time::Instant;

use bench::stats::{Percentiles, Recorder};
use platform::config::KafkaSettings;
use platform::kafka::{TopicSpec, ensure_topics};
use rdkafka::producer::FutureRecord;
use serde_json::{Value, json};

/// Unrecorded appends first, so connection set-up and metadata are not measured.
const WARMUP: usize = 100;

pub async fn run(brokers: &str, prefix: &str, n: usize) -> anyhow::Result<Value> {
    let settings = KafkaSettings {
        brokers: brokers.to_owned(),
        topic_prefix: prefix.to_owned(),
        partitions: 1,
        replication_factor: 1,
    };
    let topic = settings.events_topic();
    ensure_topics(brokers, &[TopicSpec::events(&settings)]).await?;
    let producer = platform::kafka::producer(brokers)?;
    let payload = vec![0u8; 300];
    let mut recorder = Recorder::default();
    for i in 0..WARMUP + n {
        let started = Instant::now();
        let record = FutureRecord::to(&topic)
            .partition(0)
            .key("floor")
            .payload(&payload);
        let delivery = producer
            .send_result(record)
            .map_err(|(e, _)| anyhow::anyhow!("enqueue failed: {e}"))?;
        delivery
            .await?
            .map_err(|(e, _)| anyhow::anyhow!("append failed: {e}"))?;
        if i >= WARMUP {
            recorder.status(200, started.elapsed());
        }
    }
    Ok(json!({
        "appends": n, "payload_bytes": payload.len(),
        "append_ms": Percentiles::of(&recorder.latency),
    }))
}
