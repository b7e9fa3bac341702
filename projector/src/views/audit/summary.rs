//! The bounded summary of each event of a batch: the operation facts it states (id, type,
//! progress, outcome) and, for clusters, the timeline's one-line message. Built from the
//! typed events' facts only — never from the payload bytes — so secrets such as a
//! droplet's `user_data` can never reach it; strings are cut and the JSON is capped.

use domain::Aggregate;
use domain::autoscale::AutoscalingPolicy;
use domain::cluster::Cluster;
use domain::droplet::Droplet;
use domain::job::Job;
use domain::operation::{OperationChange, OperationFact};
use domain::queue::QueueControl;
use domain::rate_limit_policy::RateLimitPolicy;
use domain::reservation::NameReservation;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::kinds::events_of;
use crate::views::Applicable;
use crate::views::timeline::cluster_message;

/// Longest string kept in a summary, in characters.
const MAX_TEXT: usize = 200;
/// Largest summary, in bytes of JSON; a larger one keeps only its message.
const MAX_JSON: usize = 1024;

/// One JSON text per event of the record, in order (fewer when its type is unknown).
pub fn of(record: &Applicable<'_>) -> Vec<String> {
    let id = record.header.aggregate_id;
    let principal = record.header.principal.as_str();
    let events = record.events;
    None.or_else(|| typed::<Cluster>(events, id, principal, |e| Some(cluster_message(e))))
        .or_else(|| typed::<Droplet>(events, id, principal, |_| None))
        .or_else(|| typed::<Job>(events, id, principal, |_| None))
        .or_else(|| typed::<QueueControl>(events, id, principal, |_| None))
        .or_else(|| typed::<RateLimitPolicy>(events, id, principal, |_| None))
        .or_else(|| typed::<NameReservation>(events, id, principal, |_| None))
        .or_else(|| typed::<AutoscalingPolicy>(events, id, principal, |_| None))
        .unwrap_or_default()
}

fn typed<A: Aggregate>(
    events: &(dyn std::any::Any + Send + Sync),
    id: Uuid,
    principal: &str,
    message: impl Fn(&A::Event) -> Option<String>,
) -> Option<Vec<String>> {
    let events = events_of::<A>(events)?;
    Some(
        events
            .iter()
            .map(|event| render(message(event), &A::operation_facts(event, id, principal)))
            .collect(),
    )
}

/// The summary of one event: its message and operation facts, capped at `MAX_JSON`.
fn render(message: Option<String>, facts: &[OperationFact]) -> String {
    let mut summary = Map::new();
    if let Some(message) = &message {
        summary.insert("message".into(), Value::String(cut(message)));
    }
    if !facts.is_empty() {
        summary.insert(
            "operations".into(),
            Value::Array(facts.iter().map(fact).collect()),
        );
    }
    let text = Value::Object(summary).to_string();
    if text.len() <= MAX_JSON {
        return text;
    }
    let mut short = Map::new();
    if let Some(message) = message {
        short.insert("message".into(), Value::String(cut(&message)));
    }
    short.insert("truncated".into(), Value::Bool(true));
    Value::Object(short).to_string()
}

fn fact(fact: &OperationFact) -> Value {
    let id = fact.operation_id;
    match &fact.change {
        OperationChange::Started {
            op_type,
            target_kind,
            target_id,
            ..
        } => json!({
            "id": id, "change": "started", "type": cut(op_type),
            "target": { "kind": target_kind, "id": target_id },
        }),
        OperationChange::Progress {
            percent,
            step,
            message,
            ..
        } => json!({
            "id": id, "change": "progress", "percent": percent,
            "step": cut(step), "message": cut(message),
        }),
        OperationChange::CancelRequested => json!({ "id": id, "change": "cancel_requested" }),
        OperationChange::Succeeded => json!({ "id": id, "change": "succeeded" }),
        OperationChange::Failed { code, detail } => json!({
            "id": id, "change": "failed", "code": cut(code), "detail": cut(detail),
        }),
        OperationChange::Cancelled { reason } => json!({
            "id": id, "change": "cancelled", "reason": cut(reason),
        }),
    }
}

fn cut(text: &str) -> String {
    text.chars().take(MAX_TEXT).collect()
}
