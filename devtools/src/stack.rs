//! `Stack::start()`: the three services of the write → log → read path in one process,
//! wired to each other through a real Kafka-protocol mock, real MariaDB and real Redis,
//! each on port 0 with names nobody else uses.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use platform::clock::ManualClock;
use platform::shutdown::Trigger;
use platform::testing::{MockKafka, eventually, scratch_database, unique_suffix};

pub const TOKEN: &str = "e2e-member-token-aaaaaaaa";
pub const OTHER_TOKEN: &str = "e2e-other-token-bbbbbbbbb";

/// Knobs of a stack.
#[derive(Debug, Clone)]
pub struct StackOptions {
    pub partitions: i32,
    /// Run the provisioner (on the manual clock).
    pub provisioner: bool,
}

impl Default for StackOptions {
    fn default() -> Self {
        Self {
            partitions: 4,
            provisioner: true,
        }
    }
}

pub struct Stack {
    pub mock: MockKafka,
    pub prefix: String,
    pub database_url: String,
    pub redis_prefix: String,
    pub command_url: String,
    pub query_url: String,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    pub options: StackOptions,
    /// Writers started so far, in order, for tests that stage a zombie.
    pub writers: Vec<command_api::writer::Writer>,
    triggers: Vec<Trigger>,
}

impl Stack {
    pub async fn start(options: StackOptions) -> anyhow::Result<Self> {
        let prefix = format!("e{}.", unique_suffix());
        let mock = MockKafka::start(&[(format!("{prefix}cluster-events"), options.partitions)]);
        let database_url = scratch_database().await;
        let redis_prefix = format!("cg:test:{}:", unique_suffix());
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
                .single()
                .expect("time"),
        ));
        let mut stack = Self {
            mock,
            prefix,
            database_url,
            redis_prefix,
            command_url: String::new(),
            query_url: String::new(),
            clock,
            client: reqwest::Client::new(),
            options,
            writers: Vec::new(),
            triggers: Vec::new(),
        };
        stack.start_projector().await?;
        stack.command_url = stack.start_command_api().await?;
        stack.query_url = stack.start_query_api().await?;
        stack.wait_ready(&stack.command_url.clone()).await?;
        stack.wait_ready(&stack.query_url.clone()).await?;
        Ok(stack)
    }

    pub fn tokens(&self) -> String {
        format!("{TOKEN}=alice:member;{OTHER_TOKEN}=bob:member")
    }

    fn kafka(&self) -> platform::config::KafkaSettings {
        platform::config::KafkaSettings {
            brokers: self.mock.bootstrap_servers().to_owned(),
            topic_prefix: self.prefix.clone(),
            partitions: self.options.partitions,
            create_topics: false,
        }
    }

    /// Starts (another) projector on this stack's database; returns its port.
    pub async fn start_projector(&mut self) -> anyhow::Result<u16> {
        let mut settings = projector::config::Settings::load()?;
        settings.http.port = 0;
        settings.kafka = self.kafka();
        settings.database.url = self.database_url.clone();
        settings.redis.url = platform::testing::redis_url();
        settings.redis.key_prefix = self.redis_prefix.clone();
        settings.projector.group_id = format!("projector-{}", unique_suffix());
        let app = projector::startup::Application::build(settings).await?;
        let port = app.port();
        let (trigger, shutdown) = platform::shutdown::channel();
        tokio::spawn(app.run_until_stopped(shutdown));
        self.triggers.push(trigger);
        Ok(port)
    }

    /// Starts a command-api writer in a consumer group of its own; returns its base URL.
    pub async fn start_command_api(&mut self) -> anyhow::Result<String> {
        let mut settings = command_api::config::Settings::load()?;
        settings.http.port = 0;
        settings.kafka = self.kafka();
        settings.writer.group_id = format!("command-api-{}", unique_suffix());
        settings.redis.url = platform::testing::redis_url();
        settings.redis.key_prefix = self.redis_prefix.clone();
        settings.provisioner.enabled = self.options.provisioner;
        settings.provisioner.tick_ms = 20;
        settings.auth.tokens = self.tokens();
        let app = command_api::startup::Application::build(settings, self.clock.clone()).await?;
        let url = format!("http://127.0.0.1:{}", app.port());
        self.writers.push(app.writer());
        let (trigger, shutdown) = platform::shutdown::channel();
        tokio::spawn(app.run_until_stopped(shutdown));
        self.triggers.push(trigger);
        self.wait_ready(&url).await?;
        Ok(url)
    }

    async fn start_query_api(&mut self) -> anyhow::Result<String> {
        let mut settings = query_api::config::Settings::load()?;
        settings.http.port = 0;
        settings.kafka = self.kafka();
        settings.database.url = self.database_url.clone();
        settings.redis.url = platform::testing::redis_url();
        settings.redis.key_prefix = self.redis_prefix.clone();
        settings.auth.tokens = self.tokens();
        settings.command_api_url = self.command_url.clone();
        settings.web_dir = "/nonexistent".into();
        let app = query_api::startup::Application::build(settings).await?;
        let url = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        Ok(url)
    }

    async fn wait_ready(&self, base: &str) -> anyhow::Result<()> {
        let ready = eventually(Duration::from_secs(60), || async {
            let response = self.client.get(format!("{base}/readyz")).send().await;
            response.is_ok_and(|r| r.status() == 200)
        })
        .await;
        anyhow::ensure!(ready, "{base} did not become ready");
        Ok(())
    }

    pub fn topic(&self) -> String {
        format!("{}cluster-events", self.prefix)
    }

    /// A request to command-api as alice.
    pub fn command(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.command_url))
            .bearer_auth(TOKEN)
    }

    /// A read through query-api as alice that must reflect the positions in `token`.
    pub fn query_after(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.query(path).header("X-Min-Consistency-Token", token)
    }

    /// A request to query-api as alice.
    pub fn query(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .get(format!("{}{path}", self.query_url))
            .bearer_auth(TOKEN)
    }
}
