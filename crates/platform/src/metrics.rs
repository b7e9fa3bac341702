//! OpenTelemetry meters exported in Prometheus text format on `GET /metrics`. The encode
//! step lives in one function so the exporter can be swapped in one place (stack.md P4).
//! Label values must stay bounded: route patterns and status classes, never ids.

use actix_web::{HttpResponse, web};
use opentelemetry::metrics::{Meter, MeterProvider as _};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use prometheus::{Encoder, Registry, TextEncoder};

/// The meter provider of one binary and the registry `/metrics` reads.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    provider: SdkMeterProvider,
}

impl Metrics {
    /// Builds a provider whose instruments are exported through a private registry.
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        let exporter = opentelemetry_prometheus::exporter()
            .with_registry(registry.clone())
            .scope_info_enabled(false)
            .without_target_info()
            .build()?;
        let provider = SdkMeterProvider::builder().with_reader(exporter).build();
        // The log sink's counters, on every binary's `/metrics`.
        crate::telemetry::stats::register(&provider.meter("logs"));
        Ok(Self { registry, provider })
    }

    pub fn meter(&self, name: &'static str) -> Meter {
        self.provider.meter(name)
    }

    /// The exposition text of every instrument.
    pub fn encode(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(%error, "failed to encode metrics");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

/// `GET /metrics`.
pub async fn metrics_endpoint(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.encode())
}
