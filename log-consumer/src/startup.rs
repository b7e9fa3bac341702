//! Builds and runs log-consumer: MariaDB (migrations applied, like the projector; sqlx
//! serialises concurrent runs), the `logs.*` group member, the Loki client when a URL is
//! configured, and under one supervisor the shipping loop, the readiness/lag probe, the
//! retention purge and the HTTP side (`/healthz`, `/readyz`, `/metrics`; port 0 works
//! in tests). It never blocks a request on Kafka or Loki.

use std::time::Duration;

use actix_web::HttpServer;
use actix_web::dev::Server;
use anyhow::Context;
use platform::health::Readiness;
use platform::metrics::Metrics;
use platform::service::{Common, Probes};
use platform::shutdown::Shutdown;
use platform::supervisor::Supervisor;

use crate::config::Settings;
use crate::loki::LokiClient;
use crate::pipeline::Pipeline;
use crate::probe::{self, Probe};
use crate::retention::purge_loop;
use crate::ship::Shipper;
use crate::sink::Sink;
use crate::telemetry::ShipMetrics;

pub struct Application {
    port: u16,
    server: Server,
    pipeline: Pipeline,
    probe: Probe,
    readiness: Readiness,
    settings: Settings,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = platform::db::connect(&settings.database)
            .await
            .context("Failed to connect to MariaDB")?;
        platform::db::migrate(&pool)
            .await
            .context("Failed to run migrations")?;
        let metrics = Metrics::new().context("Failed to set up metrics")?;
        let ship_metrics = ShipMetrics::new(&metrics);
        let loki = match settings.loki.base_url() {
            Some(url) => Some(LokiClient::new(
                &url,
                Duration::from_millis(settings.loki.timeout_ms),
            )?),
            None => None,
        };
        let source = crate::source::subscribe(&settings)?;
        let shipper = Shipper {
            source: source.clone(),
            sink: Sink::new(pool.clone()),
            loki: loki.clone(),
            own_topic: settings.own_topic(),
            retry: settings.retry,
            metrics: ship_metrics.clone(),
        };
        let readiness = Readiness::default();
        readiness.down(probe::KAFKA, "not probed yet");
        readiness.down(probe::LOKI, "not probed yet");
        let probe = Probe {
            source,
            loki,
            readiness: readiness.clone(),
            metrics: ship_metrics,
            interval: Duration::from_millis(settings.probe.interval_ms),
        };
        let probes = Probes::new(readiness.clone()).mariadb(pool);
        let common = Common::new(metrics, probes, settings.http.body_limit);
        let (listener, port) = platform::service::bind(&settings.http)?;
        let server = HttpServer::new(move || common.clone().app())
            .listen(listener)?
            .disable_signals()
            .shutdown_timeout(5)
            .workers(1)
            .run();
        Ok(Self {
            port,
            server,
            pipeline: Pipeline {
                shipper,
                limits: settings.batch,
            },
            probe,
            readiness,
            settings,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until `shutdown` fires; a batch being shipped then stays uncommitted and is
    /// read again by the next member of the group.
    pub async fn run_until_stopped(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let Self {
            server,
            pipeline,
            probe,
            readiness,
            settings,
            ..
        } = self;
        let sink = pipeline.shipper.sink.clone();
        let metrics = pipeline.shipper.metrics.clone();
        let mut supervisor = Supervisor::new(readiness);
        supervisor.spawn("shipping", pipeline.run(supervisor.shutdown()));
        supervisor.spawn("probe", probe.run(supervisor.shutdown()));
        supervisor.spawn(
            "retention",
            purge_loop(
                sink,
                settings.log_lines.retention_days,
                Duration::from_secs(settings.log_lines.purge_interval_s),
                metrics,
                supervisor.shutdown(),
            ),
        );
        platform::service::supervise_http(&mut supervisor, server);
        supervisor.run(shutdown).await
    }
}
