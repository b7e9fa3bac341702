//! The harness of log-consumer's tests: topics of their own on the shared real broker
//! (a unique prefix, so the `logs.*` subscription sees only this test's topics), a
//! scratch MariaDB database, the app in-process on port 0 (restartable), a producer, and
//! reads of `log_lines`, `log_parked`, `/metrics`, `/readyz` and committed offsets.

use std::collections::BTreeMap;
use std::time::Duration;

use log_consumer::config::Settings;
use log_consumer::startup::Application;
use platform::shutdown::Trigger;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};
use sqlx::MySqlPool;
use tokio::task::JoinHandle;

pub const DEADLINE: Duration = Duration::from_secs(45);

/// Polls `check` until it returns `Some`, failing the test at the deadline.
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    platform::testing::eventually_some(DEADLINE, check)
        .await
        .unwrap_or_else(|| panic!("timed out waiting for {what}"))
}

/// One test's world: settings, topics, database; apps come and go.
pub struct World {
    pub settings: Settings,
    pub pool: MySqlPool,
    producer: FutureProducer,
}

/// A running log-consumer.
pub struct RunningApp {
    pub base: String,
    trigger: Trigger,
    task: JoinHandle<anyhow::Result<()>>,
}

impl World {
    /// Creates `services`' log topics (one partition each, plus the consumer's own) and a
    /// scratch database; `loki_url` empty turns pushing off.
    pub async fn new(services: &[&str], loki_url: &str) -> Self {
        let brokers = platform::testing::shared_brokers().to_owned();
        let prefix = format!("lc{}.", platform::testing::unique_suffix());
        let topics: Vec<(String, i32)> = services
            .iter()
            .chain(&["log-consumer"])
            .map(|service| (format!("{prefix}logs.{service}"), 1))
            .collect();
        platform::testing::create_topics(&brokers, &topics);
        let url = platform::testing::scratch_database().await;
        let mut settings = Settings::load().expect("embedded settings");
        settings.http.port = 0;
        settings.kafka.brokers = brokers.clone();
        settings.kafka.topic_prefix = prefix;
        settings.database.url = url.clone();
        settings.loki.url = loki_url.to_owned();
        settings.loki.timeout_ms = 2000;
        settings.batch.max_wait_ms = 200;
        settings.retry.min_delay_ms = 20;
        settings.retry.max_delay_ms = 200;
        settings.probe.interval_ms = 100;
        let pool = MySqlPool::connect(&url).await.expect("scratch database");
        let producer = platform::kafka::producer(&brokers).expect("producer");
        Self {
            settings,
            pool,
            producer,
        }
    }

    pub fn topic(&self, service: &str) -> String {
        format!("{}logs.{service}", self.settings.kafka.topic_prefix)
    }

    pub async fn start(&self) -> RunningApp {
        let app = Application::build(self.settings.clone())
            .await
            .expect("log-consumer builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        let (trigger, shutdown) = platform::shutdown::channel();
        let task = tokio::spawn(app.run_until_stopped(shutdown));
        RunningApp {
            base,
            trigger,
            task,
        }
    }

    /// Appends raw payloads to `service`'s log topic; returns their offsets.
    pub async fn produce(&self, service: &str, payloads: &[Vec<u8>]) -> Vec<i64> {
        let topic = self.topic(service);
        let mut offsets = Vec::new();
        for payload in payloads {
            let delivery = self
                .producer
                .send(
                    FutureRecord::<(), _>::to(&topic).payload(payload),
                    Duration::from_secs(10),
                )
                .await
                .expect("produced");
            offsets.push(delivery.offset);
        }
        offsets
    }

    /// The group's committed offset of partition 0 of `service`'s topic, if any.
    pub fn committed(&self, service: &str) -> Option<i64> {
        let consumer: BaseConsumer = platform::kafka::consumer_config(
            &self.settings.kafka.brokers,
            &self.settings.group_id(),
        )
        .create()
        .expect("consumer");
        let mut list = TopicPartitionList::new();
        list.add_partition(&self.topic(service), 0);
        let committed = consumer
            .committed_offsets(list, Duration::from_secs(5))
            .expect("committed offsets");
        committed.elements().first().and_then(|e| match e.offset() {
            Offset::Offset(offset) => Some(offset),
            _ => None,
        })
    }

    /// `source_key` → (service, level, message, job_id?, trace_id?) of every line.
    pub async fn log_lines(&self) -> BTreeMap<String, LineRow> {
        let rows: Vec<LineRow> = sqlx::query_as(
            "SELECT source_key, service, level, message, job_id, trace_id, ts FROM log_lines",
        )
        .fetch_all(&self.pool)
        .await
        .expect("log_lines");
        rows.into_iter()
            .map(|row| (row.source_key.clone(), row))
            .collect()
    }

    /// (source_key, reason) of every parked record.
    pub async fn parked(&self) -> Vec<(String, String)> {
        sqlx::query_as("SELECT source_key, reason FROM log_parked ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .expect("log_parked")
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    pub source_key: String,
    pub service: String,
    pub level: String,
    pub message: String,
    pub job_id: Option<uuid::Uuid>,
    pub trace_id: Option<String>,
    pub ts: chrono::DateTime<chrono::Utc>,
}

impl RunningApp {
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = reqwest::get(format!("{}{path}", self.base))
            .await
            .expect("answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("text"))
    }

    /// The value of one exposition line (`name{labels}`), 0 when absent.
    pub async fn metric(&self, series: &str) -> f64 {
        let (_, body) = self.get("/metrics").await;
        body.lines()
            .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or(0.0)
    }

    /// Stops the app and waits for it; an uncommitted batch stays uncommitted.
    pub async fn stop(self) {
        self.trigger.fire();
        self.task
            .await
            .expect("joins")
            .expect("log-consumer stops cleanly");
    }
}

/// A valid record's JSON.
pub fn record(service: &str, level: &str, ts: &str, message: &str, extra: &str) -> Vec<u8> {
    format!(
        r#"{{"timestamp":"{ts}","level":"{level}","service":"{service}","environment":"test","message":"{message}","target":"t","log_schema_version":1{extra}}}"#
    )
    .into_bytes()
}
