//! Kafka plumbing shared by the binaries: client settings that work on the mock cluster
//! and on Apache Kafka, Kafka's own murmur2 partitioning, topic checks, and the
//! group reader, group-less range reads (`range`) and the record file format (`fixture`).
//! Nothing here knows what the records mean.

mod connect;
pub mod fixture;
pub mod range;
mod reader;
mod topics;

pub use connect::{CHECK as KAFKA_CHECK, ensure_topics_with_backoff};
pub use reader::{Copied, GroupReader, LogEntry, ReaderEvent, StartOffsets};
pub use topics::{TopicError, TopicSpec, ensure_topics, partition_count_of};

use anyhow::Context;
use rdkafka::ClientConfig;
use rdkafka::producer::FutureProducer;

/// Kafka's murmur2 seed (`org.apache.kafka.common.utils.Utils.murmur2`).
const KAFKA_MURMUR2_SEED: u32 = 0x9747_b28c;

/// The partition Kafka's default partitioner picks for `key`: `toPositive(murmur2(key)) % P`.
pub fn partition_for(key: &[u8], partitions: i32) -> i32 {
    let positive = murmur2::murmur2(key, KAFKA_MURMUR2_SEED) & 0x7fff_ffff;
    (positive % partitions.max(1) as u32) as i32
}

/// An idempotent producer (`acks=all`), safe on the mock cluster and on Kafka.
///
/// `linger.ms = 0`: a command waits for its record, so lingering adds its full value to
/// every command on an idle system; under load records still travel in batches, because
/// they queue while earlier produce requests are in flight. Nagle is off for the same
/// reason: a small produce request must not wait for the previous one's TCP ack.
pub fn producer(brokers: &str) -> anyhow::Result<FutureProducer> {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "0")
        .set("socket.nagle.disable", "true")
        .set("message.timeout.ms", "10000")
        .create()
        .context("Failed to create a Kafka producer")
}

/// Base settings of every consumer: manual offsets, start from the beginning, long polls.
///
/// `fetch.wait.max.ms = 500` (librdkafka's default): the broker answers a fetch as soon as
/// one byte is there (`fetch.min.bytes = 1`), so a record reaches its readers as fast
/// with a long poll as with a short one; the wait only bounds how often an *idle* reader
/// asks. At 10 ms, the dozen readers of an idle stack kept the broker at ~40 % of a core
/// (1,133 CPU ticks in 30 s, against 379–431 at 500 ms; projector 83 → 21, command-api
/// 165 → 78–86), CPU that a read-heavy load then lacks.
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
        .set("fetch.wait.max.ms", "500")
        // When the local queue is over its thresholds (a catch-up reads faster than the
        // handler folds), look again after 50 ms, not librdkafka's 1 s: with the default,
        // a writer restoring 1M records sat idle a third of the time with an empty queue.
        .set("fetch.queue.backoff.ms", "50")
        .set("socket.nagle.disable", "true")
        .set("enable.partition.eof", "false");
    config
}

/// The number of partitions of `topic`, failing if the topic does not exist.
pub fn partition_count(brokers: &str, topic: &str) -> anyhow::Result<i32> {
    let count = topics::partition_count_of(brokers, topic)?;
    anyhow::ensure!(count > 0, "topic {topic} does not exist");
    Ok(count)
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
