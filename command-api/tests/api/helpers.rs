//! `spawn_app()` and friends: a real command-api on port 0 against Apache Kafka
//! (the shared test broker, a topic per test), with a manual clock; typed request helpers and log inspection.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use command_api::config::Settings;
use command_api::startup::Application;
use command_api::writer::Writer;
use domain::record::{Batch, Record};
use platform::clock::ManualClock;
use platform::kafka::LogEntry;
use platform::shutdown::Trigger;
use platform::testing::{TestKafka, eventually, read_topic, unique_suffix};
use serde_json::{Value, json};

pub const PARTITIONS: i32 = 4;
pub const MEMBER: &str = "member-token-aaaaaaaa";
pub const OTHER: &str = "other-token-bbbbbbbbb";
pub const VIEWER: &str = "viewer-token-cccccccc";
pub const ADMIN: &str = "admin-token-dddddddddd";

/// A running command-api and what a test needs around it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub writer: Writer,
    pub window: command_api::telemetry::window::SampleWindow,
    _trigger: Trigger,
}

/// The shared broker with one `cluster-events` topic of this test, shared by the apps of one test.
pub struct Log {
    pub kafka: TestKafka,
    pub prefix: String,
    /// Redis prefix shared by the writers of one test (their ownership directory).
    pub redis_prefix: String,
}

impl Log {
    pub fn start() -> Self {
        let prefix = format!("t{}.", unique_suffix());
        let kafka = TestKafka::start(&[(format!("{prefix}cluster-events"), PARTITIONS)]);
        Self {
            kafka,
            prefix,
            redis_prefix: format!("cg:test:{}:", unique_suffix()),
        }
    }

    pub fn topic(&self) -> String {
        format!("{}cluster-events", self.prefix)
    }

    pub fn records(&self) -> Vec<LogEntry> {
        read_topic(self.kafka.bootstrap_servers(), &self.topic())
    }

    /// Decoded event batches for one aggregate, in log order.
    pub fn batches_of(&self, aggregate_id: &str) -> Vec<Batch> {
        self.records()
            .into_iter()
            .filter_map(|e| match proto::decode_record(e.value.as_deref()?) {
                Ok(Record::Batch(b)) if b.header.aggregate_id.to_string() == aggregate_id => {
                    Some(b)
                }
                _ => None,
            })
            .collect()
    }
}

pub fn settings(log: &Log, provisioner: bool) -> Settings {
    let mut settings = Settings::load().expect("embedded settings load");
    settings.http.port = 0;
    settings.kafka.brokers = log.kafka.bootstrap_servers().to_owned();
    settings.kafka.topic_prefix = log.prefix.clone();
    settings.kafka.partitions = PARTITIONS;
    settings.writer.group_id = format!("command-api-{}", unique_suffix());
    settings.redis.url = platform::testing::redis_url();
    settings.redis.key_prefix = log.redis_prefix.clone();
    settings.provisioner.enabled = provisioner;
    settings.provisioner.tick_ms = 20;
    settings.auth.tokens = format!(
        "{MEMBER}=alice:member;{OTHER}=bob:member;{VIEWER}=victor:viewer;{ADMIN}=root:admin"
    );
    // Limits are tested where they are the subject; elsewhere they must never bind.
    settings.rate_limit.quota_scale = Some(1000);
    // A loaded test machine must not push the limiter into its fallback.
    settings.rate_limit.redis_timeout_ms = Some(5_000);
    // Deployment failures are injected where they are the subject, never by chance.
    settings.deployments.failure_rate = 0.0;
    settings
}

pub async fn spawn_app(log: &Log) -> TestApp {
    spawn_with(settings(log, true)).await
}

pub async fn spawn_with(settings: Settings) -> TestApp {
    platform::telemetry::init(
        "command-api-test",
        if std::env::var("TEST_LOG").is_ok() {
            "debug"
        } else {
            "off"
        },
    );
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
            .single()
            .expect("time"),
    ));
    let application = Application::build(settings, clock.clone())
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let writer = application.writer();
    let window = application.sample_window();
    let (trigger, shutdown) = platform::shutdown::channel();
    tokio::spawn(application.run_until_stopped(shutdown));
    let app = TestApp {
        address,
        client: reqwest::Client::new(),
        clock,
        writer,
        window,
        _trigger: trigger,
    };
    app.wait_until_ready().await;
    app
}

impl TestApp {
    pub async fn wait_until_ready(&self) {
        let ready = eventually(Duration::from_secs(60), || async {
            let response = self
                .client
                .get(format!("{}/readyz", self.address))
                .send()
                .await;
            response.is_ok_and(|r| r.status() == 200)
        })
        .await;
        assert!(
            ready,
            "command-api did not become ready (all partitions served) in time"
        );
    }

    /// The value of a label-less metric from this app's `/metrics`.
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self
            .client
            .get(format!("{}/metrics", self.address))
            .send()
            .await
            .expect("metrics");
        let text = text.text().await.expect("text");
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next()?.parse().ok())
            .unwrap_or(0.0)
    }

    pub fn post(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{path}", self.address))
            .bearer_auth(token)
    }

    pub fn delete(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client
            .delete(format!("{}{path}", self.address))
            .bearer_auth(token)
    }

    /// Creates a droplet as alice and returns (id, response body).
    pub async fn create_droplet(&self, name: &str) -> (String, Value) {
        let response = self
            .post("/api/v1/droplets", MEMBER)
            .json(&droplet_body(name))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 202, "create failed");
        let body: Value = response.json().await.expect("json");
        (body["droplet"]["id"].as_str().expect("id").to_owned(), body)
    }

    pub async fn action(
        &self,
        id: &str,
        action: Value,
        if_match: Option<u64>,
    ) -> reqwest::Response {
        let mut request = self
            .post(&format!("/api/v1/droplets/{id}/actions"), MEMBER)
            .json(&action);
        if let Some(version) = if_match {
            request = request.header("If-Match", format!("\"{version}\""));
        }
        request.send().await.expect("request")
    }
}

pub fn droplet_body(name: &str) -> Value {
    json!({"name": name, "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": ["env:test"]})
}
