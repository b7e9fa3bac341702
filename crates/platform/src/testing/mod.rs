//! Test support (feature `testing`): real Apache Kafka (`kafka.rs`: the shared test
//! broker, per-test topics, private brokers for crash tests), librdkafka's mock cluster
//! for the few tests that need fault injection a real broker cannot give, scratch
//! MariaDB databases and unique names. Tests find the real MariaDB and Redis through
//! `CG_TEST_DATABASE_URL` / `CG_TEST_REDIS_URL` (defaults: local root, local Redis) and
//! fail loudly when they are not there; they never skip.

mod kafka;

pub use kafka::{PrivateBroker, TestKafka, create_topics, repo_root, shared_brokers};

use std::sync::mpsc;
use std::thread::JoinHandle;

use rdkafka::mocking::MockCluster;
use sqlx::Connection;
use sqlx::mysql::MySqlConnection;

/// A mock Kafka cluster living on a thread of its own (its handle is not `Send`). Only
/// for fault injection a real broker cannot give; everything else uses [`TestKafka`].
pub struct MockKafka {
    bootstrap: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl MockKafka {
    /// Starts a one-broker mock with the given topics created.
    pub fn start(topics: &[(String, i32)]) -> Self {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let topics = topics.to_vec();
        let thread = std::thread::spawn(move || {
            let mock = MockCluster::new(1).expect("mock cluster starts");
            for (name, partitions) in &topics {
                mock.create_topic(name, *partitions, 1)
                    .expect("mock topic is created");
            }
            ready_tx
                .send(mock.bootstrap_servers())
                .expect("test is waiting");
            let _ = stop_rx.recv();
        });
        let bootstrap = ready_rx.recv().expect("mock cluster reports its address");
        Self {
            bootstrap,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn bootstrap_servers(&self) -> &str {
        &self.bootstrap
    }
}

impl Drop for MockKafka {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Base URL of the test MariaDB server, without a database.
pub fn database_server_url() -> String {
    std::env::var("CG_TEST_DATABASE_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

pub fn redis_url() -> String {
    std::env::var("CG_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// The server-side id of a Redis connection (`CLIENT ID`).
pub async fn redis_client_id(conn: &mut impl redis::aio::ConnectionLike) -> i64 {
    redis::cmd("CLIENT")
        .arg("ID")
        .query_async(conn)
        .await
        .expect("CLIENT ID")
}

/// Makes the test Redis drop the connection `id`, as a restart or a network fault would.
pub async fn kill_redis_client(id: i64) {
    let mut killer = redis::Client::open(redis_url())
        .expect("client")
        .get_multiplexed_async_connection()
        .await
        .expect("a second connection");
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("ID")
        .arg(id)
        .query_async(&mut killer)
        .await
        .expect("CLIENT KILL");
    assert_eq!(killed, 1, "Redis dropped connection {id}");
}

/// A short unique suffix for names (databases, topics, key prefixes).
pub fn unique_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

/// Creates an empty database and returns its URL. Panics with a clear message when
/// MariaDB is not reachable: a test that needs it must not pass without it.
pub async fn scratch_database() -> String {
    let server = database_server_url();
    let name = format!("cg_test_{}", unique_suffix());
    let mut conn = MySqlConnection::connect(&server).await.unwrap_or_else(|e| {
        panic!("MariaDB must be running at {server} (make test starts it): {e}")
    });
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
        .execute(&mut conn)
        .await
        .expect("scratch database is created");
    format!("{server}/{name}")
}

/// Every record of `topic`, partition by partition in offset order, read up to the high
/// watermark observed when the call starts. For asserting what was (not) appended.
pub fn read_topic(bootstrap: &str, topic: &str) -> Vec<crate::kafka::LogEntry> {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::message::Message;
    use std::time::{Duration, Instant};

    let partitions = crate::kafka::partition_count(bootstrap, topic).expect("topic exists");
    let config =
        crate::kafka::consumer_config(bootstrap, &format!("read-topic-{}", unique_suffix()));
    let consumer: BaseConsumer = config.create().expect("consumer");
    let mut entries = Vec::new();
    for partition in 0..partitions {
        let (_, high) = consumer
            .fetch_watermarks(topic, partition, Duration::from_secs(10))
            .expect("watermarks");
        if high == 0 {
            continue;
        }
        let mut tpl = rdkafka::TopicPartitionList::new();
        tpl.add_partition_offset(topic, partition, rdkafka::Offset::Beginning)
            .expect("offset");
        consumer.assign(&tpl).expect("assign");
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut next = 0;
        while next < high {
            assert!(
                Instant::now() < deadline,
                "reading {topic}/{partition} timed out at {next} of {high}"
            );
            let Some(message) = consumer.poll(Duration::from_millis(200)) else {
                continue;
            };
            let message = message.expect("readable record");
            next = message.offset() + 1;
            entries.push(crate::kafka::LogEntry::from_message(&message));
        }
    }
    entries
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
pub async fn eventually<F, Fut>(timeout: std::time::Duration, mut condition: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    eventually_some(timeout, || {
        let check = condition();
        async move { check.await.then_some(()) }
    })
    .await
    .is_some()
}

/// Polls `check` until it yields a value or `timeout` passes.
pub async fn eventually_some<T, F, Fut>(timeout: std::time::Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        // A poll interval, not a synchronisation point: the check decides.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Asserts that `response` is an RFC 9457 problem with `status` and `code`, carrying the
/// request id it was answered with, and returns the body.
pub async fn assert_problem(
    response: reqwest::Response,
    status: u16,
    code: &str,
) -> serde_json::Value {
    assert_eq!(
        response.status().as_u16(),
        status,
        "status of a {code} problem"
    );
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with(crate::problem::CONTENT_TYPE),
        "{content_type}"
    );
    let request_id =
        header(crate::request_id::HEADER).expect("every response carries X-Request-Id");
    let body: serde_json::Value = response.json().await.expect("a JSON problem body");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["request_id"], request_id.as_str(), "{body}");
    conforms::<contract::problem::Problem>(&body);
    body
}

/// Asserts that `body` is exactly a `T` of the published contract: nothing missing,
/// nothing extra (contract types deny unknown fields), and returns it typed.
pub fn conforms<T: serde::de::DeserializeOwned>(body: &serde_json::Value) -> T {
    match serde_json::from_value::<T>(body.clone()) {
        Ok(typed) => typed,
        Err(e) => panic!(
            "body is not a {}: {e}\n{body:#}",
            std::any::type_name::<T>()
        ),
    }
}

/// The high watermark (next offset) of every partition of `topic`.
pub fn high_watermarks(brokers: &str, topic: &str) -> Vec<i64> {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let partitions = crate::kafka::partition_count(brokers, topic).expect("topic exists");
    let config = crate::kafka::consumer_config(brokers, &format!("watermarks-{}", unique_suffix()));
    let consumer: BaseConsumer = config.create().expect("consumer");
    (0..partitions)
        .map(|p| {
            consumer
                .fetch_watermarks(topic, p, std::time::Duration::from_secs(10))
                .expect("watermarks")
                .1
        })
        .collect()
}

/// Whole-table checksums, shared with the CLI's `verify` (moved to `platform::checksum`).
pub use crate::checksum::table_checksums;
