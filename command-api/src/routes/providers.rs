//! Provider commands (features.md §2.8; admin only): register (`201`, IK, the name
//! reserved like a droplet's, kind `provider`), merge-patch (`200`, IK, `If-Match`
//! honoured), delete (`204`, `If-Match` honoured; refused while slots are reserved) —
//! and `POST /placements:simulate` (`200`, any signed-in user; reserves nothing). Every
//! provider lives in the providers' partition, so a request is served there or
//! forwarded to its owner whole; the aggregate decides.

use actix_web::{HttpRequest, HttpResponse, web};
use contract::provider::Placement;
use domain::Aggregate;
use domain::provider::{OWNER, Provider, ProviderCommand};
use domain::record::StoredResponse;
use platform::auth::{Principal, Role};
use platform::problem::Problem;
use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::provider::ProviderRow;

use super::common::{self, Services, finish, forward_to, parse_id};
use super::{body, input};
use crate::preconditions;
use crate::providers;
use crate::workflows::under_name;
use crate::writer::Command;

pub const COLLECTION_ROUTE: &str = "/api/v1/providers";
pub const ITEM_ROUTE: &str = "/api/v1/providers/{id}";
pub const SIMULATE_ROUTE: &str = "/api/v1/placements:simulate";

/// `POST /api/v1/providers`
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let input = input::providers::create(&object)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, COLLECTION_ROUTE, &Value::Object(object))?;
    let writer = &services.writer;
    let partition = providers::partition(writer);
    if !writer.serves(partition) {
        return forward_to(&req, raw, partition, &services).await;
    }
    let scope = idempotency.as_ref().map(|i| i.scope.clone());
    let names = &services.names;
    let result = async {
        let reserved = names
            .reserve_new(
                OWNER,
                "provider",
                &input.name,
                providers::new_id(writer),
                scope.as_deref(),
            )
            .await?;
        let id = reserved.id;
        under_name(
            names,
            OWNER,
            "provider",
            &input.name,
            reserved,
            async || {
                let command = ProviderCommand::Register {
                    id,
                    name: input.name.clone(),
                    spec: input.spec.clone(),
                    at: writer.clock().now(),
                };
                let submission = Command::<Provider>::new(
                    id,
                    command,
                    writer.id_beside(&id),
                    principal.clone(),
                    "provider.register",
                )
                .idempotency(idempotency.clone())
                .correlated(common::correlation(&req))
                .respond(|state, _, _| representation(state, 201));
                writer.submit(submission).await
            },
        )
        .await
    }
    .await;
    finish(&req, raw, &services, result).await
}

/// `PATCH /api/v1/providers/{id}` (JSON merge-patch, RFC 7396).
pub async fn patch(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    let id = parse_id(&path, "provider")?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let patch = input::providers::patch(&object)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, ITEM_ROUTE, &Value::Object(object))?;
    let writer = &services.writer;
    let command = ProviderCommand::Update {
        patch,
        at: writer.clock().now(),
    };
    let submission = Command::<Provider>::new(
        id,
        command,
        writer.id_beside(&id),
        principal,
        "provider.update",
    )
    .expecting(preconditions::expected_version(&req))
    .idempotency(idempotency)
    .correlated(common::correlation(&req))
    .respond(|state, _, _| representation(state, 200));
    common::run(&req, raw, &services, submission).await
}

/// `DELETE /api/v1/providers/{id}`; the name is free again once it is gone.
pub async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    let id = parse_id(&path, "provider")?;
    let idempotency = preconditions::idempotency(&req, &principal, ITEM_ROUTE, &Value::Null)?;
    let writer = &services.writer;
    let command = ProviderCommand::Delete {
        at: writer.clock().now(),
    };
    let submission = Command::<Provider>::new(
        id,
        command,
        writer.id_beside(&id),
        principal,
        "provider.delete",
    )
    .expecting(preconditions::expected_version(&req))
    .idempotency(idempotency)
    .correlated(common::correlation(&req))
    .respond(|state: &Provider, _, _| StoredResponse {
        status: 204,
        headers: vec![("ETag".into(), format!("\"{}\"", state.version()))],
        body: Vec::new(),
    });
    let result = writer.submit(submission).await;
    if let Some(state) = result.as_ref().ok().and_then(|a| a.state::<Provider>()) {
        release_name(&services, state).await;
    }
    finish(&req, web::Bytes::new(), &services, result).await
}

/// `POST /api/v1/placements:simulate`: what placement would choose now.
pub async fn simulate(
    req: HttpRequest,
    payload: web::Payload,
    _principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    let body::JsonBody { object, .. } = body::json_object(&req, payload).await?;
    let criteria = input::providers::simulate(&object)?;
    let placed = services
        .providers
        .simulate(&criteria)
        .await
        .map_err(|e| providers::problem(&e, "#/preferred_provider"))?;
    Ok(HttpResponse::Ok().json(Placement {
        provider: placed.provider,
        region: criteria.region,
        reasons: placed.reasons,
    }))
}

/// Gives a deleted provider's name back. Best effort: the delete is in the log either
/// way, and a name left held only blocks registering that name again.
async fn release_name(services: &Services, state: &Provider) {
    if !state.deleted {
        return;
    }
    if let Err(error) = services
        .names
        .release(OWNER, "provider", &state.name, state.id)
        .await
    {
        tracing::warn!(%error, provider = %state.name, "releasing a deleted provider's name failed");
    }
}

fn representation(state: &Provider, status: u16) -> StoredResponse {
    let body = ProviderRow::from_state(state)
        .map(|r| r.to_resource())
        .unwrap_or(Value::Null);
    let mut headers = vec![("ETag".into(), format!("\"{}\"", state.version))];
    if status == 201 {
        headers.push(("Location".into(), location(state.id)));
    }
    StoredResponse {
        status,
        headers,
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

fn location(id: Uuid) -> String {
    format!("/api/v1/providers/{id}")
}

fn admin(principal: &Principal) -> Result<(), Problem> {
    match principal.role {
        Role::Admin => Ok(()),
        role => Err(Problem::permission_denied(role.as_str())),
    }
}
