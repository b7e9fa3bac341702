//! Kafka plumbing shared by the binaries: client settings that work on the mock cluster
//! and on Apache Kafka, Kafka's own murmur2 partitioning, topic checks, and the
//! group reader. Nothing here knows what the records mean.

mod reader;

pub use reader::{GroupReader, LogEntry, ReaderEvent, StartOffsets};

use std::time::Duration;

use anyhow::Context;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::FutureProducer;

use crate::config::KafkaSettings;

/// Kafka's murmur2 seed (`org.apache.kafka.common.utils.Utils.murmur2`).
const KAFKA_MURMUR2_SEED: u32 = 0x9747_b28c;

/// The partition Kafka's default partitioner picks for `key`: `toPositive(murmur2(key)) % P`.
pub fn partition_for(key: &[u8], partitions: i32) -> i32 {
    let positive = murmur2::murmur2(key, KAFKA_MURMUR2_SEED) & 0x7fff_ffff;
    (positive % partitions.max(1) as u32) as i32
}

/// An idempotent producer (`acks=all`), safe on the mock cluster and on Kafka.
pub fn producer(brokers: &str) -> anyhow::Result<FutureProducer> {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "2")
        .set("message.timeout.ms", "10000")
        .create()
        .context("Failed to create a Kafka producer")
}

/// Base settings of every consumer: manual offsets, start from the beginning, quick fetches.
pub fn consumer_config(brokers: &str, group_id: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", brokers)
        .set("group.id", group_id)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("heartbeat.interval.ms", "1000")
        .set("session.timeout.ms", "10000")
        .set("fetch.wait.max.ms", "10")
        .set("enable.partition.eof", "false");
    config
}

/// The number of partitions of `topic`, failing if the topic does not exist.
pub fn partition_count(brokers: &str, topic: &str) -> anyhow::Result<i32> {
    let consumer: BaseConsumer = consumer_config(brokers, "cg-metadata").create()?;
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .with_context(|| format!("Failed to fetch metadata of topic {topic}"))?;
    let count = metadata
        .topics()
        .first()
        .map(|t| t.partitions().len())
        .unwrap_or(0);
    anyhow::ensure!(
        count > 0,
        "topic {topic} does not exist (create it, or set kafka.create_topics on real Kafka)"
    );
    Ok(count as i32)
}

/// Creates missing topics through the admin API; only for brokers that implement it
/// (Apache Kafka). The mock cluster gets its topics from `dev-broker` or the tests.
pub async fn ensure_topics(
    settings: &KafkaSettings,
    topics: &[(String, i32)],
) -> anyhow::Result<()> {
    if !settings.create_topics {
        return Ok(());
    }
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &settings.brokers)
        .create()?;
    let new: Vec<NewTopic> = topics
        .iter()
        .map(|(name, p)| NewTopic::new(name, *p, TopicReplication::Fixed(1)))
        .collect();
    for result in admin.create_topics(&new, &AdminOptions::new()).await? {
        match result {
            Ok(_) | Err((_, rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => anyhow::bail!("Failed to create topic {topic}: {code}"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur2_matches_the_java_client() {
        // Values from Kafka's own partitioner tests and client libraries.
        assert_eq!(
            murmur2::murmur2(b"hello", KAFKA_MURMUR2_SEED),
            2_132_663_229
        );
        assert_eq!(
            murmur2::murmur2(b"21", KAFKA_MURMUR2_SEED) as i32,
            -973_932_308
        );
        assert_eq!(
            murmur2::murmur2(b"foobar", KAFKA_MURMUR2_SEED) as i32,
            -790_332_482
        );
        assert_eq!(
            murmur2::murmur2(b"abc", KAFKA_MURMUR2_SEED) as i32,
            479_470_107
        );
    }

    #[test]
    fn partitions_stay_in_range() {
        for i in 0..1000u32 {
            let p = partition_for(&i.to_be_bytes(), 12);
            assert!((0..12).contains(&p));
        }
    }
}
