//! Filling a fresh topic with N droplet creates, the way command-api would have written
//! them: the topic is created through `platform::kafka::ensure_topics` (same shape and
//! settings), each partition first gets an ownership claim (epoch 1), then every batch is
//! stamped with its partition's claim at `from_version` 0. An idempotent producer keeps
//! many records in flight, so ordering within a partition holds and it is fast.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use domain::record::{ClaimRecord, Record};
use platform::config::KafkaSettings;
use platform::kafka::{TopicSpec, ensure_topics};
use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use serde_json::{Value, json};

use crate::rows;

const IN_FLIGHT: usize = 50_000;

pub async fn run(brokers: &str, prefix: &str, n: u64, partitions: i32) -> anyhow::Result<Value> {
    let settings = KafkaSettings {
        brokers: brokers.to_owned(),
        topic_prefix: prefix.to_owned(),
        partitions,
        replication_factor: 1,
    };
    let topic = settings.events_topic();
    ensure_topics(brokers, &[TopicSpec::events(&settings)]).await?;
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "20")
        .set("batch.size", "1000000")
        .set("queue.buffering.max.messages", "500000")
        .set("message.timeout.ms", "60000")
        .create()?;
    let started = Instant::now();
    let claim = rows::claim();
    let mut pending = Vec::new();
    for partition in 0..partitions {
        let record = Record::Claim(ClaimRecord {
            claim: claim.clone(),
            advertised_url: "http://127.0.0.1:1".to_owned(),
            claimed_at: rows::created(0)?.at,
        });
        pending.push(send(&producer, &topic, partition, "claim", &record).await?);
    }
    drain(&mut pending).await?;
    // The positions `upsert` gives the same creates, so its audit rows match the log's.
    let mut positions = rows::Positions::new(partitions);
    for index in 0..n {
        let created = rows::created(index)?;
        let key = created.id.to_string();
        let record = Record::Batch(created.batch(&claim));
        let (partition, _) = positions.next(created.id);
        pending.push(send(&producer, &topic, partition, &key, &record).await?);
        if pending.len() >= IN_FLIGHT {
            drain(&mut pending).await?;
        }
    }
    drain(&mut pending).await?;
    let seconds = started.elapsed().as_secs_f64();
    let watermarks = watermarks(brokers, &topic, partitions)?;
    let total: i64 = watermarks.values().sum();
    Ok(json!({
        "topic": topic, "records": n, "claims": partitions, "seconds": seconds,
        "records_per_second": n as f64 / seconds, "high_watermarks": watermarks,
        "total_offsets": total,
    }))
}

/// Encodes with command-api's own `writer::encode_record` (payload and `cg-*` headers)
/// and enqueues, waiting for room when the producer's queue is full.
async fn send(
    producer: &FutureProducer,
    topic: &str,
    partition: i32,
    key: &str,
    record: &Record,
) -> anyhow::Result<DeliveryFuture> {
    let (payload, headers) = command_api::writer::encode_record(record, None);
    loop {
        let message = FutureRecord::to(topic)
            .partition(partition)
            .key(key)
            .payload(&payload)
            .headers(headers.clone());
        match producer.send_result(message) {
            Ok(delivery) => return Ok(delivery),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Err((error, _)) => return Err(error.into()),
        }
    }
}

async fn drain(pending: &mut Vec<DeliveryFuture>) -> anyhow::Result<()> {
    for delivery in pending.drain(..) {
        delivery.await?.map_err(|(e, _)| e)?;
    }
    Ok(())
}

fn watermarks(brokers: &str, topic: &str, partitions: i32) -> anyhow::Result<BTreeMap<i32, i64>> {
    let client: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()?;
    (0..partitions)
        .map(|p| {
            let (_, high) = client.fetch_watermarks(topic, p, Duration::from_secs(10))?;
            Ok((p, high))
        })
        .collect()
}
