//! Test harness: an isolated environment per test (its own topic on the shared Kafka, a
//! scratch MariaDB database, Redis and group prefixes), an in-process projector and
//! polling helpers with deadlines. It never sleeps to synchronise: it polls a condition.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Once;
use std::time::Duration;

use platform::kafka::partition_for;
use platform::shutdown::Trigger;
use platform::testing::{TestKafka, redis_url, scratch_database, unique_suffix};
use projector::config::{BASE, Settings};
use projector::startup::Application;
use rdkafka::message::OwnedHeaders;
use rdkafka::producer::{FutureProducer, FutureRecord};
use sqlx::MySqlPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinHandle;

use crate::records::TestRecord;

pub const PARTITIONS: i32 = 4;
pub const DEADLINE: Duration = Duration::from_secs(60);

/// One test's private world. Fields drop in order: the producer before the broker handle.
pub struct TestEnv {
    producer: FutureProducer,
    pub topic_prefix: String,
    pub redis_prefix: String,
    pub group: String,
    pub kafka: TestKafka,
}

impl TestEnv {
    pub fn new() -> Self {
        Self::with_partitions(PARTITIONS)
    }

    pub fn with_partitions(partitions: i32) -> Self {
        init_tracing();
        let suffix = unique_suffix();
        let topic_prefix = format!("t{suffix}.");
        let kafka = TestKafka::start(&[(format!("{topic_prefix}cluster-events"), partitions)]);
        let producer = platform::kafka::producer(kafka.bootstrap_servers()).expect("producer");
        Self {
            producer,
            topic_prefix,
            redis_prefix: format!("test:{suffix}:"),
            group: format!("projector-{suffix}"),
            kafka,
        }
    }

    pub fn topic(&self) -> String {
        format!("{}cluster-events", self.topic_prefix)
    }

    /// Produces one record to its explicit partition; returns its offset.
    pub async fn produce(&self, record: &TestRecord) -> i64 {
        let mut headers = OwnedHeaders::new();
        for (key, value) in &record.headers {
            headers = headers.insert(rdkafka::message::Header {
                key,
                value: Some(value.as_bytes()),
            });
        }
        let topic = self.topic();
        let delivery = self
            .producer
            .send(
                FutureRecord::to(&topic)
                    .partition(record.partition)
                    .key(&record.key)
                    .payload(&record.value)
                    .headers(headers),
                Duration::from_secs(10),
            )
            .await
            .map_err(|(e, _)| e)
            .expect("record is delivered");
        delivery.offset
    }

    /// Settings pointing at this environment and at `database_url`.
    pub fn settings(&self, database_url: &str, group: &str) -> Settings {
        let mut settings: Settings = platform::config::load(BASE).expect("settings");
        settings.http.port = 0;
        settings.kafka.brokers = self.kafka.bootstrap_servers().to_owned();
        settings.kafka.topic_prefix = self.topic_prefix.clone();
        settings.kafka.partitions = PARTITIONS;
        settings.database.url = database_url.to_owned();
        settings.database.max_connections = 4;
        settings.redis.url = redis_url();
        settings.redis.key_prefix = self.redis_prefix.clone();
        settings.projector.group_id = group.to_owned();
        settings.projector.lag_interval_ms = 200;
        settings
    }

    /// A projector on a fresh scratch database.
    pub async fn spawn_app(&self) -> TestApp {
        let database_url = scratch_database().await;
        self.spawn_app_on(&database_url, &self.group).await
    }

    pub async fn spawn_app_on(&self, database_url: &str, group: &str) -> TestApp {
        let application = Application::build(self.settings(database_url, group))
            .await
            .expect("projector builds");
        let port = application.port();
        let (trigger, shutdown) = platform::shutdown::channel();
        let task = tokio::spawn(application.run_until_stopped(shutdown));
        let pool = MySqlPool::connect(database_url).await.expect("test pool");
        TestApp {
            port,
            pool,
            database_url: database_url.to_owned(),
            trigger,
            task,
        }
    }
}

/// A running in-process projector.
pub struct TestApp {
    pub port: u16,
    pub pool: MySqlPool,
    pub database_url: String,
    trigger: Trigger,
    task: JoinHandle<anyhow::Result<()>>,
}

impl TestApp {
    /// Fires shutdown and waits for a clean stop.
    pub async fn stop(self) {
        self.trigger.fire();
        self.task.await.expect("no panic").expect("clean stop");
    }

    /// `(status, body)` of a GET on the projector's HTTP port.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connects");
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("request sent");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .await
            .expect("response read");
        let status = response[9..12].parse().expect("status code");
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    /// The value of one metric series line (`name{labels}`) in `/metrics`, 0 if absent.
    pub async fn metric(&self, series: &str) -> f64 {
        let (_, body) = self.get("/metrics").await;
        body.lines()
            .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or(0.0)
    }
}

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

/// A scratch database of its own with every migration applied, for tests that apply
/// records without a running projector (replay, `batch::apply_live_runs`).
pub async fn migrated_store() -> MySqlPool {
    let pool = MySqlPool::connect(&scratch_database().await).await.unwrap();
    platform::db::migrate(&pool).await.unwrap();
    pool
}

/// `next_offset` per partition.
pub async fn checkpoints(pool: &MySqlPool) -> BTreeMap<i32, i64> {
    projector::checkpoint::all(pool, views::PROJECTION)
        .await
        .expect("checkpoints")
        .into_iter()
        .collect()
}

/// Waits until every partition in `ends` has reached its end offset.
pub async fn wait_for_offsets(pool: &MySqlPool, ends: &BTreeMap<i32, i64>) {
    eventually("checkpoints to reach the end", || async {
        let done = checkpoints(pool).await;
        ends.iter()
            .all(|(p, end)| done.get(p).copied().unwrap_or(0) >= *end)
            .then_some(())
    })
    .await;
}

pub fn partition_of(key: &str) -> i32 {
    partition_for(key.as_bytes(), PARTITIONS)
}

fn init_tracing() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            platform::telemetry::init("projector-test", "info");
        }
    });
}
