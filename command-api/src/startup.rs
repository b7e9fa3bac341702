//! Builds and runs command-api: binds the listener (port 0 works) and, under one
//! supervisor, runs the HTTP server, the log task (waits for Kafka, ensures the topics,
//! joins the writer group, feeds the writer) and the reconcilers until shutdown. A task
//! that stops by itself stops the service with an error.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use platform::auth::TokenTable;
use platform::clock::SharedClock;
use platform::health::{Check, Readiness};
use platform::http_metrics::HttpMetrics;
use platform::kafka::{self, GroupReader, StartOffsets, TopicSpec};
use platform::metrics::{Metrics, metrics_endpoint};
use platform::problem::Problem;
use platform::shutdown::Shutdown;
use platform::supervisor::Supervisor;
use rdkafka::Offset;

use crate::config::Settings;
use crate::ownership::Directory;
use crate::provisioner::Provisioner;
use crate::routes::forward::Forwarding;
use crate::routes::{self, body::BodyLimit};
use crate::writer::{MAX_PARTITIONS, Phase, Writer, WriterConfig};
use platform::relay::Relay;

pub struct Application {
    port: u16,
    server: Server,
    writer: Writer,
    provisioner: Option<Provisioner>,
    readiness: Readiness,
    settings: Settings,
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
        let listener = TcpListener::bind((settings.http.host.as_str(), settings.http.port))
            .with_context(|| {
                format!(
                    "Failed to bind {}:{}",
                    settings.http.host, settings.http.port
                )
            })?;
        let port = listener.local_addr()?.port();
        let metrics = Metrics::new()?;
        let directory = Directory::new(
            platform::redis::pool(&settings.redis)?,
            &settings.redis.key_prefix,
            &topic,
        );
        let advertised_url = advertised_url(&settings, port);
        let writer = build_writer(
            &settings,
            &topic,
            partitions,
            clock,
            &metrics,
            &advertised_url,
            directory.clone(),
        )?;
        let tokens = TokenTable::parse(&settings.auth.tokens)?;
        let forwarding = Forwarding {
            directory,
            relay: Relay::new(Duration::from_millis(
                settings.writer.read_back_timeout_ms + 5_000,
            ))?,
            forwarded: metrics
                .meter("command-api")
                .u64_counter("cg_commands_forwarded")
                .build(),
        };
        let readiness = Readiness::default();
        readiness.down(kafka::KAFKA_CHECK, "connecting");
        let server = http_server(
            listener,
            &settings,
            writer.clone(),
            tokens,
            metrics,
            forwarding,
            readiness.clone(),
        )?;
        let provisioner = settings
            .provisioner
            .enabled
            .then(|| Provisioner::new(writer.clone(), settings.provisioner.clone()));
        Ok(Self {
            port,
            server,
            writer,
            provisioner,
            readiness,
            settings,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn writer(&self) -> Writer {
        self.writer.clone()
    }

    /// Runs until `shutdown` fires or a supervised task (the log reader, a reconciler,
    /// the HTTP server) stops on its own, which is an error.
    pub async fn run_until_stopped(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let Self {
            server,
            writer,
            provisioner,
            readiness,
            settings,
            ..
        } = self;
        let handle = server.handle();
        let mut supervisor = Supervisor::new(readiness.clone());
        supervisor.spawn(
            "log_reader",
            log_task(writer, settings, readiness, supervisor.shutdown()),
        );
        if let Some(provisioner) = provisioner {
            let stop = supervisor.shutdown();
            supervisor.spawn("provisioner", async move {
                provisioner.run(stop).await;
                Ok(())
            });
        }
        let mut stop = supervisor.shutdown();
        supervisor.spawn("http", async move {
            tokio::select! {
                served = server => served.context("HTTP server failed"),
                () = stop.wait() => {
                    handle.stop(true).await;
                    Ok(())
                }
            }
        });
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
        TopicSpec::logs(&settings.kafka, "command-api"),
    ];
    if !kafka::ensure_topics_with_backoff(brokers, &specs, &readiness, shutdown.clone()).await? {
        return Ok(());
    }
    let start_offsets: StartOffsets =
        Arc::new(|ps: &[i32]| ps.iter().map(|p| (*p, Offset::Beginning)).collect());
    let config = kafka::consumer_config(brokers, &settings.writer.group_id);
    let topic = settings.kafka.events_topic();
    let (mut reader, events) = GroupReader::start(config, &topic, start_offsets, 64)?;
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
    partitions: i32,
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
        partitions,
        read_back_timeout: Duration::from_millis(settings.writer.read_back_timeout_ms),
        idempotency_retention: chrono::Duration::hours(settings.idempotency.retention_hours),
    };
    let producer = kafka::producer(&settings.kafka.brokers)?;
    let metadata =
        kafka::consumer_config(&settings.kafka.brokers, "command-api-metadata").create()?;
    Ok(Writer::new(
        config,
        producer,
        metadata,
        clock,
        metrics,
        Some(directory),
    ))
}

fn http_server(
    listener: TcpListener,
    settings: &Settings,
    writer: Writer,
    tokens: TokenTable,
    metrics: Metrics,
    forwarding: Forwarding,
    readiness: Readiness,
) -> anyhow::Result<Server> {
    let writer = web::Data::new(writer);
    let readiness = web::Data::new(readiness);
    let forwarding = web::Data::new(forwarding);
    let tokens = web::Data::new(tokens);
    let http_metrics = web::Data::new(HttpMetrics::new(&metrics));
    let metrics = web::Data::new(metrics);
    let limit = web::Data::new(BodyLimit(settings.http.body_limit));
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(platform::http_metrics::middleware))
            .wrap(from_fn(platform::request_id::middleware))
            .app_data(writer.clone())
            .app_data(forwarding.clone())
            .app_data(tokens.clone())
            .app_data(http_metrics.clone())
            .app_data(metrics.clone())
            .app_data(limit.clone())
            .app_data(readiness.clone())
            .app_data(
                web::QueryConfig::default()
                    .error_handler(|e, _| Problem::invalid_argument(e.to_string()).into()),
            )
            .app_data(
                web::PathConfig::default()
                    .error_handler(|_, _| Problem::not_found("resource").into()),
            )
            .route("/healthz", web::get().to(platform::health::healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(metrics_endpoint))
            .configure(routes::configure)
            .default_service(web::to(|| async {
                Err::<HttpResponse, Problem>(Problem::not_found("route"))
            }))
    })
    .listen(listener)?
    .disable_signals()
    .run();
    Ok(server)
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

/// Ready when Kafka is reachable, at least one partition is assigned and every assigned
/// one is served, and no supervised task has died.
async fn readyz(writer: web::Data<Writer>, readiness: web::Data<Readiness>) -> HttpResponse {
    let phases: Vec<Phase> = writer.phases().into_iter().flatten().collect();
    let serving = !phases.is_empty() && phases.iter().all(|p| *p == Phase::Serving);
    let mut checks = readiness.snapshot();
    checks.insert(
        "log_ownership",
        Check::from_bool(serving, "partitions are unassigned, restoring or fenced"),
    );
    platform::health::readiness(checks)
}
