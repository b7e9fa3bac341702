//! The request span of every service: a child of the caller's W3C `traceparent` (the
//! SPA's, or query-api's when it relays) or the root of a new trace; every line logged
//! while serving carries its `trace_id`, `request_id` and `service`. The response carries
//! the span's `traceparent`, and one access line is logged per request (service routes —
//! health, readiness, metrics — at debug). Bodies are never logged.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use tracing::Instrument;
use tracing::field::Empty;

use super::context::{self, TRACEPARENT, TRACESTATE};
use crate::request_id::RequestId;

/// The service an app serves for, as its request spans name it.
#[derive(Debug, Clone, Copy)]
pub struct ServiceName(pub &'static str);

/// Routes polled by machines, logged at debug so they do not drown the access log.
const QUIET_ROUTES: &[&str] = &["/healthz", "/readyz", "/metrics"];

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let span = tracing::info_span!(
        "http request",
        service = Empty,
        request_id = Empty,
        method = %req.method(),
    );
    if let Some(name) = req.app_data::<web::Data<ServiceName>>() {
        span.record("service", name.0);
    }
    if let Some(id) = req.extensions().get::<RequestId>() {
        span.record("request_id", id.0.as_str());
    }
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    context::adopt(
        &span,
        context::parent_from(header(TRACEPARENT), header(TRACESTATE)),
    );
    let started = Instant::now();
    let mut response = next.call(req).instrument(span.clone()).await?;
    if let Some(headers) = context::headers_of(&span)
        && let Ok(value) = HeaderValue::from_str(&headers.traceparent)
    {
        response
            .headers_mut()
            .insert(HeaderName::from_static(TRACEPARENT), value);
    }
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let status = response.status().as_u16();
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if QUIET_ROUTES.contains(&route.as_str()) {
            tracing::debug!(route, status, duration_ms, "request served");
        } else {
            tracing::info!(route, status, duration_ms, "request served");
        }
    });
    Ok(response)
}
