//! `Application`: connects MariaDB (running migrations) and Redis, binds the HTTP
//! listener (port 0 works; `port()` tells the real one) and runs, under one supervisor,
//! the log task (waits for Kafka, then the projection loop), the lag and dead-letter
//! probes and the server until shutdown. It holds no projection logic of its own.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use actix_web::HttpServer;
use actix_web::dev::Server;
use anyhow::Context;
use platform::health::{Check, Readiness};
use platform::kafka::{GroupReader, TopicSpec, consumer_config};
use platform::metrics::Metrics;
use platform::service::{Common, Probes};
use platform::shutdown::Shutdown;
use platform::status::StatusBoard;
use platform::supervisor::Supervisor;

use crate::cache::Publisher;
use crate::config::Settings;
use crate::consumer::Projector;
use crate::dead_letters::DeadLetterProbe;
use crate::lag::{LagBoard, LagProbe};
use crate::samples::consumer::SampleProjector;
use crate::samples::gauge::ClusterGauge;
use crate::samples::retention::Retention;
use crate::telemetry::ProjectorMetrics;
use crate::views::Projection;
use crate::views::audit::AuditView;
use crate::views::autoscaling::AutoscalingHistoryView;
use crate::views::deployments::DeploymentView;
use crate::views::diagnosis_history::DiagnosisHistoryView;
use crate::views::job_detail::JobDetailView;
use crate::views::operation::OperationView;
use crate::views::timeline::{TimelineView, cluster_message};
use crate::views::usage::UsageView;
use domain::cluster::Cluster;
use domain::deployment::Deployments;
use domain::reservation::NameReservation;
use views::autoscaling::row::AutoscalingPolicyRow;
use views::cluster::ClusterRow;
use views::diagnosis::DiagnosisRow;
use views::droplet::DropletRow;
use views::job::JobRow;
use views::job::queue::QueueRow;
use views::provider::ProviderRow;
use views::rate_limit_policy::RateLimitPolicyRow;

/// What the live projector projects: one line per aggregate type and per view.
pub fn projection() -> Projection {
    Projection::default()
        .state_view::<DropletRow>()
        .state_view::<ClusterRow>()
        .audit_message::<Cluster>(|e| Some(cluster_message(e)))
        .state_view::<RateLimitPolicyRow>()
        .state_view::<JobRow>()
        .state_view::<QueueRow>()
        .state_view::<DiagnosisRow>()
        .state_view::<AutoscalingPolicyRow>()
        .state_view::<ProviderRow>()
        .aggregate::<NameReservation>()
        .aggregate::<Deployments>()
        .view(OperationView)
        .view(TimelineView)
        .view(JobDetailView)
        .view(AutoscalingHistoryView)
        .view(AuditView)
        .view(DiagnosisHistoryView)
        .view(UsageView)
        .view(DeploymentView)
}

pub struct Application {
    port: u16,
    server: Server,
    projector: Projector,
    lag: LagProbe,
    dead_letters: DeadLetterProbe,
    readiness: Readiness,
    settings: Settings,
    samples: SampleProjector,
    retention: Retention,
    gauge: ClusterGauge,
}

impl Application {
    /// Connects MariaDB (running migrations) and Redis and binds the listener; Kafka is
    /// reached by the supervised log task, so the projector waits for its broker.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = platform::db::connect_read_committed(&settings.database)
            .await
            .context("Failed to connect to MariaDB")?;
        platform::db::migrate(&pool)
            .await
            .context("Failed to run migrations")?;
        let redis =
            platform::redis::pool(&settings.redis).context("Failed to build the Redis pool")?;
        let metrics = Metrics::new().context("Failed to set up metrics")?;
        let projector = Projector {
            pool: pool.clone(),
            projection: views::PROJECTION.to_owned(),
            views: Arc::new(projection()),
            publisher: Publisher::new(redis.clone(), &settings.redis.key_prefix),
            metrics: ProjectorMetrics::new(&metrics),
            max_backoff: settings.projector.max_backoff(),
            lanes: settings.projector.lanes,
            positions: Arc::default(),
            alive: Arc::default(),
        };
        let lag = LagProbe {
            brokers: settings.kafka.brokers.clone(),
            topic: settings.kafka.events_topic(),
            group_id: settings.projector.group_id.clone(),
            interval: settings.projector.lag_interval(),
            positions: Arc::clone(&projector.positions),
            metrics: projector.metrics.clone(),
            board: Some(LagBoard {
                board: StatusBoard::new(redis.clone(), &settings.redis.key_prefix),
                instance: format!("{}-{}", settings.projector.group_id, std::process::id()),
                projection: views::PROJECTION.to_owned(),
            }),
        };
        let dead_letters = DeadLetterProbe {
            pool: pool.clone(),
            projection: views::PROJECTION.to_owned(),
            interval: settings.projector.lag_interval(),
            metrics: projector.metrics.clone(),
        };
        let (samples, retention, gauge) = telemetry(&settings, &pool, &metrics);
        let readiness = Readiness::default();
        readiness.down(platform::kafka::KAFKA_CHECK, "connecting");
        let alive = Arc::clone(&projector.alive);
        let probes = Probes::new(readiness.clone())
            .mariadb(pool)
            .redis(redis)
            .check("kafka_reader", move || {
                Check::from_bool(
                    alive.load(Ordering::SeqCst),
                    "the projection loop is not running",
                )
            });
        let common = Common::new(metrics, probes, settings.http.body_limit).named(crate::SERVICE);
        let (listener, port) = platform::service::bind(&settings.http)?;
        let server = HttpServer::new(move || common.clone().app())
            .workers(1)
            .disable_signals()
            .shutdown_timeout(5)
            .listen(listener)?
            .run();
        Ok(Self {
            port,
            server,
            projector,
            lag,
            dead_letters,
            readiness,
            settings,
            samples,
            retention,
            gauge,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until `shutdown` fires: the loop finishes its in-flight batch, then the
    /// reader leaves the group and the server stops. A task that stops by itself stops
    /// the service with an error.
    pub async fn run_until_stopped(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let Self {
            server,
            projector,
            lag,
            dead_letters,
            readiness,
            settings,
            samples,
            retention,
            gauge,
            ..
        } = self;
        let mut supervisor = Supervisor::new(readiness.clone());
        let decisions = decision_retention(&retention, &settings);
        supervisor.spawn(
            "samples",
            samples_task(samples, settings.clone(), supervisor.shutdown()),
        );
        supervisor.spawn(
            "projection",
            log_task(projector, settings, readiness, supervisor.shutdown()),
        );
        supervisor.spawn("sample_retention", retention.run(supervisor.shutdown()));
        supervisor.spawn("decision_retention", decisions.run(supervisor.shutdown()));
        supervisor.spawn("cluster_metric_gauge", gauge.run(supervisor.shutdown()));
        supervisor.spawn("lag_probe", lag.run(supervisor.shutdown()));
        supervisor.spawn("dead_letter_probe", dead_letters.run(supervisor.shutdown()));
        platform::service::supervise_http(&mut supervisor, server);
        supervisor.run(shutdown).await
    }
}

/// The autoscaler's decision log, bounded like the samples (same pool, clock, chunks).
fn decision_retention(samples: &Retention, settings: &Settings) -> Retention {
    Retention {
        table: "autoscaler_decision",
        time_column: "evaluated_at",
        pool: samples.pool.clone(),
        clock: samples.clock.clone(),
        retention: chrono::Duration::hours(settings.projector.decision_retention_hours),
        chunk: samples.chunk,
        interval: samples.interval,
    }
}

/// The samples subscription, its retention purge and the per-cluster gauge.
fn telemetry(
    settings: &Settings,
    pool: &sqlx::MySqlPool,
    metrics: &Metrics,
) -> (SampleProjector, Retention, ClusterGauge) {
    let t = &settings.node_metrics;
    let clock: platform::clock::SharedClock = Arc::new(platform::clock::SystemClock);
    let samples = SampleProjector {
        pool: pool.clone(),
        projection: crate::samples::PROJECTION.to_owned(),
        max_backoff: settings.projector.max_backoff(),
    };
    let retention = Retention {
        table: "metric_sample",
        time_column: "sampled_at",
        pool: pool.clone(),
        clock: clock.clone(),
        retention: chrono::Duration::hours(t.retention_hours),
        chunk: t.purge_chunk.max(1),
        interval: std::time::Duration::from_secs(t.purge_interval_seconds.max(1)),
    };
    let series = Arc::default();
    ClusterGauge::register(metrics, Arc::clone(&series));
    let gauge = ClusterGauge {
        pool: pool.clone(),
        clock,
        window: chrono::Duration::seconds(t.gauge_window_seconds),
        interval: std::time::Duration::from_secs(t.gauge_interval_seconds.max(1)),
        series,
    };
    (samples, retention, gauge)
}

/// Waits for the samples topic, joins the samples group from this subscription's
/// checkpoints in MariaDB, and projects samples until shutdown.
async fn samples_task(
    samples: SampleProjector,
    settings: Settings,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let brokers = &settings.kafka.brokers;
    let spec = TopicSpec::metrics_samples(&settings.kafka);
    let quiet = Readiness::default();
    if !platform::kafka::ensure_topics_with_backoff(
        brokers,
        std::slice::from_ref(&spec),
        &quiet,
        shutdown.clone(),
    )
    .await?
    {
        return Ok(());
    }
    let start = crate::offsets::from_checkpoints(
        samples.pool.clone(),
        samples.projection.clone(),
        tokio::runtime::Handle::current(),
    );
    let group = settings.node_metrics.group(&settings.projector.group_id);
    let config = consumer_config(brokers, &group);
    let (mut reader, events) = GroupReader::start(config, &spec.name, start, 16)
        .context("Failed to start the samples reader")?;
    let result = samples.run(events, shutdown).await;
    tokio::task::spawn_blocking(move || reader.stop()).await?;
    result
}

/// Waits for Kafka (topics ensured, with backoff), joins the projector group starting
/// from the checkpoints in MariaDB, and projects until shutdown.
async fn log_task(
    projector: Projector,
    settings: Settings,
    readiness: Readiness,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let brokers = &settings.kafka.brokers;
    let specs = [
        TopicSpec::events(&settings.kafka),
        TopicSpec::logs(&settings.kafka, crate::SERVICE),
    ];
    if !platform::kafka::ensure_topics_with_backoff(brokers, &specs, &readiness, shutdown.clone())
        .await?
    {
        return Ok(());
    }
    let start = crate::offsets::from_checkpoints(
        projector.pool.clone(),
        projector.projection.clone(),
        tokio::runtime::Handle::current(),
    );
    let config = consumer_config(brokers, &settings.projector.group_id);
    let topic = settings.kafka.events_topic();
    let (mut reader, events) = GroupReader::start(config, &topic, start, settings.projector.buffer)
        .context("Failed to start the Kafka group reader")?;
    let result = projector.run(events, shutdown).await;
    tokio::task::spawn_blocking(move || reader.stop()).await?;
    result
}
