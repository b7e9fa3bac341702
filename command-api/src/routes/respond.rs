//! Building responses: the bodies stored with a command (api.md §9: `{<kind>: snapshot,
//! operation}` for a 202, the bare resource for a 200), built from the state after the
//! command with the same representations and operation fold query-api serves; and the
//! HTTP answer for an accepted command or a replay. A stored body replays byte for byte.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use domain::Aggregate;
use domain::record::StoredResponse;
use platform::consistency::ConsistencyToken;
use platform::problem::Problem;
use serde_json::{Value, json};
use uuid::Uuid;
use views::StateRow;
use views::operation::OperationRow;

use crate::error;
use crate::writer::{Accepted, SubmitError};

/// The operation a command with id `command_id` started (or finished at once), as the
/// events it appended state it; `None` if they state nothing about it.
pub fn operation_of<A: Aggregate>(
    state: &A,
    events: &[A::Event],
    command_id: Uuid,
    principal: &str,
) -> Option<Value> {
    let facts: Vec<_> = events
        .iter()
        .flat_map(|e| A::operation_facts(e, state.id(), principal))
        .filter(|f| f.operation_id == command_id)
        .collect();
    OperationRow::from_facts(&facts, state.owner()).map(|row| row.to_resource())
}

/// `202 Accepted` with `{<kind>: resource, operation}` and the headers of api.md §9.
pub fn accepted(
    kind: &str,
    resource: Value,
    location: String,
    operation: Option<Value>,
    version: u64,
) -> StoredResponse {
    let mut headers = vec![
        ("ETag".into(), format!("\"{version}\"")),
        ("Location".into(), location),
    ];
    if let Some(id) = operation.as_ref().and_then(|op| op["id"].as_str()) {
        headers.push((
            "Operation-Location".into(),
            format!("/api/v1/operations/{id}"),
        ));
        // api.md §9: every 202 says when to poll, even for an operation already done.
        headers.push(("Retry-After".into(), "2".into()));
    }
    let body = json!({ kind: resource, "operation": operation });
    StoredResponse {
        status: 202,
        headers,
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

/// The 202 of a command on an aggregate whose row is `R`.
pub fn accepted_row<R: StateRow>(
    state: &R::State,
    events: &[<R::State as Aggregate>::Event],
    command_id: Uuid,
    principal: &str,
    location: String,
) -> StoredResponse {
    let resource = R::from_state(state)
        .map(|r| r.to_resource())
        .unwrap_or(Value::Null);
    let operation = operation_of(state, events, command_id, principal);
    let kind = resource["kind"].as_str().unwrap_or("resource").to_owned();
    accepted(&kind, resource, location, operation, state.version())
}

/// `200 OK` with the bare resource and its `ETag`.
pub fn ok_row<R: StateRow>(state: &R::State) -> StoredResponse {
    let resource = R::from_state(state)
        .map(|r| r.to_resource())
        .unwrap_or(Value::Null);
    StoredResponse {
        status: 200,
        headers: vec![("ETag".into(), format!("\"{}\"", state.version()))],
        body: serde_json::to_vec(&resource).unwrap_or_default(),
    }
}

/// Turns a write-path outcome into the HTTP response.
pub fn outcome(result: Result<Accepted, SubmitError>) -> Result<HttpResponse, Problem> {
    let accepted = result.map_err(|e| error::problem(&e))?;
    let token = accepted.position.map(|p| ConsistencyToken::of([p]));
    Ok(http(&accepted.response, token.as_ref(), accepted.replayed))
}

/// The HTTP response of a stored answer.
pub fn http(
    response: &StoredResponse,
    token: Option<&ConsistencyToken>,
    replayed: bool,
) -> HttpResponse {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::ACCEPTED);
    let mut builder = HttpResponseBuilder::new(status);
    for (name, value) in &response.headers {
        builder.insert_header((name.as_str(), value.as_str()));
    }
    if let Some(token) = token.filter(|t| !t.is_empty()) {
        builder.insert_header(("Consistency-Token", token.to_string()));
    }
    if replayed {
        builder.insert_header(("Idempotent-Replayed", "true"));
    }
    if response.body.is_empty() {
        return builder.finish();
    }
    builder
        .content_type("application/json")
        .body(response.body.clone())
}
