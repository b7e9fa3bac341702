//! `POST /api/v1/queues/{name}:pause` and `:resume` (api.md §11): admin only, since a
//! queue is shared by every owner. The queue's control aggregate lives in the queue's
//! partition (`jobs::queue_id`), next to its jobs; answered `200` with the control.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::queue::{QueueCommand, QueueControl};
use domain::record::StoredResponse;
use platform::auth::{Principal, Role};
use platform::problem::Problem;
use serde_json::{Map, Value, json};

use super::common::{self, Services};
use super::input::jobs::valid_queue_name;
use crate::jobs::queue_id;
use crate::preconditions;
use crate::writer::Command;

/// `POST /api/v1/queues/{name}:pause`
pub async fn pause(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    control(req, path, principal, services, true).await
}

/// `POST /api/v1/queues/{name}:resume`
pub async fn resume(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    control(req, path, principal, services, false).await
}

async fn control(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
    pause: bool,
) -> Result<HttpResponse, Problem> {
    if principal.role != Role::Admin {
        return Err(Problem::permission_denied(principal.role.as_str()));
    }
    let name = path.into_inner();
    if !valid_queue_name(&name) {
        return Err(Problem::not_found("queue"));
    }
    let route = if pause {
        "/api/v1/queues/{name}:pause"
    } else {
        "/api/v1/queues/{name}:resume"
    };
    let idempotency =
        preconditions::idempotency(&req, &principal, route, &Value::Object(Map::new()))?;
    let writer = &services.writer;
    let id = queue_id(&name, writer.partitions());
    let (by, at) = (principal.id.clone(), writer.clock().now());
    let command = if pause {
        QueueCommand::Pause { id, name, by, at }
    } else {
        QueueCommand::Resume { id, name, by, at }
    };
    let command_name = if pause { "queue.pause" } else { "queue.resume" };
    let submission =
        Command::<QueueControl>::new(id, command, writer.id_beside(&id), principal, command_name)
            .idempotency(idempotency)
            .respond(|state, _, _| answer(state));
    common::run(&req, web::Bytes::new(), &services, submission).await
}

fn answer(queue: &QueueControl) -> StoredResponse {
    let body = json!({"kind": "queue_control", "name": queue.name, "paused": queue.paused});
    StoredResponse {
        status: 200,
        headers: Vec::new(),
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}
