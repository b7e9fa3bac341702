//! The topics ClusterGenie owns and how they are created: explicit partition counts and
//! settings (infinite retention for the event log, time retention for logs), created
//! through the AdminClient and verified afterwards. A topic that exists with another
//! partition count is a configuration error, never silently accepted.

use std::time::Duration;

use anyhow::Context;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::types::RDKafkaErrorCode;

use crate::config::KafkaSettings;

/// How long log topics keep their records (7 days).
const LOG_RETENTION_MS: &str = "604800000";
const ADMIN_TIMEOUT: Duration = Duration::from_secs(10);

/// One topic as ClusterGenie wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
    pub replication: i32,
    pub configs: Vec<(&'static str, String)>,
}

impl TopicSpec {
    /// `cluster-events`: the domain log. Fixed partition count, kept forever, never
    /// compacted; writes need the in-sync replicas a production cluster would demand.
    pub fn events(settings: &KafkaSettings) -> Self {
        Self {
            name: settings.events_topic(),
            partitions: settings.partitions,
            replication: settings.replication_factor,
            configs: vec![
                ("cleanup.policy", "delete".into()),
                ("retention.ms", "-1".into()),
                ("retention.bytes", "-1".into()),
                ("min.insync.replicas", min_insync(settings).to_string()),
                ("unclean.leader.election.enable", "false".into()),
            ],
        }
    }

    /// `cluster-events.snapshots`: command-api's write-model snapshots, partition p
    /// covering partition p of the log. Compacted: only the newest manifest per partition
    /// and the chunks it names are worth keeping; tombstoned chunks go away. A snapshot is
    /// an optimisation, never the truth, so losing it costs a full replay only.
    pub fn snapshots(settings: &KafkaSettings) -> Self {
        Self {
            name: settings.snapshots_topic(),
            partitions: settings.partitions,
            replication: settings.replication_factor,
            configs: vec![
                ("cleanup.policy", "compact".into()),
                ("retention.ms", "-1".into()),
                ("min.insync.replicas", min_insync(settings).to_string()),
                ("unclean.leader.election.enable", "false".into()),
            ],
        }
    }

    /// `metrics.samples`: node telemetry (not domain events), keyed by cluster id, kept
    /// for a week; the projector's read model enforces the shorter retention window.
    pub fn metrics_samples(settings: &KafkaSettings) -> Self {
        Self {
            name: format!("{}metrics.samples", settings.topic_prefix),
            partitions: settings.partitions,
            replication: settings.replication_factor,
            configs: vec![
                ("cleanup.policy", "delete".into()),
                ("retention.ms", LOG_RETENTION_MS.into()),
                ("min.insync.replicas", min_insync(settings).to_string()),
            ],
        }
    }

    /// `logs.<service>`: structured logs, kept for a week.
    pub fn logs(settings: &KafkaSettings, service: &str) -> Self {
        Self {
            name: format!("{}logs.{service}", settings.topic_prefix),
            partitions: 1,
            replication: settings.replication_factor,
            configs: vec![
                ("cleanup.policy", "delete".into()),
                ("retention.ms", LOG_RETENTION_MS.into()),
                ("min.insync.replicas", min_insync(settings).to_string()),
            ],
        }
    }
}

/// One fewer than the replicas, at least one: a single-node dev broker takes writes,
/// a three-replica cluster needs two in sync (acks=all then means something).
fn min_insync(settings: &KafkaSettings) -> i32 {
    (settings.replication_factor - 1).max(1)
}

/// Why topics could not be ensured: worth retrying, or a configuration error.
#[derive(Debug, thiserror::Error)]
pub enum TopicError {
    #[error("the broker is not reachable: {0:#}")]
    Unreachable(anyhow::Error),
    #[error("{0}")]
    Misconfigured(String),
}

/// Creates the missing topics of `specs` and checks every one's partition count.
/// Topics that exist already are only verified, so brokers without a CreateTopics
/// handler (the in-memory dev broker, which creates its own) work too. Every look-up
/// goes through one metadata client: a client per topic cost a bootstrap connection
/// each, most of a service's start-up.
pub async fn ensure_topics(brokers: &str, specs: &[TopicSpec]) -> Result<(), TopicError> {
    let counts = existing_partitions(brokers, specs).await?;
    let missing: Vec<&TopicSpec> = specs
        .iter()
        .zip(&counts)
        .filter(|(_, count)| **count == 0)
        .map(|(spec, _)| spec)
        .collect();
    if missing.is_empty() {
        return specs
            .iter()
            .zip(counts)
            .try_for_each(|(spec, count)| check_count(spec, count));
    }
    create(brokers, &missing).await?;
    verify(brokers, specs).await
}

async fn create(brokers: &str, specs: &[&TopicSpec]) -> Result<(), TopicError> {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .map_err(|e| TopicError::Unreachable(e.into()))?;
    let new: Vec<NewTopic> = specs.iter().map(|s| new_topic(s)).collect();
    let options = AdminOptions::new()
        .operation_timeout(Some(ADMIN_TIMEOUT))
        .request_timeout(Some(ADMIN_TIMEOUT));
    let results = admin
        .create_topics(&new, &options)
        .await
        .map_err(|e| TopicError::Unreachable(e.into()))?;
    for result in results {
        match result {
            Ok(topic) => tracing::info!(topic, "topic created"),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) if is_misconfiguration(code) => {
                return Err(TopicError::Misconfigured(format!(
                    "topic {topic} cannot be created: {code}"
                )));
            }
            Err((topic, code)) => {
                return Err(TopicError::Unreachable(anyhow::anyhow!(
                    "creating topic {topic}: {code}"
                )));
            }
        }
    }
    Ok(())
}

fn new_topic(spec: &TopicSpec) -> NewTopic<'_> {
    let mut topic = NewTopic::new(
        &spec.name,
        spec.partitions,
        TopicReplication::Fixed(spec.replication),
    );
    for (key, value) in &spec.configs {
        topic = topic.set(key, value);
    }
    topic
}

fn is_misconfiguration(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::InvalidPartitions
            | RDKafkaErrorCode::InvalidReplicationFactor
            | RDKafkaErrorCode::InvalidConfig
            | RDKafkaErrorCode::InvalidTopic
            | RDKafkaErrorCode::PolicyViolation
    )
}

/// A topic that exists with another partition count would move aggregates between
/// partitions: refuse to run on it. A topic just created may take a moment to show up
/// in the metadata; until it does, that is worth retrying, not an error.
async fn verify(brokers: &str, specs: &[TopicSpec]) -> Result<(), TopicError> {
    let deadline = tokio::time::Instant::now() + ADMIN_TIMEOUT;
    let counts = loop {
        let counts = existing_partitions(brokers, specs).await?;
        if counts.iter().all(|c| *c > 0) || tokio::time::Instant::now() >= deadline {
            break counts;
        }
        // A poll interval while the metadata propagates, not synchronisation.
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    specs
        .iter()
        .zip(counts)
        .try_for_each(|(spec, count)| check_count(spec, count))
}

fn check_count(spec: &TopicSpec, count: i32) -> Result<(), TopicError> {
    if count == 0 {
        return Err(TopicError::Unreachable(anyhow::anyhow!(
            "topic {} does not show up in the metadata yet",
            spec.name
        )));
    }
    if count != spec.partitions {
        return Err(TopicError::Misconfigured(format!(
            "topic {} has {count} partitions, configured {} (the count is fixed for the life of the topic)",
            spec.name, spec.partitions
        )));
    }
    Ok(())
}

/// The partition count of each of `specs`' topics, in order (0 = does not exist).
async fn existing_partitions(brokers: &str, specs: &[TopicSpec]) -> Result<Vec<i32>, TopicError> {
    let brokers = brokers.to_owned();
    let topics: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    tokio::task::spawn_blocking(move || partition_counts_of(&brokers, &topics))
        .await
        .map_err(|e| TopicError::Unreachable(e.into()))?
        .map_err(TopicError::Unreachable)
}

/// The partition count of `topic` (0 when it does not exist).
pub fn partition_count_of(brokers: &str, topic: &str) -> anyhow::Result<i32> {
    Ok(partition_counts_of(brokers, &[topic.to_owned()])?[0])
}

/// The partition count of each of `topics`, in order (0 = does not exist), asked through
/// one client.
fn partition_counts_of(brokers: &str, topics: &[String]) -> anyhow::Result<Vec<i32>> {
    let consumer: BaseConsumer = super::consumer_config(brokers, "cg-metadata").create()?;
    topics
        .iter()
        .map(|topic| {
            let metadata = consumer
                .fetch_metadata(Some(topic), Duration::from_secs(10))
                .with_context(|| format!("Failed to fetch metadata of topic {topic}"))?;
            let count = metadata
                .topics()
                .first()
                .filter(|t| t.error().is_none())
                .map_or(0, |t| t.partitions().len());
            Ok(count as i32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(replication_factor: i32) -> KafkaSettings {
        KafkaSettings {
            brokers: String::new(),
            topic_prefix: "t.".into(),
            partitions: 12,
            replication_factor,
        }
    }

    #[test]
    fn the_event_log_is_kept_forever_with_a_safe_isr() {
        let spec = TopicSpec::events(&settings(3));
        assert_eq!(
            (spec.name.as_str(), spec.partitions),
            ("t.cluster-events", 12)
        );
        let config = |k: &str| {
            spec.configs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(config("retention.ms"), Some("-1"));
        assert_eq!(config("min.insync.replicas"), Some("2"));
        assert_eq!(config("unclean.leader.election.enable"), Some("false"));
    }

    #[test]
    fn snapshots_sit_beside_the_log_they_cover_and_are_compacted() {
        let spec = TopicSpec::snapshots(&settings(1));
        assert_eq!(
            (spec.name.as_str(), spec.partitions),
            ("t.cluster-events.snapshots", 12)
        );
        assert!(spec.configs.contains(&("cleanup.policy", "compact".into())));
    }

    #[test]
    fn a_single_broker_needs_one_in_sync_replica() {
        let spec = TopicSpec::logs(&settings(1), "projector");
        assert_eq!(spec.name, "t.logs.projector");
        assert!(spec.configs.contains(&("min.insync.replicas", "1".into())));
    }
}
