//! The one app builder all four binaries use: request ids, the request span (W3C trace
//! context in and out, one access line; `telemetry::http`), HTTP metrics, rate limits
//! (when the binary gives `RateLimits`; api.md §8), the extractor
//! error handlers that turn bad query strings, paths and bodies into problems,
//! `/healthz`, `/readyz` (reported checks plus live pings) and `/metrics`, and the HTTP
//! server as a supervised task. A binary adds its own routes and nothing else; it must
//! never re-implement any of these.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, HttpRequest, HttpResponse, ResponseError, web};
use anyhow::Context;
use sqlx::MySqlPool;

use crate::config::HttpSettings;
use crate::health::{Check, Readiness};
use crate::http_metrics::HttpMetrics;
use crate::metrics::{Metrics, metrics_endpoint};
use crate::problem::{Code, Problem};
use crate::ratelimit::RateLimits;
use crate::supervisor::Supervisor;
use crate::telemetry::http::ServiceName;

/// A check computed when `/readyz` is asked, from state the binary holds.
pub type DynamicCheck = Arc<dyn Fn() -> Check + Send + Sync>;

/// What `/readyz` looks at: checks reported by tasks, plus dependencies pinged live.
#[derive(Clone, Default)]
pub struct Probes {
    pub reported: Readiness,
    mariadb: Option<MySqlPool>,
    redis: Option<crate::redis::Pool>,
    dynamic: Vec<(&'static str, DynamicCheck)>,
}

impl Probes {
    pub fn new(reported: Readiness) -> Self {
        Self {
            reported,
            ..Self::default()
        }
    }

    pub fn mariadb(mut self, pool: MySqlPool) -> Self {
        self.mariadb = Some(pool);
        self
    }

    pub fn redis(mut self, pool: crate::redis::Pool) -> Self {
        self.redis = Some(pool);
        self
    }

    pub fn check(
        mut self,
        name: &'static str,
        check: impl Fn() -> Check + Send + Sync + 'static,
    ) -> Self {
        self.dynamic.push((name, Arc::new(check)));
        self
    }
}

/// Everything the common part of every worker's `App` is built from.
#[derive(Clone)]
pub struct Common {
    metrics: web::Data<Metrics>,
    http_metrics: web::Data<HttpMetrics>,
    probes: web::Data<Probes>,
    rate_limits: Option<web::Data<RateLimits>>,
    service: Option<web::Data<ServiceName>>,
    body_limit: usize,
}

impl Common {
    pub fn new(metrics: Metrics, probes: Probes, body_limit: usize) -> Self {
        Self {
            http_metrics: web::Data::new(HttpMetrics::new(&metrics)),
            metrics: web::Data::new(metrics),
            probes: web::Data::new(probes),
            rate_limits: None,
            service: None,
            body_limit,
        }
    }

    /// Limits every authenticated `/api/v1` request and reports limits on every answer.
    pub fn rate_limits(mut self, limits: web::Data<RateLimits>) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Names the service in its request spans (and so in every line logged under them),
    /// which keeps services sharing one process (the in-process test stack) apart.
    pub fn named(mut self, service: &'static str) -> Self {
        self.service = Some(web::Data::new(ServiceName(service)));
        self
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// An `App` with the shared middleware, error handlers and service routes (called
    /// once per worker, on a clone).
    pub fn app(
        self,
    ) -> App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = Error,
            InitError = (),
        >,
    > {
        let app = App::new();
        // Registered only by the services that limit; the middleware passes without it.
        let app = match self.rate_limits {
            Some(limits) => app.app_data(limits),
            None => app,
        };
        let app = match self.service {
            Some(service) => app.app_data(service),
            None => app,
        };
        // Innermost, so a 429 is still counted and stamped with its request id. The
        // request span sits inside the request id (which it records) and around the rest.
        app.wrap(from_fn(crate::ratelimit::middleware::middleware))
            .wrap(from_fn(crate::http_metrics::middleware))
            .wrap(from_fn(crate::telemetry::http::middleware))
            .wrap(from_fn(crate::request_id::middleware))
            .app_data(self.metrics)
            .app_data(self.http_metrics)
            .app_data(self.probes)
            .app_data(web::PayloadConfig::new(self.body_limit))
            .app_data(json_config(self.body_limit))
            .app_data(query_config())
            .app_data(path_config())
            .route("/healthz", web::get().to(crate::health::healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(metrics_endpoint))
    }
}

/// `GET /readyz`: every reported check, every dynamic one, and live pings.
async fn readyz(probes: web::Data<Probes>) -> HttpResponse {
    let mut checks = probes.reported.snapshot();
    for (name, check) in &probes.dynamic {
        checks.insert(name, check());
    }
    if let Some(pool) = &probes.mariadb {
        let up = ping(crate::db::ping(pool)).await;
        checks.insert("mariadb", Check::from_bool(up, "MariaDB does not answer"));
    }
    if let Some(pool) = &probes.redis {
        let up = ping(crate::redis::ping(pool)).await;
        checks.insert("redis", Check::from_bool(up, "Redis does not answer"));
    }
    crate::health::readiness(checks)
}

/// A dependency that does not answer within a second counts as down.
async fn ping(probe: impl Future<Output = bool>) -> bool {
    tokio::time::timeout(Duration::from_secs(1), probe)
        .await
        .unwrap_or(false)
}

/// Query strings that do not deserialize become 400 problems.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _| {
        Problem::invalid_argument(format!("the query string is not valid: {error}")).into()
    })
}

/// JSON bodies that do not deserialize become 400 problems.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|error, _| {
            Problem::invalid_argument(format!("the body is not valid JSON: {error}")).into()
        })
}

/// Path segments that do not deserialize become 404 problems.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| Problem::not_found("resource").into())
}

/// The answer for a path no route matches.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    Problem::of(Code::NotFound)
        .detail(format!("no route matches {}", req.path()))
        .error_response()
}

/// The answer for a known path with a method it does not serve.
pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    Problem::of(Code::MethodNotAllowed)
        .detail(format!("{} is not supported here", req.method()))
        .meta("method", req.method().as_str())
        .error_response()
}

/// Binds the listener itself, so port 0 works in tests; returns it with its real port.
pub fn bind(http: &HttpSettings) -> anyhow::Result<(TcpListener, u16)> {
    let listener = TcpListener::bind((http.host.as_str(), http.port))
        .with_context(|| format!("Failed to bind {}:{}", http.host, http.port))?;
    let port = listener.local_addr()?.port();
    Ok((listener, port))
}

/// Runs `server` under `supervisor`: stopped gracefully on shutdown, and a failure of
/// its own stops the service.
pub fn supervise_http(supervisor: &mut Supervisor, server: Server) {
    let handle = server.handle();
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
}
