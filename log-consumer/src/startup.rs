//! Builds and runs log-consumer's HTTP side (`/healthz`, `/readyz`, `/metrics`). Port 0
//! works for tests. It never blocks a request on Kafka or Loki.

use std::collections::BTreeMap;
use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use platform::http_metrics::HttpMetrics;
use platform::metrics::{Metrics, metrics_endpoint};
use platform::shutdown::Shutdown;

use crate::config::Settings;

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind((settings.http.host.as_str(), settings.http.port))?;
        let port = listener.local_addr()?.port();
        let metrics = Metrics::new()?;
        let http_metrics = web::Data::new(HttpMetrics::new(&metrics));
        let metrics = web::Data::new(metrics);
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(platform::http_metrics::middleware))
                .app_data(http_metrics.clone())
                .app_data(metrics.clone())
                .route("/healthz", web::get().to(platform::health::healthz))
                .route("/readyz", web::get().to(readyz))
                .route("/metrics", web::get().to(metrics_endpoint))
        })
        .listen(listener)?
        .disable_signals()
        .workers(1)
        .run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let handle = self.server.handle();
        tokio::select! {
            result = self.server => result?,
            _ = shutdown.wait() => handle.stop(true).await,
        }
        Ok(())
    }
}

/// Nothing to depend on yet: shipping is not implemented, so readiness is the process.
async fn readyz() -> HttpResponse {
    platform::health::readiness(BTreeMap::from([("process", platform::health::Check::up())]))
}
