//! The Kafka side: one group member subscribed by regex to every `<prefix>logs.*` topic
//! (new services' topics are found within the metadata refresh interval), manual offset
//! commits after a batch is shipped, and the committed offsets and watermarks the lag
//! probe reads. It never commits an offset on its own (`enable.auto.commit=false`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::{Offset, TopicPartitionList};

use crate::config::Settings;

/// How often the regex subscription looks for new `logs.*` topics.
const METADATA_REFRESH_MS: &str = "5000";

/// The regex subscription of every log topic under `prefix`.
pub fn subscription(prefix: &str) -> String {
    let escaped: String = prefix
        .chars()
        .map(|c| {
            if r".^$|()[]{}*+?\".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect();
    format!("^{escaped}logs\\..+")
}

/// The group member, shared by the shipping loop and the probe.
pub type Source = Arc<StreamConsumer>;

/// Creates the consumer and subscribes; needs no broker yet (librdkafka connects lazily).
pub fn subscribe(settings: &Settings) -> anyhow::Result<Source> {
    let mut config =
        platform::kafka::consumer_config(&settings.kafka.brokers, &settings.group_id());
    config.set("topic.metadata.refresh.interval.ms", METADATA_REFRESH_MS);
    let consumer: StreamConsumer = config
        .create()
        .context("Failed to create the log consumer")?;
    let pattern = subscription(&settings.kafka.topic_prefix);
    consumer
        .subscribe(&[pattern.as_str()])
        .with_context(|| format!("Failed to subscribe to {pattern}"))?;
    Ok(Arc::new(consumer))
}

/// Commits `next` ((topic, partition) → next offset) synchronously, off the runtime.
pub async fn commit(source: &Source, next: BTreeMap<(String, i32), i64>) -> anyhow::Result<()> {
    let mut list = TopicPartitionList::new();
    for ((topic, partition), offset) in next {
        list.add_partition_offset(&topic, partition, Offset::Offset(offset))?;
    }
    let source = Arc::clone(source);
    tokio::task::spawn_blocking(move || source.commit(&list, CommitMode::Sync))
        .await?
        .context("Failed to commit offsets")
}

/// One partition's lag: the high watermark minus the committed offset (or the low
/// watermark when nothing is committed yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLag {
    pub topic: String,
    pub partition: i32,
    pub records: i64,
}

/// The lag of every assigned partition. Blocking: call on a blocking thread.
pub fn lag(source: &StreamConsumer, timeout: Duration) -> anyhow::Result<Vec<PartitionLag>> {
    let assigned = source.assignment()?;
    if assigned.count() == 0 {
        return Ok(Vec::new());
    }
    let committed = source.committed_offsets(assigned, timeout)?;
    let mut lags = Vec::new();
    for element in committed.elements() {
        let (low, high) = source.fetch_watermarks(element.topic(), element.partition(), timeout)?;
        let from = match element.offset() {
            Offset::Offset(offset) => offset,
            _ => low,
        };
        lags.push(PartitionLag {
            topic: element.topic().to_owned(),
            partition: element.partition(),
            records: (high - from).max(0),
        });
    }
    Ok(lags)
}

/// Whether the brokers answer a metadata request. Blocking.
pub fn metadata_ok(source: &StreamConsumer, timeout: Duration) -> Result<(), String> {
    source
        .fetch_metadata(None, timeout)
        .map(|_| ())
        .map_err(|error| format!("Kafka metadata fetch failed: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subscription_escapes_the_prefix() {
        assert_eq!(subscription(""), "^logs\\..+");
        assert_eq!(subscription("t1-a."), "^t1-a\\.logs\\..+");
    }
}
