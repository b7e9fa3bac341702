//! Request metrics for every binary: `cg_http_server_requests_total{route,method,status}`
//! and `cg_http_server_request_duration_seconds{route,method}`. Labels are route
//! patterns and status classes, never raw paths, ids or users.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram};

use crate::metrics::Metrics;

#[derive(Clone)]
pub struct HttpMetrics {
    requests: Counter<u64>,
    duration: Histogram<f64>,
}

impl HttpMetrics {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("http");
        Self {
            requests: meter.u64_counter("cg_http_server_requests").build(),
            duration: meter
                .f64_histogram("cg_http_server_request_duration")
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
        let status = format!("{}xx", response.status().as_u16() / 100);
        let labels = [
            KeyValue::new("route", route),
            KeyValue::new("method", method),
        ];
        metrics
            .duration
            .record(started.elapsed().as_secs_f64(), &labels);
        let mut with_status = labels.to_vec();
        with_status.push(KeyValue::new("status", status));
        metrics.requests.add(1, &with_status);
    }
    Ok(response)
}
