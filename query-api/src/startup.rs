//! `Application::build` wires settings into pools, the changes subscriber and the HTTP
//! server, and binds the listener itself so port 0 works in tests. `run_until_stopped`
//! runs the server and the subscriber under one supervisor until shutdown.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use platform::auth::TokenTable;
use platform::clock::SystemClock;
use platform::health::Readiness;
use platform::http_metrics::HttpMetrics;
use platform::metrics::Metrics;
use platform::shutdown::Shutdown;
use platform::supervisor::Supervisor;
use tokio::task::JoinHandle;

use crate::changes;
use crate::config::Settings;
use crate::consistency::ChangeFeed;
use crate::forward::Relay;
use crate::page_token::PageTokenKey;
use crate::routes::{self, service};
use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    changes: JoinHandle<()>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = platform::db::connect(&settings.database)
            .await
            .context("Failed to connect to MariaDB")?;
        let redis =
            platform::redis::pool(&settings.redis).context("Failed to build the Redis pool")?;
        let tokens = TokenTable::parse(&settings.auth.tokens)?;
        let metrics = Metrics::new()?;
        let http_metrics = HttpMetrics::new(&metrics);
        let feed = ChangeFeed::new(settings.kafka.partitions);
        let recheck = Duration::from_millis(settings.consistency.recheck_ms.max(10));
        let changes = changes::spawn(
            &settings.redis.url,
            &settings.redis.key_prefix,
            db.clone(),
            recheck,
            feed.clone(),
        )
        .await?;
        let relay = Relay::new(&settings.command_api_url, settings.http.body_limit)?;
        let state = AppState {
            db,
            redis,
            key_prefix: settings.redis.key_prefix.clone(),
            partitions: settings.kafka.partitions,
            page_tokens: PageTokenKey::new(
                &settings.pagination.secret,
                settings.pagination.token_ttl_hours,
            ),
            clock: Arc::new(SystemClock),
            consistency: settings.consistency.clone(),
            feed,
        };
        let listener = TcpListener::bind((settings.http.host.as_str(), settings.http.port))
            .context("Failed to bind the HTTP listener")?;
        let port = listener.local_addr()?.port();
        let shared = Shared {
            state: web::Data::new(state),
            relay: web::Data::new(relay),
            tokens: web::Data::new(tokens),
            metrics: web::Data::new(metrics),
            http_metrics: web::Data::new(http_metrics),
            body_limit: settings.http.body_limit,
            web_dir: service::spa(&settings.web_dir).map(|_| settings.web_dir.clone()),
        };
        let server = HttpServer::new(move || shared.clone().app())
            .listen(listener)?
            .disable_signals()
            .run();
        tracing::info!(port, "query-api listening");
        Ok(Self {
            port,
            server,
            changes,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` fires; the server or the changes subscriber stopping by
    /// itself stops the service with an error.
    pub async fn run_until_stopped(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let Self {
            server, changes, ..
        } = self;
        let handle = server.handle();
        let mut supervisor = Supervisor::new(Readiness::default());
        let mut stop = supervisor.shutdown();
        supervisor.spawn("changes", async move {
            let mut changes = changes;
            tokio::select! {
                ended = &mut changes => Err(anyhow::anyhow!("the changes subscriber stopped: {ended:?}")),
                () = stop.wait() => {
                    changes.abort();
                    Ok(())
                }
            }
        });
        let mut stop = supervisor.shutdown();
        supervisor.spawn("http", async move {
            tokio::select! {
                served = server => served.context("the HTTP server failed"),
                () = stop.wait() => {
                    handle.stop(true).await;
                    Ok(())
                }
            }
        });
        supervisor.run(shutdown).await
    }
}

/// Everything each worker's `App` is built from.
#[derive(Clone)]
struct Shared {
    state: web::Data<AppState>,
    relay: web::Data<Relay>,
    tokens: web::Data<TokenTable>,
    metrics: web::Data<Metrics>,
    http_metrics: web::Data<HttpMetrics>,
    body_limit: usize,
    web_dir: Option<String>,
}

impl Shared {
    fn app(
        self,
    ) -> App<
        impl actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        let web_dir = self.web_dir;
        App::new()
            .wrap(from_fn(platform::http_metrics::middleware))
            .wrap(from_fn(platform::request_id::middleware))
            .app_data(self.state.clone())
            .app_data(self.relay.clone())
            .app_data(self.tokens.clone())
            .app_data(self.metrics.clone())
            .app_data(self.http_metrics.clone())
            .app_data(web::PayloadConfig::new(self.body_limit))
            .app_data(routes::json_config(self.body_limit))
            .app_data(routes::query_config())
            .app_data(routes::path_config())
            .route("/healthz", web::get().to(platform::health::healthz))
            .route("/readyz", web::get().to(service::readyz))
            .route(
                "/metrics",
                web::get().to(platform::metrics::metrics_endpoint),
            )
            .configure(routes::api)
            .configure(move |cfg| match web_dir.as_deref().and_then(service::spa) {
                Some(files) => {
                    cfg.service(files);
                }
                None => {
                    cfg.default_service(web::to(routes::not_found));
                }
            })
    }
}
