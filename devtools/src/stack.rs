//! `Stack::start()`: the three services of the write → log → read path in one process,
//! wired to each other through Apache Kafka (topics of their own), real MariaDB and real Redis,
//! each on port 0 with names nobody else uses.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use platform::clock::ManualClock;
use platform::shutdown::Trigger;
use platform::testing::{
    create_topics, eventually, scratch_database, shared_brokers, unique_suffix,
};
use tokio::task::JoinHandle;

pub const TOKEN: &str = "e2e-member-token-aaaaaaaa";
pub const OTHER_TOKEN: &str = "e2e-other-token-bbbbbbbbb";
pub const ADMIN_TOKEN: &str = "e2e-admin-token-ccccccccc";

/// Knobs of a stack.
#[derive(Debug, Clone)]
pub struct StackOptions {
    pub partitions: i32,
    /// Run the provisioner (on the manual clock).
    pub provisioner: bool,
    /// A broker of the test's own (e.g. one it kills); default: the shared test broker.
    pub brokers: Option<String>,
    /// The topic prefix (e.g. one the test's log shipping also uses); default: a unique one.
    pub prefix: Option<String>,
    /// Where the manual clock starts; default: a fixed instant in 2026-11.
    pub clock_start: Option<DateTime<Utc>>,
    /// More `token=principal:role` entries beside the stack's own three (`;`-separated).
    pub extra_tokens: Option<String>,
}

impl Default for StackOptions {
    fn default() -> Self {
        Self {
            partitions: 4,
            provisioner: true,
            brokers: None,
            prefix: None,
            clock_start: None,
            extra_tokens: None,
        }
    }
}

/// A running service and how to stop it.
struct Running {
    trigger: Trigger,
    task: JoinHandle<anyhow::Result<()>>,
    /// A command-api, which `kill_command_apis` may abort.
    command_api: bool,
}

pub struct Stack {
    pub brokers: String,
    pub prefix: String,
    pub database_url: String,
    pub redis_prefix: String,
    pub command_url: String,
    pub query_url: String,
    /// The first projector's base URL (`/metrics`, `/readyz`).
    pub projector_url: String,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    pub options: StackOptions,
    /// Writers started so far, in order, for tests that stage a zombie.
    pub writers: Vec<command_api::writer::Writer>,
    /// The sample windows of those command-apis, in the same order: what their
    /// autoscaler and diagnosis judge load by.
    pub windows: Vec<command_api::telemetry::window::SampleWindow>,
    /// Names the consumer groups, so restarted services rejoin their groups.
    suffix: String,
    running: Vec<Running>,
}

impl Stack {
    pub async fn start(options: StackOptions) -> anyhow::Result<Self> {
        let suffix = unique_suffix();
        let prefix = options
            .prefix
            .clone()
            .unwrap_or_else(|| format!("e{suffix}."));
        let brokers = options
            .brokers
            .clone()
            .unwrap_or_else(|| shared_brokers().to_owned());
        create_topics(
            &brokers,
            &[(format!("{prefix}cluster-events"), options.partitions)],
        );
        let database_url = scratch_database().await;
        let redis_prefix = format!("cg:test:{}:", unique_suffix());
        let start = options.clock_start.unwrap_or_else(|| {
            Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
                .single()
                .expect("time")
        });
        let clock = Arc::new(ManualClock::new(start));
        let mut stack = Self {
            brokers,
            prefix,
            database_url,
            redis_prefix,
            command_url: String::new(),
            query_url: String::new(),
            projector_url: String::new(),
            clock,
            // A request that hangs fails its test instead of holding up the whole run.
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(90))
                .build()?,
            options,
            writers: Vec::new(),
            windows: Vec::new(),
            suffix,
            running: Vec::new(),
        };
        stack.start_services().await?;
        Ok(stack)
    }

    /// Starts projector, command-api and query-api, in their consumer groups.
    pub async fn start_services(&mut self) -> anyhow::Result<()> {
        let projector_group = format!("projector-{}", self.suffix);
        let port = self.start_projector_in(&projector_group).await?;
        self.projector_url = format!("http://127.0.0.1:{port}");
        let writer_group = format!("command-api-{}", self.suffix);
        self.command_url = self.start_command_api_in(&writer_group).await?;
        self.query_url = self.start_query_api().await?;
        self.wait_ready(&self.command_url.clone()).await?;
        self.wait_ready(&self.query_url.clone()).await?;
        Ok(())
    }

    /// Stops every service (each reaches its safe point) and waits until all have.
    pub async fn stop_services(&mut self) -> anyhow::Result<()> {
        for running in &self.running {
            running.trigger.fire();
        }
        for running in self.running.drain(..) {
            running.task.await??;
        }
        self.writers.clear();
        Ok(())
    }

    /// Kills every command-api at once, as SIGKILL would in-process: their tasks are
    /// aborted without reaching a safe point (no graceful shutdown, nothing flushed).
    pub fn kill_command_apis(&mut self) {
        for running in self.running.iter().filter(|r| r.command_api) {
            running.task.abort();
        }
        self.running.retain(|r| !r.command_api);
        self.writers.clear();
    }

    /// The consumer group of the command-api `start_services` starts, to restart it in.
    pub fn writer_group(&self) -> String {
        format!("command-api-{}", self.suffix)
    }

    pub fn tokens(&self) -> String {
        let own = format!("{TOKEN}=alice:member;{OTHER_TOKEN}=bob:member;{ADMIN_TOKEN}=root:admin");
        match &self.options.extra_tokens {
            Some(extra) => format!("{own};{extra}"),
            None => own,
        }
    }

    fn kafka(&self) -> platform::config::KafkaSettings {
        platform::config::KafkaSettings {
            brokers: self.brokers.clone(),
            topic_prefix: self.prefix.clone(),
            partitions: self.options.partitions,
            replication_factor: 1,
        }
    }

    /// Starts another projector on this stack's database in a group of its own.
    pub async fn start_projector(&mut self) -> anyhow::Result<u16> {
        self.start_projector_in(&format!("projector-{}", unique_suffix()))
            .await
    }

    /// Starts a projector in `group` on this stack's database; returns its port.
    pub async fn start_projector_in(&mut self, group: &str) -> anyhow::Result<u16> {
        let mut settings = projector::config::Settings::load()?;
        settings.http.port = 0;
        settings.kafka = self.kafka();
        settings.database.url = self.database_url.clone();
        settings.redis.url = platform::testing::redis_url();
        settings.redis.key_prefix = self.redis_prefix.clone();
        settings.projector.group_id = group.to_owned();
        let app = projector::startup::Application::build(settings).await?;
        let port = app.port();
        let (trigger, shutdown) = platform::shutdown::channel();
        let task = tokio::spawn(app.run_until_stopped(shutdown));
        self.running.push(Running {
            trigger,
            task,
            command_api: false,
        });
        Ok(port)
    }

    /// Starts a command-api writer in a consumer group of its own; returns its base URL.
    pub async fn start_command_api(&mut self) -> anyhow::Result<String> {
        self.start_command_api_in(&format!("command-api-{}", unique_suffix()))
            .await
    }

    /// Starts a command-api writer in `group`; returns its base URL once it serves.
    pub async fn start_command_api_in(&mut self, group: &str) -> anyhow::Result<String> {
        let mut settings = command_api::config::Settings::load()?;
        settings.http.port = 0;
        settings.kafka = self.kafka();
        settings.writer.group_id = group.to_owned();
        settings.redis.url = platform::testing::redis_url();
        settings.redis.key_prefix = self.redis_prefix.clone();
        settings.provisioner.enabled = self.options.provisioner;
        settings.provisioner.tick_ms = 20;
        settings.auth.tokens = self.tokens();
        settings.rate_limit.quota_scale = Some(1000);
        settings.rate_limit.redis_timeout_ms = Some(5_000);
        let app = command_api::startup::Application::build(settings, self.clock.clone()).await?;
        let url = format!("http://127.0.0.1:{}", app.port());
        self.writers.push(app.writer());
        self.windows.push(app.sample_window());
        let (trigger, shutdown) = platform::shutdown::channel();
        let task = tokio::spawn(app.run_until_stopped(shutdown));
        self.running.push(Running {
            trigger,
            task,
            command_api: true,
        });
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
        settings.rate_limit.quota_scale = Some(1000);
        settings.rate_limit.redis_timeout_ms = Some(5_000);
        settings.web_dir = "/nonexistent".into();
        // The simulated world's clock: billing and health read the time its events carry.
        let app =
            query_api::startup::Application::build_with_clock(settings, self.clock.clone()).await?;
        let url = format!("http://127.0.0.1:{}", app.port());
        let (trigger, shutdown) = platform::shutdown::channel();
        let task = tokio::spawn(app.run_until_stopped(shutdown));
        self.running.push(Running {
            trigger,
            task,
            command_api: false,
        });
        Ok(url)
    }

    /// Projects the whole topic afresh (offset 0, a new group, a scratch database) and
    /// returns that database once it has caught up with the log: the reference a live
    /// read model must equal.
    pub async fn clean_replay(&mut self) -> anyhow::Result<sqlx::MySqlPool> {
        let live = std::mem::replace(&mut self.database_url, scratch_database().await);
        let replay_url = self.database_url.clone();
        let started = self.start_projector().await;
        self.database_url = live;
        started?;
        let pool = sqlx::MySqlPool::connect(&replay_url).await?;
        self.wait_projected(&pool).await?;
        Ok(pool)
    }

    /// Waits until the projection in `pool` has applied every record now in the log.
    pub async fn wait_projected(&self, pool: &sqlx::MySqlPool) -> anyhow::Result<()> {
        let ends = platform::testing::high_watermarks(&self.brokers, &self.topic());
        let caught_up = eventually(Duration::from_secs(60), || async {
            let stored: Vec<(i32, i64)> =
                sqlx::query_as("SELECT partition_id, next_offset FROM projection_checkpoint")
                    .fetch_all(pool)
                    .await
                    .unwrap_or_default();
            ends.iter().enumerate().all(|(p, end)| {
                *end == 0
                    || stored
                        .iter()
                        .any(|(sp, next)| *sp == p as i32 && next >= end)
            })
        })
        .await;
        anyhow::ensure!(caught_up, "the projection did not catch up with the log");
        Ok(())
    }

    /// Waits until `base` answers `/readyz` with 200.
    pub async fn wait_ready(&self, base: &str) -> anyhow::Result<()> {
        let ready = eventually(Duration::from_secs(90), || async {
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
