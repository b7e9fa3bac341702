//! `POST /api/v1/clusters/{id}/metrics`: a batch of node samples, each checked on its own
//! (`domain::telemetry::validate`) so one bad item never fails the batch, the accepted
//! ones published through the simulator's publisher. Only a body that is not a batch at
//! all (not an object, `samples` missing, not an array, empty or over the limit) is a
//! 422; an all-rejected batch is still 202 with every item's reason. Retries are safe
//! without an Idempotency-Key: the projection deduplicates by `sample_id`.

use std::collections::HashSet;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use contract::telemetry::{RejectedSample, SampleBatchResult};
use domain::cluster::Cluster;
use domain::telemetry::MetricSample;
use domain::telemetry::validate::{self, ProposedSample};
use platform::auth::Principal;
use platform::problem::{FieldError, Problem};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::body;
use super::common::{Services, forward_to, parse_id, settled};
use crate::telemetry::TelemetrySettings;
use crate::telemetry::publish::SamplePublisher;
use crate::writer::SubmitError;

/// `POST /api/v1/clusters/{id}/metrics`
pub async fn push(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
    publisher: web::Data<SamplePublisher>,
    settings: web::Data<TelemetrySettings>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "cluster")?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let items = batch_items(&object, settings.max_batch)?;
    let cluster = match settled::<Cluster>(&services, &id).await {
        Ok(cluster) => cluster,
        Err(SubmitError::NotOwned { partition }) => {
            return forward_to(&req, raw, partition, &services).await;
        }
        Err(error) => return Err(crate::error::problem(&error)),
    };
    if !principal.can_see(&cluster.owner) || !cluster.is_live() {
        return Err(Problem::not_found("cluster"));
    }
    let nodes: HashSet<Uuid> =
        crate::telemetry::live_nodes(&services.writer, services.writer.partition_of(&id), id)
            .into_iter()
            .collect();
    let now = services.writer.clock().now();
    let skew = Duration::seconds(settings.clock_skew_seconds);
    let mut accepted: Vec<MetricSample> = Vec::new();
    let mut rejected = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match read_item(item, index).and_then(|proposed| {
            validate::check(&proposed, id, |n| nodes.contains(&n), now, skew).map_err(|reason| {
                rejection(
                    index,
                    Some(proposed.sample_id),
                    field_of(reason),
                    reason.code(),
                    reason.detail(),
                )
            })
        }) {
            Ok(sample) => accepted.push(sample),
            Err(rejected_item) => rejected.push(rejected_item),
        }
    }
    publisher.publish(&accepted).await.map_err(|error| {
        tracing::warn!(%error, "pushed samples not published");
        Problem::unavailable("the samples topic is not reachable; retry the batch", 1)
    })?;
    let result = SampleBatchResult {
        kind: "metric_batch".into(),
        cluster_id: id,
        accepted: accepted.iter().map(|s| s.sample_id).collect(),
        rejected,
    };
    Ok(HttpResponse::Accepted().json(result))
}

/// The items of a batch, or a 422 when the body is not a batch at all.
fn batch_items(object: &Map<String, Value>, max: usize) -> Result<Vec<Value>, Problem> {
    if let Some(extra) = object.keys().find(|k| k.as_str() != "samples") {
        return Err(Problem::validation(vec![FieldError::new(
            format!("#/{extra}"),
            "UNKNOWN_FIELD",
            "a batch has only `samples`",
        )]));
    }
    let invalid = |detail: String| {
        Problem::validation(vec![FieldError::new("#/samples", "INVALID_BATCH", detail)])
    };
    match object.get("samples") {
        Some(Value::Array(items)) if items.is_empty() => {
            Err(invalid("send at least one sample".into()))
        }
        Some(Value::Array(items)) if items.len() > max => {
            Err(invalid(format!("send at most {max} samples per batch")).meta("max_batch", max))
        }
        Some(Value::Array(items)) => Ok(items.clone()),
        _ => Err(invalid("`samples` must be an array of samples".into())),
    }
}

/// The route's pattern: `outcomes` leaves it out of the command counts (telemetry is
/// not a command).
pub const PUSH_ROUTE: &str = "/api/v1/clusters/{id}/metrics";

const ITEM_FIELDS: [&str; 6] = ["sample_id", "node_id", "type", "value", "unit", "at"];

/// One item's fields as the right JSON types, or its rejection pointing at the first bad one.
fn read_item(item: &Value, index: usize) -> Result<ProposedSample, RejectedSample> {
    let malformed = |field: &str, sample_id: Option<Uuid>, detail: &str| {
        rejection(index, sample_id, field, "INVALID_SAMPLE", detail)
    };
    let Value::Object(fields) = item else {
        return Err(malformed("", None, "each sample must be a JSON object"));
    };
    let text = |name: &str| fields.get(name).and_then(Value::as_str);
    let uuid = |name: &str| text(name).and_then(|t| Uuid::parse_str(t).ok());
    let sample_id = uuid("sample_id")
        .ok_or_else(|| malformed("sample_id", None, "sample_id must be a UUID"))?;
    let some = Some(sample_id);
    if let Some(extra) = fields.keys().find(|k| !ITEM_FIELDS.contains(&k.as_str())) {
        return Err(malformed(extra, some, "unknown field"));
    }
    let node_id =
        uuid("node_id").ok_or_else(|| malformed("node_id", some, "node_id must be a UUID"))?;
    let metric = text("type").ok_or_else(|| malformed("type", some, "type must be a string"))?;
    let unit = text("unit").ok_or_else(|| malformed("unit", some, "unit must be a string"))?;
    let value = fields
        .get("value")
        .and_then(Value::as_f64)
        .ok_or_else(|| malformed("value", some, "value must be a number"))?;
    let at = text("at")
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| malformed("at", some, "at must be an RFC 3339 time"))?;
    Ok(ProposedSample {
        sample_id,
        node_id,
        metric: metric.to_owned(),
        unit: unit.to_owned(),
        value,
        at,
    })
}

fn field_of(reason: validate::SampleRejection) -> &'static str {
    use validate::SampleRejection as R;
    match reason {
        R::UnknownType => "type",
        R::UnitMismatch => "unit",
        R::ValueOutOfRange => "value",
        R::UnknownNode => "node_id",
        R::InTheFuture => "at",
    }
}

fn rejection(
    index: usize,
    sample_id: Option<Uuid>,
    field: &str,
    code: &str,
    detail: &str,
) -> RejectedSample {
    let pointer = if field.is_empty() {
        format!("#/samples/{index}")
    } else {
        format!("#/samples/{index}/{field}")
    };
    RejectedSample {
        index,
        pointer,
        sample_id,
        code: code.to_owned(),
        detail: detail.to_owned(),
    }
}
