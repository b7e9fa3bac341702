//! Builds and runs log-consumer's HTTP side (`/healthz`, `/readyz`, `/metrics`). Port 0
//! works for tests. It never blocks a request on Kafka or Loki.

use actix_web::HttpServer;
use actix_web::dev::Server;
use platform::health::Readiness;
use platform::metrics::Metrics;
use platform::service::{Common, Probes};
use platform::shutdown::Shutdown;

use crate::config::Settings;

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let (listener, port) = platform::service::bind(&settings.http)?;
        // Nothing to depend on yet: shipping is not built, so readiness is the process.
        let probes =
            Probes::new(Readiness::default()).check("process", platform::health::Check::up);
        let common = Common::new(Metrics::new()?, probes, settings.http.body_limit);
        let server = HttpServer::new(move || common.clone().app())
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
