//! Building responses: the 202 body stored with the command (`{droplet, operation}`, the
//! snapshot taken on the command side), and the HTTP answer for an accepted command or a
//! replay. The stored body is what a replay returns byte for byte.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use domain::droplet::Droplet;
use platform::problem::Problem;
use serde_json::json;
use uuid::Uuid;
use views::droplet::{DropletRow, rfc3339};

use crate::error;
use crate::writer::{Accepted, StoredResponse, SubmitError};

/// The 202 answer to a droplet command: the droplet after the command, and the operation.
pub fn droplet_accepted(
    state: &Droplet,
    command_id: Uuid,
    operation_type: &str,
    done: bool,
) -> StoredResponse {
    let droplet = DropletRow::from_state(state)
        .map(|row| row.to_resource())
        .unwrap_or_default();
    let created_at = state.updated_at.map(rfc3339);
    let operation = json!({
        "kind": "operation",
        "id": command_id.to_string(),
        "type": operation_type,
        "target": { "kind": "droplet", "id": state.id.to_string() },
        "status": if done { "succeeded" } else { "running" },
        "done": done,
        "created_at": created_at,
    });
    let body = serde_json::to_vec(&json!({ "droplet": droplet, "operation": operation }))
        .unwrap_or_default();
    StoredResponse {
        status: 202,
        headers: vec![
            ("Location".into(), format!("/api/v1/droplets/{}", state.id)),
            ("ETag".into(), format!("\"{}\"", state.version)),
        ],
        body,
    }
}

/// Turns a write-path outcome into the HTTP response.
pub fn outcome(result: Result<Accepted, SubmitError>) -> Result<HttpResponse, Problem> {
    let accepted = result.map_err(|e| error::problem(&e))?;
    let status = StatusCode::from_u16(accepted.response.status).unwrap_or(StatusCode::ACCEPTED);
    let mut response = HttpResponseBuilder::new(status);
    for (name, value) in &accepted.response.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    response.insert_header(("Consistency-Token", accepted.position.token()));
    if accepted.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response
        .content_type("application/json")
        .body(accepted.response.body))
}
