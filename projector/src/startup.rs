//! `Application`: connects MariaDB (running migrations), Redis and the Kafka group
//! reader, binds the HTTP listener (port 0 works; `port()` tells the real one) and runs
//! the projection loop, the lag probe and the server side by side until shutdown. It
//! holds no projection logic of its own.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use platform::http_metrics::HttpMetrics;
use platform::kafka::{GroupReader, ReaderEvent, consumer_config};
use platform::metrics::{Metrics, metrics_endpoint};
use platform::shutdown::Shutdown;
use sqlx::MySqlPool;
use tokio::sync::mpsc;

use crate::cache::Publisher;
use crate::config::Settings;
use crate::consumer::Projector;
use crate::lag::LagProbe;
use crate::telemetry::ProjectorMetrics;

pub struct Application {
    port: u16,
    server: Server,
    projector: Projector,
    events: mpsc::Receiver<ReaderEvent>,
    reader: GroupReader,
    lag: LagProbe,
}

/// What `/readyz` checks.
#[derive(Clone)]
struct Readiness {
    pool: MySqlPool,
    redis: deadpool_redis::Pool,
    reader_alive: Arc<AtomicBool>,
}

impl Application {
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
            publisher: Publisher::new(redis.clone(), &settings.redis.key_prefix),
            metrics: ProjectorMetrics::new(&metrics),
            max_backoff: settings.projector.max_backoff(),
            positions: Arc::default(),
            alive: Arc::default(),
        };
        let topic = settings.kafka.events_topic();
        let group = &settings.projector.group_id;
        let start = crate::offsets::from_checkpoints(
            pool.clone(),
            projector.projection.clone(),
            tokio::runtime::Handle::current(),
        );
        let config = consumer_config(&settings.kafka.brokers, group);
        let (reader, events) = GroupReader::start(config, &topic, start, settings.projector.buffer)
            .context("Failed to start the Kafka group reader")?;
        let lag = LagProbe {
            brokers: settings.kafka.brokers.clone(),
            topic,
            group_id: group.clone(),
            interval: settings.projector.lag_interval(),
            positions: Arc::clone(&projector.positions),
            metrics: projector.metrics.clone(),
        };
        let readiness = Readiness {
            pool,
            redis,
            reader_alive: Arc::clone(&projector.alive),
        };
        let listener = TcpListener::bind((settings.http.host.as_str(), settings.http.port))
            .context("Failed to bind the HTTP listener")?;
        let port = listener.local_addr()?.port();
        let server = http_server(listener, metrics, readiness)?;
        Ok(Self {
            port,
            server,
            projector,
            events,
            reader,
            lag,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until `shutdown` fires: the loop finishes its in-flight batch, then the
    /// reader leaves the group and the server stops.
    pub async fn run_until_stopped(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let Self {
            server,
            projector,
            events,
            mut reader,
            lag,
            ..
        } = self;
        let handle = server.handle();
        let mut server = tokio::spawn(server);
        let lag = tokio::spawn(lag.run(shutdown.clone()));
        let result = tokio::select! {
            result = projector.run(events, shutdown) => result,
            result = &mut server => Err(anyhow::anyhow!("the HTTP server stopped: {result:?}")),
        };
        lag.abort();
        tokio::task::spawn_blocking(move || reader.stop()).await?;
        handle.stop(true).await;
        result
    }
}

fn http_server(
    listener: TcpListener,
    metrics: Metrics,
    readiness: Readiness,
) -> anyhow::Result<Server> {
    let http_metrics = web::Data::new(HttpMetrics::new(&metrics));
    let metrics = web::Data::new(metrics);
    let readiness = web::Data::new(readiness);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(platform::http_metrics::middleware))
            .wrap(from_fn(platform::request_id::middleware))
            .app_data(http_metrics.clone())
            .app_data(metrics.clone())
            .app_data(readiness.clone())
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

/// `GET /readyz`: MariaDB and Redis answer, and the projection loop is running.
async fn readyz(readiness: web::Data<Readiness>) -> HttpResponse {
    let checks = BTreeMap::from([
        ("mariadb", platform::db::ping(&readiness.pool).await),
        ("redis", platform::redis::ping(&readiness.redis).await),
        (
            "kafka_reader",
            readiness.reader_alive.load(Ordering::SeqCst),
        ),
    ]);
    platform::health::readiness(checks)
}
