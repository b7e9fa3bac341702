//! Reading a fixed range of a topic without a consumer group: watermarks, the offsets a
//! timestamp maps to (`offsets_for_times`), and a blocking reader of one partition from an
//! offset up to (not including) an end offset. For tools (the CLI's replay and export) and
//! tests; it never commits offsets and never joins a group, so it cannot disturb the
//! services' consumers.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use super::LogEntry;

const METADATA_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a reader waits for a record it knows exists before it gives up.
const STALL_TIMEOUT: Duration = Duration::from_secs(30);

fn client(brokers: &str) -> anyhow::Result<BaseConsumer> {
    // A group id is required by librdkafka's consumer, but nothing subscribes or commits.
    let group = format!("cg-range-{}", std::process::id());
    super::consumer_config(brokers, &group)
        .create()
        .context("Failed to create a Kafka client")
}

/// `(low, high)` watermarks of every partition of `topic`, by partition.
pub fn watermarks(brokers: &str, topic: &str) -> anyhow::Result<BTreeMap<i32, (i64, i64)>> {
    let partitions = super::partition_count(brokers, topic)?;
    let consumer = client(brokers)?;
    (0..partitions)
        .map(|p| {
            let marks = consumer
                .fetch_watermarks(topic, p, METADATA_TIMEOUT)
                .with_context(|| format!("Failed to read the watermarks of {topic}/{p}"))?;
            Ok((p, marks))
        })
        .collect()
}

/// Per partition, the first offset whose record was appended at or after `at_ms`; a
/// partition with no such record maps to its high watermark (nothing to read).
pub fn offsets_for_time(
    brokers: &str,
    topic: &str,
    at_ms: i64,
) -> anyhow::Result<BTreeMap<i32, i64>> {
    let marks = watermarks(brokers, topic)?;
    let mut query = TopicPartitionList::new();
    for p in marks.keys() {
        query.add_partition_offset(topic, *p, Offset::Offset(at_ms))?;
    }
    let consumer = client(brokers)?;
    let found = consumer
        .offsets_for_times(query, METADATA_TIMEOUT)
        .context("offsets_for_times failed")?;
    Ok(marks
        .iter()
        .map(|(p, (_, high))| {
            let offset = match found.find_partition(topic, *p).map(|e| e.offset()) {
                Some(Offset::Offset(o)) => o,
                _ => *high,
            };
            (*p, offset)
        })
        .collect())
}

/// A reader of one partition's records in `[from, end)`, in offset order.
pub struct RangeReader {
    consumer: BaseConsumer,
    partition: i32,
    next: i64,
    end: i64,
}

impl RangeReader {
    pub fn open(
        brokers: &str,
        topic: &str,
        partition: i32,
        from: i64,
        end: i64,
    ) -> anyhow::Result<Self> {
        let consumer = client(brokers)?;
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset(topic, partition, Offset::Offset(from))?;
        consumer.assign(&tpl)?;
        Ok(Self {
            consumer,
            partition,
            next: from,
            end,
        })
    }

    /// Up to `max` further records (blocking); `None` once `end` is reached.
    pub fn next_chunk(&mut self, max: usize) -> anyhow::Result<Option<Vec<LogEntry>>> {
        if self.next >= self.end {
            return Ok(None);
        }
        let mut chunk = Vec::new();
        let deadline = Instant::now() + STALL_TIMEOUT;
        let mut timeout = Duration::from_millis(500);
        while chunk.len() < max && self.next < self.end {
            match self.consumer.poll(timeout) {
                Some(message) => {
                    let entry = LogEntry::from_message(&message?);
                    self.next = entry.offset + 1;
                    if entry.offset < self.end {
                        chunk.push(entry);
                    }
                    timeout = Duration::ZERO;
                }
                None if !chunk.is_empty() => break,
                None => {
                    anyhow::ensure!(
                        Instant::now() < deadline,
                        "partition {} stalled at offset {} (reading up to {})",
                        self.partition,
                        self.next,
                        self.end
                    );
                    timeout = Duration::from_millis(500);
                }
            }
        }
        Ok(Some(chunk))
    }
}
