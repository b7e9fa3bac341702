//! `clustergenie_command_responses_total{method,outcome}`: how every mutation on `/api/v1` ended —
//! `replayed` (an idempotent retry answered from the log), else the HTTP status code
//! (`201`, `409`, `412`, `428`, `429`, `503`, …). Status codes and methods are bounded
//! sets; this never labels by path, id or user.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use opentelemetry::KeyValue;
use opentelemetry::metrics::Counter;
use platform::metrics::Metrics;
use platform::ratelimit::middleware::is_mutation;

#[derive(Clone)]
pub struct CommandOutcomes {
    responses: Counter<u64>,
}

impl CommandOutcomes {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("command-api");
        Self {
            responses: meter.u64_counter("clustergenie_command_responses").build(),
        }
    }
}

/// Middleware; outermost, so rate-limited (429) and precondition-required (428) answers
/// count too. Reads and service routes are not commands and are not counted.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let counted = req.path().starts_with("/api/v1/") && is_mutation(req.method());
    let outcomes = req.app_data::<web::Data<CommandOutcomes>>().cloned();
    let response = next.call(req).await?;
    // Pushed telemetry is not a command: it never reaches the event log.
    let telemetry =
        response.request().match_pattern().as_deref() == Some(crate::routes::metrics::PUSH_ROUTE);
    if let (true, false, Some(outcomes)) = (counted, telemetry, outcomes) {
        let replayed = response.headers().contains_key("idempotent-replayed");
        let outcome = if replayed {
            "replayed".to_owned()
        } else {
            response.status().as_u16().to_string()
        };
        let labels = [
            KeyValue::new("method", response.request().method().as_str().to_owned()),
            KeyValue::new("outcome", outcome),
        ];
        outcomes.responses.add(1, &labels);
    }
    Ok(response)
}
