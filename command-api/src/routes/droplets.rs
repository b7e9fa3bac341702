//! Droplet commands: create, actions (DO's `POST /droplets/{id}/actions`) and delete.
//! Each handler authorises, parses, builds one domain command and submits it; the
//! writer does the rest. Handlers never decide anything themselves.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::droplet::{CreateDroplet, DropletCommand, DropletError};
use platform::auth::Principal;
use platform::problem::Problem;
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::forward::{self, Forwarding};
use super::{body, input, respond};
use crate::preconditions;
use crate::writer::{Submission, SubmitError, Writer};

const CREATE_ROUTE: &str = "/api/v1/droplets";
const ACTION_ROUTE: &str = "/api/v1/droplets/{id}/actions";
const DELETE_ROUTE: &str = "/api/v1/droplets/{id}";

/// `POST /api/v1/droplets`
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    principal: Principal,
    writer: web::Data<Writer>,
    forwarding: web::Data<Forwarding>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let body::JsonBody { raw, object: json } = body::json_object(&req, payload).await?;
    let input = input::create(&json)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, CREATE_ROUTE, &Value::Object(json))?;
    // With a key, the new id lands in the key's partition, so retries meet the same writer.
    let id = idempotency.as_ref().map_or_else(
        || writer.id_for_new_aggregate(),
        |i| writer.id_in_partition_of(&i.scope),
    );
    let command = DropletCommand::Create(CreateDroplet {
        id,
        owner: principal.id.clone(),
        name: input.name,
        region: input.region.slug.to_owned(),
        size: input.size,
        image: input.image,
        tags: input.tags,
        at: writer.clock().now(),
    });
    let submission = Submission {
        aggregate_id: id,
        command,
        principal,
        command_name: "droplet.create",
        expected_version: None,
        idempotency,
        respond: Box::new(|state, command_id| {
            respond::droplet_accepted(state, command_id, "droplet.create", false)
        }),
        correlation_id: request_id(&req),
        traceparent: header(&req, "traceparent"),
    };
    submit(&req, raw, &writer, &forwarding, submission).await
}

/// `POST /api/v1/droplets/{id}/actions`
pub async fn action(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    writer: web::Data<Writer>,
    forwarding: web::Data<Forwarding>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path)?;
    let body::JsonBody { raw, object: json } = body::json_object(&req, payload).await?;
    let action = input::action(&json)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, ACTION_ROUTE, &Value::Object(json))?;
    let at = writer.clock().now();
    let (command, operation) = match action {
        input::ActionInput::PowerOn => (DropletCommand::PowerOn { at }, "droplet.power_on"),
        input::ActionInput::PowerOff => (DropletCommand::PowerOff { at }, "droplet.power_off"),
        input::ActionInput::Reboot => (DropletCommand::Reboot { at }, "droplet.reboot"),
        input::ActionInput::Rename(name) => (DropletCommand::Rename { name, at }, "droplet.rename"),
    };
    let submission = Submission {
        aggregate_id: id,
        command,
        principal,
        command_name: operation,
        expected_version: preconditions::expected_version(&req),
        idempotency,
        respond: Box::new(move |state, command_id| {
            respond::droplet_accepted(state, command_id, operation, true)
        }),
        correlation_id: request_id(&req),
        traceparent: header(&req, "traceparent"),
    };
    submit(&req, raw, &writer, &forwarding, submission).await
}

#[derive(Debug, Deserialize)]
pub struct DeleteQuery {
    #[serde(default)]
    allow_missing: bool,
}

/// `DELETE /api/v1/droplets/{id}`
pub async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<DeleteQuery>,
    principal: Principal,
    writer: web::Data<Writer>,
    forwarding: web::Data<Forwarding>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = match parse_id(&path) {
        Err(_) if query.allow_missing => return Ok(HttpResponse::NoContent().finish()),
        other => other?,
    };
    let idempotency =
        preconditions::idempotency(&req, &principal, DELETE_ROUTE, &Value::Object(Map::new()))?;
    let submission = Submission {
        aggregate_id: id,
        command: DropletCommand::Delete {
            at: writer.clock().now(),
        },
        principal,
        command_name: "droplet.delete",
        expected_version: preconditions::expected_version(&req),
        idempotency,
        respond: Box::new(|state, command_id| {
            respond::droplet_accepted(state, command_id, "droplet.delete", false)
        }),
        correlation_id: request_id(&req),
        traceparent: header(&req, "traceparent"),
    };
    match writer.submit(submission).await {
        Err(SubmitError::Domain(DropletError::NotFound)) if query.allow_missing => {
            Ok(HttpResponse::NoContent().finish())
        }
        Err(SubmitError::NotOwned { partition }) => {
            forward::to_owner(&req, web::Bytes::new(), partition, &writer, &forwarding).await
        }
        result => respond::outcome(result),
    }
}

/// Submits, forwarding to the partition's owner when another instance serves it.
async fn submit(
    req: &HttpRequest,
    raw: web::Bytes,
    writer: &Writer,
    forwarding: &Forwarding,
    submission: Submission,
) -> Result<HttpResponse, Problem> {
    match writer.submit(submission).await {
        Err(SubmitError::NotOwned { partition }) => {
            forward::to_owner(req, raw, partition, writer, forwarding).await
        }
        result => respond::outcome(result),
    }
}

fn parse_id(raw: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(raw).map_err(|_| Problem::not_found("droplet"))
}

fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn request_id(req: &HttpRequest) -> Option<String> {
    use actix_web::HttpMessage;
    req.extensions()
        .get::<platform::request_id::RequestId>()
        .map(|r| r.0.clone())
}
