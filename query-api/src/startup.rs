//! `Application::build` wires settings into pools, the changes subscriber, the SSE event
//! hub and the HTTP server on the shared app builder, and binds the listener itself so
//! port 0 works in tests. `run_until_stopped` runs the server and the subscriber (with the
//! hub) under one supervisor until shutdown.

use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{HttpServer, web};
use anyhow::Context;
use platform::auth::TokenTable;
use platform::clock::{SharedClock, SystemClock};
use platform::health::Readiness;
use platform::metrics::Metrics;
use platform::ratelimit::{Limiter, RateLimits, Routes};
use platform::service::{Common, Probes};
use platform::shutdown::Shutdown;
use platform::supervisor::Supervisor;
use tokio::task::JoinHandle;

use crate::billing::Metering;
use crate::changes;
use crate::config::Settings;
use crate::consistency::ChangeFeed;
use crate::events::EventHub;
use crate::events::telemetry::StreamMetrics;
use crate::forward::Relay;
use crate::page_token::PageTokenKey;
use crate::routes::{self, service};
use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    changes: JoinHandle<()>,
    readiness: Readiness,
}

/// The limiter of api.md §8 over query-api's read routes; the mutations it relays are
/// limited by command-api, whose headers come back through the relay.
fn rate_limits(settings: &Settings, metrics: &Metrics) -> anyhow::Result<web::Data<RateLimits>> {
    let limiter = Limiter::new(
        &settings.rate_limit,
        &settings.redis.url,
        &settings.redis.key_prefix,
        views::rate_limit_policy::document_key,
        metrics,
    )?;
    let table = routes::table().into_iter().map(|r| (r.method, r.path));
    let routes = Routes::new(table).relaying_mutations();
    Ok(web::Data::new(RateLimits::new(Arc::new(limiter), routes)))
}

/// The changes subscriber and the event hub as one task: either ending ends it, and
/// aborting it aborts both.
fn with_hub(changes: JoinHandle<()>, hub: EventHub, feed: ChangeFeed) -> JoinHandle<()> {
    let hub = AbortOnDrop(tokio::spawn(hub.run(feed)));
    let changes = AbortOnDrop(changes);
    tokio::spawn(async move {
        let (mut changes, mut hub) = (changes, hub);
        tokio::select! {
            _ = &mut changes.0 => {}
            _ = &mut hub.0 => {}
        }
    })
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// `build` with an injected clock (tests move time; billing and health read it).
    pub async fn build_with_clock(settings: Settings, clock: SharedClock) -> anyhow::Result<Self> {
        let metering = web::Data::new(Metering(settings.billing.granularity()?));
        let db = platform::db::connect_repeatable_read(&settings.database)
            .await
            .context("Failed to connect to MariaDB")?;
        let redis =
            platform::redis::pool(&settings.redis).context("Failed to build the Redis pool")?;
        let tokens = web::Data::new(TokenTable::parse(&settings.auth.tokens)?);
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
        let relay = web::Data::new(Relay::new(
            &settings.command_api_url,
            settings.http.body_limit,
        )?);
        let readiness = Readiness::default();
        let metrics = Metrics::new()?;
        let events = EventHub::new(
            db.clone(),
            &feed,
            settings.events.clone(),
            StreamMetrics::new(&metrics),
        );
        let changes = with_hub(changes, events.clone(), feed.clone());
        let limits = rate_limits(&settings, &metrics)?;
        let waits = crate::consistency::WaitMetrics::new(&metrics);
        let probes = Probes::new(readiness.clone())
            .mariadb(db.clone())
            .redis(redis.clone())
            .check("rate_limiter", limits.readiness());
        let common = Common::new(metrics, probes, settings.http.body_limit)
            .named(crate::SERVICE)
            .rate_limits(limits);
        let state = web::Data::new(AppState {
            db,
            redis,
            key_prefix: settings.redis.key_prefix.clone(),
            partitions: settings.kafka.partitions,
            page_tokens: PageTokenKey::new(
                &settings.pagination.secret,
                settings.pagination.token_ttl_hours,
            ),
            clock,
            consistency: settings.consistency.clone(),
            waits,
            feed,
            events,
            totals: Default::default(),
            grafana_url: settings.grafana_url.clone().filter(|u| !u.is_empty()),
        });
        let (listener, port) = platform::service::bind(&settings.http)?;
        let web_dir = service::spa(&settings.web_dir).map(|_| settings.web_dir.clone());
        let spec = contract::openapi::document();
        let health = web::Data::new(settings.node_metrics.clone());
        let server = HttpServer::new(move || {
            let web_dir = web_dir.clone();
            common
                .clone()
                .app()
                .app_data(state.clone())
                .app_data(relay.clone())
                .app_data(tokens.clone())
                .app_data(health.clone())
                .app_data(metering.clone())
                .configure(routes::api)
                .service(service::docs(spec.clone()))
                .configure(move |cfg| match web_dir.as_deref().and_then(service::spa) {
                    Some(files) => {
                        cfg.service(files);
                    }
                    None => {
                        cfg.default_service(web::to(platform::service::not_found));
                    }
                })
        })
        .listen(listener)?
        .disable_signals()
        .run();
        tracing::info!(port, "query-api listening");
        Ok(Self {
            port,
            server,
            changes,
            readiness,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` fires; the server or the changes subscriber stopping by
    /// itself stops the service with an error.
    pub async fn run_until_stopped(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let Self {
            server,
            changes,
            readiness,
            ..
        } = self;
        let mut supervisor = Supervisor::new(readiness);
        let mut stop = supervisor.shutdown();
        supervisor.spawn("changes", async move {
            let mut changes = changes;
            tokio::select! {
                ended = &mut changes => Err(anyhow::anyhow!("the changes subscriber or the event hub stopped: {ended:?}")),
                () = stop.wait() => {
                    changes.abort();
                    Ok(())
                }
            }
        });
        platform::service::supervise_http(&mut supervisor, server);
        supervisor.run(shutdown).await
    }
}
