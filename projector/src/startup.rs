//! `Application`: connects MariaDB (running migrations) and Redis, binds the HTTP
//! listener (port 0 works; `port()` tells the real one) and runs, under one supervisor,
//! the log task (waits for Kafka, then the projection loop), the lag probe and the
//! server until shutdown. It holds no projection logic of its own.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use platform::health::{Check, Readiness};
use platform::http_metrics::HttpMetrics;
use platform::kafka::{GroupReader, TopicSpec, consumer_config};
use platform::metrics::{Metrics, metrics_endpoint};
use platform::shutdown::Shutdown;
use platform::supervisor::Supervisor;
use sqlx::MySqlPool;

use crate::cache::Publisher;
use crate::config::Settings;
use crate::consumer::Projector;
use crate::lag::LagProbe;
use crate::telemetry::ProjectorMetrics;
use crate::views::Projection;
use crate::views::operation::OperationView;
use crate::views::timeline::TimelineView;
use domain::reservation::NameReservation;
use views::cluster::ClusterRow;
use views::droplet::DropletRow;

/// What the live projector projects: one line per aggregate type and per view.
pub fn projection() -> Projection {
    Projection::default()
        .state_view::<DropletRow>()
        .state_view::<ClusterRow>()
        .aggregate::<NameReservation>()
        .view(OperationView)
        .view(TimelineView)
}

pub struct Application {
    port: u16,
    server: Server,
    projector: Projector,
    lag: LagProbe,
    readiness: Readiness,
    settings: Settings,
}

/// What `/readyz` checks beside the reported ones.
#[derive(Clone)]
struct Probes {
    pool: MySqlPool,
    redis: deadpool_redis::Pool,
    reader_alive: Arc<AtomicBool>,
    reported: Readiness,
}

impl Application {
    /// Connects MariaDB (running migrations) and Redis and binds the listener; Kafka is
    /// reached by the supervised log task, so the projector waits for its broker.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = platform::db::connect(&settings.database)
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
        };
        let readiness = Readiness::default();
        readiness.down(platform::kafka::KAFKA_CHECK, "connecting");
        let probes = Probes {
            pool,
            redis,
            reader_alive: Arc::clone(&projector.alive),
            reported: readiness.clone(),
        };
        let listener = TcpListener::bind((settings.http.host.as_str(), settings.http.port))
            .context("Failed to bind the HTTP listener")?;
        let port = listener.local_addr()?.port();
        let server = http_server(listener, metrics, probes)?;
        Ok(Self {
            port,
            server,
            projector,
            lag,
            readiness,
            settings,
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
            readiness,
            settings,
            ..
        } = self;
        let handle = server.handle();
        let mut supervisor = Supervisor::new(readiness.clone());
        supervisor.spawn(
            "projection",
            log_task(projector, settings, readiness, supervisor.shutdown()),
        );
        supervisor.spawn("lag_probe", lag.run(supervisor.shutdown()));
        let mut stop = supervisor.shutdown();
        supervisor.spawn("http", async move {
            tokio::select! {
                served = server => served.context("the HTTP server stopped"),
                () = stop.wait() => {
                    handle.stop(true).await;
                    Ok(())
                }
            }
        });
        supervisor.run(shutdown).await
    }
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
        TopicSpec::logs(&settings.kafka, "projector"),
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

fn http_server(listener: TcpListener, metrics: Metrics, probes: Probes) -> anyhow::Result<Server> {
    let http_metrics = web::Data::new(HttpMetrics::new(&metrics));
    let metrics = web::Data::new(metrics);
    let probes = web::Data::new(probes);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(platform::http_metrics::middleware))
            .wrap(from_fn(platform::request_id::middleware))
            .app_data(http_metrics.clone())
            .app_data(metrics.clone())
            .app_data(probes.clone())
            .route("/healthz", web::get().to(platform::health::healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(metrics_endpoint))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(5)
    .listen(listener)?
    .run();
    Ok(server)
}

/// `GET /readyz`: MariaDB and Redis answer, Kafka is reachable and the projection loop
/// is running.
async fn readyz(probes: web::Data<Probes>) -> HttpResponse {
    let mut checks = probes.reported.snapshot();
    let db = platform::db::ping(&probes.pool).await;
    let redis = platform::redis::ping(&probes.redis).await;
    let reading = probes.reader_alive.load(Ordering::SeqCst);
    checks.insert("mariadb", Check::from_bool(db, "MariaDB does not answer"));
    checks.insert("redis", Check::from_bool(redis, "Redis does not answer"));
    checks.insert(
        "kafka_reader",
        Check::from_bool(reading, "the projection loop is not running"),
    );
    platform::health::readiness(checks)
}
