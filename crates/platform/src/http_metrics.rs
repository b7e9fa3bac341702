//! Request metrics for every binary, named as OpenTelemetry's HTTP semantic conventions
//! (features.md §5): `http_server_request_duration_seconds{http_route,
//! http_request_method, http_response_status_code}`; request counts are its `_count`.
//! Labels are route patterns (`unmatched` for none), methods and status codes, never raw
//! paths, ids or users.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use opentelemetry::KeyValue;
use opentelemetry::metrics::Histogram;

use crate::metrics::Metrics;

#[derive(Clone)]
pub struct HttpMetrics {
    duration: Histogram<f64>,
}

impl HttpMetrics {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("http");
        Self {
            duration: meter
                .f64_histogram("http_server_request_duration")
                .with_unit("s")
                .with_boundaries(vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ])
                .build(),
        }
    }
}

/// Middleware; reads `web::Data<HttpMetrics>` from the app and records nothing without it.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let metrics = req.app_data::<web::Data<HttpMetrics>>().cloned();
    let started = Instant::now();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        let method = response.request().method().as_str().to_owned();
        let labels = [
            KeyValue::new("http_route", route),
            KeyValue::new("http_request_method", method),
            KeyValue::new(
                "http_response_status_code",
                i64::from(response.status().as_u16()),
            ),
        ];
        metrics
            .duration
            .record(started.elapsed().as_secs_f64(), &labels);
    }
    Ok(response)
}
