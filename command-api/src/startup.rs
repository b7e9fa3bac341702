//! Builds and runs command-api: the aggregate registry (one line per aggregate type),
//! the writer, the HTTP server on the shared app builder, and — under one supervisor —
//! the log task (waits for Kafka, ensures the topics, joins the writer group, feeds the
//! writer) and the reconcilers. A task that stops by itself stops the service with an
//! error.

use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{HttpServer, web};
use domain::autoscale::AutoscalingPolicy;
use domain::cluster::Cluster;
use domain::diagnosis::Diagnosis;
use domain::droplet::Droplet;
use domain::job::Job;
use domain::provider::Provider;
use domain::queue::QueueControl;
use domain::rate_limit_policy::RateLimitPolicy;
use domain::reservation::NameReservation;
use platform::auth::TokenTable;
use platform::clock::SharedClock;
use platform::health::{Check, Readiness};
use platform::kafka::{self, Copied, GroupReader, StartOffsets, TopicSpec};
use platform::metrics::Metrics;
use platform::ratelimit::{Limiter, RateLimits, Routes};
use platform::relay::Relay;
use platform::service::{Common, Probes};
use platform::shutdown::Shutdown;
use platform::status::StatusBoard;
use platform::supervisor::Supervisor;

use crate::config::Settings;
use crate::deployments::runner::Runner;
use crate::diagnosis::llm::Llm;
use crate::internal::{InternalClient, InternalToken};
use crate::jobs::metrics::JobMetrics;
use crate::jobs::pool::WorkerPool;
use crate::names::Names;
use crate::ownership::Directory;
use crate::providers::Providers;
use crate::providers::sweep::ReservationSweep;
use crate::reconcile::addresses::MAX_PARTITIONS;
use crate::reconcile::autoscaler::{Autoscaler, DecisionMetrics};
use crate::reconcile::droplets::DropletReconciler;
use crate::reconcile::node_pools::NodePoolReconciler;
use crate::reconcile::reservations::ReservationReconciler;
use crate::routes::{self, body::BodyLimit, common::Services, forward::Forwarding};
use crate::telemetry::publish::SamplePublisher;
use crate::telemetry::simulator::Simulator;
use crate::telemetry::window::SampleWindow;
use crate::writer::{Kinds, Phase, SnapshotStore, Writer, WriterConfig, WriterParts};
use domain::deployment::Deployments;

/// The aggregate types command-api writes: one line per type.
pub fn kinds() -> Kinds {
    Kinds::default()
        .register::<Droplet>()
        .register::<Cluster>()
        .register::<NameReservation>()
        .register::<RateLimitPolicy>()
        .register::<Job>()
        .register::<QueueControl>()
        .register::<Diagnosis>()
        .register::<AutoscalingPolicy>()
        .register::<Provider>()
        .register::<Deployments>()
}

pub struct Application {
    port: u16,
    server: Server,
    writer: Writer,
    names: Names,
    providers: Providers,
    internal: InternalClient,
    readiness: Readiness,
    settings: Settings,
    jobs: WorkerPool,
    board: StatusBoard,
    samples: SamplePublisher,
    window: SampleWindow,
    decisions: DecisionMetrics,
}

impl Application {
    /// Builds everything without waiting for Kafka: the broker is reached (topics
    /// ensured, partitions claimed) by the supervised log task once `run_until_stopped`
    /// starts, so a command-api started before its broker becomes ready by itself.
    pub async fn build(settings: Settings, clock: SharedClock) -> anyhow::Result<Self> {
        let partitions = settings.kafka.partitions;
        anyhow::ensure!(
            (1..=MAX_PARTITIONS).contains(&partitions),
            "kafka.partitions must be between 1 and {MAX_PARTITIONS}"
        );
        let topic = settings.kafka.events_topic();
        let (listener, port) = platform::service::bind(&settings.http)?;
        let metrics = Metrics::new()?;
        // One pool for what command-api keeps in Redis besides the limiter: ownership
        // hints and status snapshots.
        let redis = platform::redis::pool(&settings.redis)?;
        let board = StatusBoard::new(redis.clone(), &settings.redis.key_prefix);
        let directory = Directory::new(redis, &settings.redis.key_prefix, &topic);
        let writer = build_writer(
            &settings,
            &topic,
            clock,
            &metrics,
            &advertised_url(&settings, port),
            directory.clone(),
        )?;
        let internal = InternalClient::new(directory.clone(), &settings.writer.internal_token)?;
        let names = Names::new(writer.clone(), internal.clone());
        let providers = Providers::new(writer.clone(), internal.clone());
        let forwarding = Forwarding {
            directory,
            relay: Relay::new(Duration::from_millis(
                settings.writer.read_back_timeout_ms + 5_000,
            ))?,
            forwarded: metrics
                .meter("command-api")
                .u64_counter("clustergenie_commands_forwarded")
                .build(),
        };
        let readiness = Readiness::default();
        readiness.down(kafka::KAFKA_CHECK, "connecting");
        let services = Services {
            writer: writer.clone(),
            forwarding,
            names: names.clone(),
            providers: providers.clone(),
        };
        let window = SampleWindow::new(chrono::Duration::seconds(
            settings.node_metrics.window_seconds.max(1),
        ));
        let jobs = WorkerPool::new(
            writer.clone(),
            window.clone(),
            internal.clone(),
            names.clone(),
            settings.jobs.clone(),
            JobMetrics::new(&metrics),
        );
        let samples = SamplePublisher::new(
            &settings.kafka.brokers,
            &TopicSpec::metrics_samples(&settings.kafka).name,
        )?;
        settings.node_metrics.demand()?;
        let decisions = DecisionMetrics::new(&metrics);
        let server = http_server(
            listener,
            &settings,
            services,
            (samples.clone(), window.clone()),
            metrics,
            readiness.clone(),
        )?;
        Ok(Self {
            port,
            server,
            writer,
            names,
            providers,
            internal,
            readiness,
            settings,
            jobs,
            board,
            samples,
            window,
            decisions,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn writer(&self) -> Writer {
        self.writer.clone()
    }

    /// The recent samples the load-judging reconcilers read.
    pub fn sample_window(&self) -> SampleWindow {
        self.window.clone()
    }

    /// Runs until `shutdown` fires or a supervised task (the log reader, a reconciler,
    /// the HTTP server) stops on its own, which is an error.
    pub async fn run_until_stopped(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let Self {
            server,
            writer,
            names,
            providers,
            internal,
            readiness,
            settings,
            jobs,
            board,
            samples,
            window,
            decisions,
            ..
        } = self;
        let mut supervisor = Supervisor::new(readiness.clone());
        if settings.provisioner.enabled {
            let reconciler = DropletReconciler::new(
                writer.clone(),
                names.clone(),
                providers.clone(),
                settings.provisioner.clone(),
            );
            let stop = supervisor.shutdown();
            supervisor.spawn("droplet_reconciler", async move {
                reconciler.run(stop).await;
                Ok(())
            });
        }
        if settings.node_pools.enabled {
            let pools = NodePoolReconciler::new(
                writer.clone(),
                names.clone(),
                providers.clone(),
                settings.node_pools.clone(),
            );
            let sweep = ReservationSweep::new(
                writer.clone(),
                providers,
                internal.clone(),
                &settings.node_pools,
            );
            let reservations =
                ReservationReconciler::new(writer.clone(), names, internal, &settings.node_pools);
            let stop = supervisor.shutdown();
            supervisor.spawn("provider_reservation_sweep", async move {
                sweep.run(stop).await;
                Ok(())
            });
            let stop = supervisor.shutdown();
            supervisor.spawn("node_pool_reconciler", async move {
                pools.run(stop).await;
                Ok(())
            });
            let stop = supervisor.shutdown();
            supervisor.spawn("reservation_reconciler", async move {
                reservations.run(stop).await;
                Ok(())
            });
        }
        if settings.node_metrics.enabled {
            let simulator = Simulator::new(writer.clone(), samples, settings.node_metrics.clone())?;
            let stop = supervisor.shutdown();
            supervisor.spawn("telemetry_simulator", async move {
                simulator.run(stop).await;
                Ok(())
            });
        }
        if settings.deployments.enabled {
            let runner = Runner::new(writer.clone(), settings.deployments.clone());
            let stop = supervisor.shutdown();
            supervisor.spawn("deployment_runner", async move {
                runner.run(stop).await;
                Ok(())
            });
        }
        if settings.autoscaler.enabled {
            let autoscaler = Autoscaler::new(
                writer.clone(),
                window.clone(),
                settings.autoscaler.clone(),
                decisions,
            );
            let stop = supervisor.shutdown();
            supervisor.spawn("autoscaler", async move {
                autoscaler.run(stop).await;
                Ok(())
            });
        }
        supervisor.spawn(
            "sample_window",
            crate::telemetry::window_reader::run(
                window,
                writer.clone(),
                settings.clone(),
                supervisor.shutdown(),
            ),
        );
        supervisor.spawn(
            "status_publisher",
            crate::status::publish(board.clone(), writer.clone(), supervisor.shutdown()),
        );
        if settings.jobs.enabled {
            supervisor.spawn(
                "workers_publisher",
                crate::status::publish_workers(board, jobs.clone(), supervisor.shutdown()),
            );
            let stop = supervisor.shutdown();
            supervisor.spawn("job_worker_pool", async move {
                jobs.run(stop).await;
                Ok(())
            });
        }
        supervisor.spawn(
            "log_reader",
            log_task(writer, settings, readiness, supervisor.shutdown()),
        );
        platform::service::supervise_http(&mut supervisor, server);
        supervisor.run(shutdown).await
    }
}

/// Waits for Kafka (topics ensured, with backoff), then joins the writer group and feeds
/// the writer until shutdown. The reader ending by itself is a failure.
async fn log_task(
    writer: Writer,
    settings: Settings,
    readiness: Readiness,
    mut shutdown: Shutdown,
) -> anyhow::Result<()> {
    let brokers = &settings.kafka.brokers;
    let specs = [
        TopicSpec::events(&settings.kafka),
        TopicSpec::snapshots(&settings.kafka),
        TopicSpec::metrics_samples(&settings.kafka),
        TopicSpec::logs(&settings.kafka, crate::SERVICE),
    ];
    if !kafka::ensure_topics_with_backoff(brokers, &specs, &readiness, shutdown.clone()).await? {
        return Ok(());
    }
    // Each assigned partition starts after its snapshot, if a usable one exists.
    let restorer = writer.clone();
    let start_offsets: StartOffsets = Arc::new(move |ps: &[i32]| restorer.start_offsets(ps));
    let config = kafka::consumer_config(brokers, &settings.writer.group_id);
    let topic = settings.kafka.events_topic();
    // The fold reads keys and values only; copying headers would be wasted work.
    let (mut reader, events) =
        GroupReader::start_copying(config, &topic, start_offsets, 64, Copied::KeyAndValue)?;
    let outcome = tokio::select! {
        () = writer.run_reader(events) => Err(anyhow::anyhow!("the log reader stopped")),
        () = shutdown.wait() => Ok(()),
    };
    tokio::task::spawn_blocking(move || reader.stop()).await?;
    outcome
}

fn build_writer(
    settings: &Settings,
    topic: &str,
    clock: SharedClock,
    metrics: &Metrics,
    advertised_url: &str,
    directory: Directory,
) -> anyhow::Result<Writer> {
    let writer_id = format!(
        "command-api-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    let config = WriterConfig {
        writer_id,
        advertised_url: advertised_url.to_owned(),
        topic: topic.to_owned(),
        partitions: settings.kafka.partitions,
        read_back_timeout: Duration::from_millis(settings.writer.read_back_timeout_ms),
        idempotency_retention: chrono::Duration::hours(settings.idempotency.retention_hours),
        snapshot_every: settings.writer.snapshot_every,
    };
    let parts = WriterParts {
        config,
        kinds: kinds(),
        producer: kafka::producer(&settings.kafka.brokers)?,
        metadata: kafka::consumer_config(&settings.kafka.brokers, "command-api-metadata")
            .create()?,
        clock,
        directory: Some(directory),
        snapshots: Some(SnapshotStore::new(
            &settings.kafka.brokers,
            &settings.kafka.snapshots_topic(),
        )?),
    };
    Ok(Writer::new(parts, metrics))
}

/// The limiter of api.md §8 over command-api's own route table.
fn rate_limits(settings: &Settings, metrics: &Metrics) -> anyhow::Result<web::Data<RateLimits>> {
    let limiter = Limiter::new(
        &settings.rate_limit,
        &settings.redis.url,
        &settings.redis.key_prefix,
        views::rate_limit_policy::document_key,
        metrics,
    )?;
    let routes = Routes::new(routes::table().into_iter().map(|r| (r.method, r.path)));
    Ok(web::Data::new(RateLimits::new(Arc::new(limiter), routes)))
}

fn http_server(
    listener: std::net::TcpListener,
    settings: &Settings,
    services: Services,
    (samples, window): (SamplePublisher, SampleWindow),
    metrics: Metrics,
    readiness: Readiness,
) -> anyhow::Result<Server> {
    let writer = services.writer.clone();
    let limits = rate_limits(settings, &metrics)?;
    let probes = Probes::new(readiness)
        .check("log_ownership", move || log_ownership(&writer))
        .check("rate_limiter", limits.readiness());
    let outcomes = web::Data::new(crate::outcomes::CommandOutcomes::new(&metrics));
    let enqueues = web::Data::new(crate::jobs::metrics::EnqueueMetrics::new(&metrics));
    let common = Common::new(metrics, probes, settings.http.body_limit)
        .named(crate::SERVICE)
        .rate_limits(limits);
    let tokens = web::Data::new(TokenTable::parse(&settings.auth.tokens)?);
    let writer = web::Data::new(services.writer.clone());
    let names = web::Data::new(services.names.clone());
    let services = web::Data::new(services);
    let limit = web::Data::new(BodyLimit(settings.http.body_limit));
    let internal = web::Data::new(InternalToken::new(&settings.writer.internal_token));
    let jobs = web::Data::new(settings.jobs.clone());
    let admission = web::Data::new(crate::jobs::admission::Admission::default());
    let samples = web::Data::new(samples);
    let window = web::Data::new(window);
    let llm = web::Data::new(Llm::new(&settings.diagnosis)?);
    let telemetry = web::Data::new(settings.node_metrics.clone());
    let server = HttpServer::new(move || {
        common
            .clone()
            .app()
            .wrap(actix_web::middleware::from_fn(crate::outcomes::middleware))
            .app_data(outcomes.clone())
            .app_data(enqueues.clone())
            .app_data(services.clone())
            .app_data(writer.clone())
            .app_data(names.clone())
            .app_data(tokens.clone())
            .app_data(limit.clone())
            .app_data(internal.clone())
            .app_data(jobs.clone())
            .app_data(admission.clone())
            .app_data(samples.clone())
            .app_data(window.clone())
            .app_data(llm.clone())
            .app_data(telemetry.clone())
            .configure(routes::configure)
            .default_service(web::to(platform::service::not_found))
    })
    .listen(listener)?
    .disable_signals()
    .run();
    Ok(server)
}

/// Ready when at least one partition is assigned and every assigned one is served.
fn log_ownership(writer: &Writer) -> Check {
    let phases: Vec<Phase> = writer.phases().into_iter().flatten().collect();
    let serving = !phases.is_empty() && phases.iter().all(|p| *p == Phase::Serving);
    Check::from_bool(serving, "partitions are unassigned, restoring or fenced")
}

/// The URL other instances forward to: configured, or derived from the bound port.
fn advertised_url(settings: &Settings, port: u16) -> String {
    match settings.writer.advertised_url.as_str() {
        "" => {
            let host = if settings.http.host == "0.0.0.0" {
                "127.0.0.1"
            } else {
                settings.http.host.as_str()
            };
            format!("http://{host}:{port}")
        }
        configured => configured.to_owned(),
    }
}
