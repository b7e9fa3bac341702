//! One test's world: a fresh topic of 4 partitions, a scratch primary database, CLI
//! settings pointing at both, the recorded fixture, a producer for records written after
//! an import, and an in-process live projector when a test needs one.

use std::collections::BTreeMap;
use std::time::Duration;

use cli::commands::Context;
use cli::config::Settings;
use cli::output::{Progress, Summary};
use platform::config::{DatabaseSettings, KafkaSettings};
use platform::kafka::LogEntry;
use platform::shutdown::Trigger;
use platform::testing::{
    create_topics, redis_url, scratch_database, shared_brokers, unique_suffix,
};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use sqlx::MySqlPool;
use tokio::task::JoinHandle;

pub const PARTITIONS: i32 = 4;
pub const DEADLINE: Duration = Duration::from_secs(60);
pub const FIXTURE: &str = include_str!("../../../projector/tests/fixtures/droplets.records.jsonl");

pub struct World {
    pub ctx: Context,
    pub prefix: String,
    pub database_url: String,
    pub pool: MySqlPool,
    producer: FutureProducer,
    /// Record files of this test; removed with the world.
    files: tempfile::TempDir,
}

impl World {
    pub async fn new() -> Self {
        let prefix = format!("t{}.", unique_suffix());
        let brokers = shared_brokers().to_owned();
        create_topics(&brokers, &[(format!("{prefix}cluster-events"), PARTITIONS)]);
        let database_url = scratch_database().await;
        let settings = Settings {
            kafka: KafkaSettings {
                brokers: brokers.clone(),
                topic_prefix: prefix.clone(),
                partitions: PARTITIONS,
                replication_factor: 1,
            },
            database: DatabaseSettings {
                url: database_url.clone(),
                max_connections: 4,
            },
        };
        let ctx = Context {
            settings,
            progress: Progress::hidden(),
        };
        // The primary schema exists and is migrated once the CLI has connected.
        ctx.primary()
            .await
            .expect("the primary schema is reachable");
        let pool = MySqlPool::connect(&database_url).await.expect("test pool");
        Self {
            ctx,
            prefix,
            database_url,
            pool,
            producer: platform::kafka::producer(&brokers).expect("producer"),
            files: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A fresh path for a record file inside this test's temporary directory.
    pub fn file(&self, stem: &str) -> std::path::PathBuf {
        self.files
            .path()
            .join(format!("{stem}-{}.jsonl", unique_suffix()))
    }

    /// Writes `entries` to a record file of this test and returns its path.
    pub fn record_file(&self, entries: &[LogEntry]) -> std::path::PathBuf {
        let path = self.file("records");
        let mut file = std::fs::File::create(&path).expect("temp file");
        platform::kafka::fixture::write(&mut file, entries).expect("written");
        path
    }

    pub fn topic(&self) -> String {
        format!("{}cluster-events", self.prefix)
    }

    pub async fn run(&self, command: cli::args::Command) -> Summary {
        cli::run(&self.ctx, &command)
            .await
            .unwrap_or_else(|e| panic!("{command:?} failed: {e:#}"))
    }

    pub async fn fails(&self, command: cli::args::Command) -> String {
        match cli::run(&self.ctx, &command).await {
            Ok(summary) => panic!("{command:?} succeeded: {}", summary.text),
            Err(error) => format!("{error:#}"),
        }
    }

    /// Produces records as command-api would have (explicit partition, key, headers).
    pub async fn produce(&self, entries: &[LogEntry]) {
        let topic = self.topic();
        for entry in entries {
            let mut headers = OwnedHeaders::new();
            for (key, value) in &entry.headers {
                headers = headers.insert(Header {
                    key,
                    value: Some(value.as_slice()),
                });
            }
            let mut record = FutureRecord::<Vec<u8>, Vec<u8>>::to(&topic)
                .partition(entry.partition)
                .headers(headers);
            if let Some(key) = &entry.key {
                record = record.key(key);
            }
            if let Some(value) = &entry.value {
                record = record.payload(value);
            }
            self.producer
                .send(record, Duration::from_secs(10))
                .await
                .map_err(|(e, _)| e)
                .expect("delivered");
        }
    }

    /// Projects `entries` into the primary schema as the live projector would have.
    pub async fn project_live(&self, entries: &[LogEntry]) {
        let projection = projector::startup::projection();
        let target = projector::batch::Target::live(&projection);
        projector::replay::replay(&self.pool, target, entries)
            .await
            .expect("replayed");
    }

    /// Starts the real projector on this world's topic and primary database.
    pub async fn spawn_projector(&self) -> LiveProjector {
        let mut settings: projector::config::Settings =
            platform::config::load(projector::config::BASE).expect("settings");
        settings.http.port = 0;
        settings.kafka = self.ctx.settings.kafka.clone();
        settings.database.url = self.database_url.clone();
        settings.database.max_connections = 4;
        settings.redis.url = redis_url();
        settings.redis.key_prefix = format!("test:{}:", unique_suffix());
        settings.projector.group_id = format!("projector-{}", unique_suffix());
        settings.projector.lag_interval_ms = 200;
        settings.projector.max_backoff_ms = 200;
        let application = projector::startup::Application::build(settings)
            .await
            .expect("projector builds");
        let (trigger, shutdown) = platform::shutdown::channel();
        LiveProjector {
            trigger,
            task: tokio::spawn(application.run_until_stopped(shutdown)),
        }
    }

    /// Waits until the live checkpoints reach `ends`.
    pub async fn wait_for_live(&self, ends: &BTreeMap<i32, i64>) {
        let reached = platform::testing::eventually(DEADLINE, || async {
            let done = cli::versions::checkpoints(&self.pool)
                .await
                .unwrap_or_default();
            ends.iter()
                .all(|(p, end)| done.get(p).copied().unwrap_or(0) >= *end)
        })
        .await;
        assert!(reached, "the live checkpoints did not reach {ends:?}");
    }
}

pub struct LiveProjector {
    trigger: Trigger,
    task: JoinHandle<anyhow::Result<()>>,
}

impl LiveProjector {
    /// A crash: the projector's task is aborted wherever it is (mid-transaction, the
    /// connection drops and MariaDB rolls back); nothing is shut down cleanly.
    pub fn kill(self) {
        self.task.abort();
        drop(self.trigger);
    }

    pub async fn stop(self) {
        self.trigger.fire();
        self.task.await.expect("no panic").expect("clean stop");
    }
}

/// The recorded fixture.
pub fn fixture() -> Vec<LogEntry> {
    platform::kafka::fixture::parse(FIXTURE).expect("the fixture is a record file")
}

/// The end offset per partition of `entries`.
pub fn ends(entries: &[LogEntry]) -> BTreeMap<i32, i64> {
    let mut ends = BTreeMap::new();
    for e in entries {
        let end = ends.entry(e.partition).or_insert(0);
        *end = (*end).max(e.offset + 1);
    }
    ends
}

/// The droplet rows of the primary schema, as comparable JSON.
pub async fn droplets(pool: &MySqlPool) -> Vec<views::droplet::DropletRow> {
    let sql = format!(
        "SELECT {} FROM droplet ORDER BY droplet_id",
        views::row::column_list::<views::droplet::DropletRow>()
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await
        .expect("droplets")
}

/// A line as log-consumer writes it into the shared `log_lines` (a log sink, not a read
/// model: no rebuild reproduces it), and a record it parked.
pub async fn insert_log_sink_rows(pool: &sqlx::MySqlPool, source_key: &str) {
    sqlx::query(
        "INSERT INTO log_lines (service, level, ts, message, source_key) \
         VALUES ('command-api', 'info', NOW(6), 'shipped by log-consumer', ?)",
    )
    .bind(source_key)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO log_parked (source_key, topic, kafka_partition, kafka_offset, reason, \
         payload, parked_at) VALUES (?, 'logs.command-api', 0, 0, 'not JSON', 'x', NOW(6))",
    )
    .bind(source_key)
    .execute(pool)
    .await
    .unwrap();
}

/// The source keys of the lines log-consumer wrote into `log_lines` of `pool`.
pub async fn log_sink_lines(pool: &sqlx::MySqlPool) -> Vec<String> {
    sqlx::query_scalar("SELECT source_key FROM log_lines WHERE service <> 'worker'")
        .fetch_all(pool)
        .await
        .unwrap()
}
