//! The bounded summary of one event: the operation facts it states (id, type, progress,
//! outcome) and the one-line message its aggregate's registration gives (`kinds.rs`;
//! the cluster's is its timeline message). Built from the typed events' facts only —
//! never from the payload bytes — so secrets such as a droplet's `user_data` can never
//! reach it; strings are cut and the JSON is capped. Knows no aggregate type.

use domain::operation::{OperationChange, OperationFact};
use serde_json::{Map, Value, json};

/// Longest string kept in a summary, in characters.
const MAX_TEXT: usize = 200;
/// Largest summary, in bytes of JSON; a larger one keeps only its message.
const MAX_JSON: usize = 1024;

/// The summary of one event: its message and operation facts, capped at `MAX_JSON`.
pub fn render(message: Option<String>, facts: &[OperationFact]) -> String {
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
