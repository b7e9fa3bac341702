//! Droplet commands: create (one, or up to ten with `names[]`), patch (name, tags), DO
//! actions (`POST /droplets/{id}/actions`) and delete. Each handler authorises, parses,
//! builds domain commands and submits them (names through their reservation workflow);
//! the writer and the domain decide. Handlers never decide anything themselves.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::droplet::{Action, Droplet, DropletCommand, Origin};
use platform::auth::Principal;
use platform::kafka::partition_for;
use platform::problem::Problem;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;
use views::droplet::DropletRow;

use super::common::{self, Services, finish, forward_to, parse_id};
use super::metadata::{self, MetadataRoute};
use super::{body, input, respond};
use crate::names::Reserved;
use crate::preconditions;
use crate::providers;
use crate::workflows::appended_nothing;
use crate::workflows::droplets::{self as flow, NewDroplet};
use crate::writer::{Accepted, Command, Submission, SubmitError};

const CREATE_ROUTE: &str = "/api/v1/droplets";
const PATCH_ROUTE: &str = "/api/v1/droplets/{id}";
const ACTION_ROUTE: &str = "/api/v1/droplets/{id}/actions";
const DELETE_ROUTE: &str = "/api/v1/droplets/{id}";

/// `POST /api/v1/droplets`
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let input = input::droplets::create(&object)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, CREATE_ROUTE, &Value::Object(object))?;
    let writer = &services.writer;
    // All droplets of one request live in one partition: the key's, so retries of one
    // key meet the same writer, or else one this instance serves.
    let partition = match &idempotency {
        Some(key) => partition_for(key.scope.as_bytes(), writer.partitions()),
        None => writer.partition_of(&writer.id_for_new_aggregate()),
    };
    if !writer.serves(partition) {
        return forward_to(&req, raw, partition, &services).await;
    }
    let news: Vec<NewDroplet> = input
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| NewDroplet {
            owner: principal.id.clone(),
            name: name.clone(),
            region: input.region.slug.to_owned(),
            size: input.size,
            image: input.image.clone(),
            tags: input.tags.clone(),
            node_of: None,
            preferred_provider: input.provider.clone(),
            provider_class: input.provider_class.clone(),
            partition,
            principal: principal.clone(),
            idempotency: idempotency.clone().map(|mut key| {
                if input.bulk {
                    key.scope = format!("{}/{i}", key.scope);
                }
                key
            }),
            correlation: common::correlation(&req),
        })
        .collect();
    if !input.bulk {
        let new = news
            .into_iter()
            .next()
            .ok_or_else(|| Problem::invalid_argument("no droplet to create"))?;
        let result = flow::create(writer, &services.names, &services.providers, new).await;
        return match result {
            Err(error) => Err(providers::problem(&error, "#/provider")),
            accepted => respond::outcome(accepted),
        };
    }
    let accepted = create_all(&services, news)
        .await
        .map_err(|e| providers::problem(&e, "#/provider"))?;
    Ok(common::merged(&accepted, bulk_body(&accepted)))
}

/// Reserves every name first (all or nothing), then creates the droplets.
async fn create_all(
    services: &Services,
    news: Vec<NewDroplet>,
) -> Result<Vec<Accepted>, SubmitError> {
    let (writer, names) = (&services.writer, &services.names);
    let mut reserved: Vec<(Reserved, &NewDroplet)> = Vec::new();
    for new in &news {
        match flow::reserve(writer, names, new).await {
            Ok(held) => reserved.push((held, new)),
            Err(error) => {
                // Give back only the names this request took (see `Reserved`).
                for (held, new) in reserved.iter().filter(|(h, _)| h.fresh) {
                    let _ = names
                        .release(&new.owner, "droplet", &new.name, held.id)
                        .await;
                }
                return Err(error);
            }
        }
    }
    let holds: Vec<Reserved> = reserved.iter().map(|(held, _)| *held).collect();
    let mut accepted = Vec::new();
    for (held, new) in holds.into_iter().zip(news) {
        accepted.push(flow::create_reserved(writer, names, &services.providers, new, held).await?);
    }
    Ok(accepted)
}

/// `{droplets: [...], operations: [...]}` from each droplet's stored 202 body.
fn bulk_body(accepted: &[Accepted]) -> Value {
    let bodies: Vec<Value> = accepted
        .iter()
        .map(|a| serde_json::from_slice(&a.response.body).unwrap_or(Value::Null))
        .collect();
    json!({
        "droplets": bodies.iter().map(|b| b["droplet"].clone()).collect::<Vec<_>>(),
        "operations": bodies.iter().map(|b| b["operation"].clone()).collect::<Vec<_>>(),
    })
}

/// `PATCH /api/v1/droplets/{id}` (name, tags: metadata, answered 200).
pub async fn patch(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    let route = MetadataRoute::<Droplet> {
        route: PATCH_ROUTE,
        command_name: "droplet.update",
        parse: input::droplets::patch,
        update: |input, at| DropletCommand::Update {
            name: input.name,
            tags: input.tags,
            at,
        },
    };
    metadata::patch::<DropletRow>(req, path, payload, principal, services, &route).await
}

/// `POST /api/v1/droplets/{id}/actions`
pub async fn action(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "droplet")?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let action = input::droplets::action(&object)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, ACTION_ROUTE, &Value::Object(object))?;
    let writer = &services.writer;
    let operation_id = writer.id_beside(&id);
    let name = action.name();
    let rename_to = match &action {
        Action::Rename(name) => Some(name.clone()),
        _ => None,
    };
    let migrate_to = match &action {
        Action::Migrate(provider) => Some(provider.clone()),
        _ => None,
    };
    let command = DropletCommand::Act {
        action,
        operation_id,
        at: writer.clock().now(),
    };
    let correlation = common::correlation(&req);
    let by = principal.id.clone();
    let submission = Command::<Droplet>::new(
        id,
        command,
        operation_id,
        principal.clone(),
        command_name(name),
    )
    .expecting(preconditions::expected_version(&req))
    .idempotency(idempotency)
    .correlated(correlation)
    .respond(move |state, events, command_id| {
        respond::accepted_row::<DropletRow>(
            state,
            events,
            command_id,
            &by,
            flow::location(state.id),
        )
    });
    let result = match migrate_to {
        Some(target) => migrate(&services, &principal, id, &target, submission).await,
        None => {
            common::submit_renaming::<Droplet>(&services, &principal, id, rename_to, submission)
                .await
        }
    };
    match result {
        Err(error @ SubmitError::Domain(_)) => Err(providers::problem(&error, "#/provider")),
        result => finish(&req, raw, &services, result).await,
    }
}

/// A migration (features.md §2.8): reserve a slot on the target first (its partition's
/// owner decides), then move the droplet; the source's slot is released by the droplet
/// reconciler once `Migrated` is in the log, and a refused move gives the target's back.
/// To the user the slot moves at once: the droplet never runs without one.
async fn migrate(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    target: &str,
    submission: Submission,
) -> Result<Accepted, SubmitError> {
    let droplet = common::settled::<Droplet>(services, &id).await?;
    if !principal.can_see(&droplet.owner) {
        return Err(SubmitError::NotFound("droplet"));
    }
    // Already there: the droplet refuses the move, and its own slot must stay.
    if droplet.provider.as_deref() == Some(target) {
        return services.writer.submit(submission).await;
    }
    let placed = services
        .providers
        .reserve(target, id, Some(&droplet.region))
        .await?;
    let result = services.writer.submit(submission).await;
    if let Err(error) = &result
        && placed.fresh
        && appended_nothing(error)
        && let Err(error) = services.providers.release(target, id).await
    {
        tracing::warn!(%error, "giving back a refused migration's slot failed");
    }
    result
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
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = match parse_id(&path, "droplet") {
        Err(_) if query.allow_missing => return Ok(HttpResponse::NoContent().finish()),
        other => other?,
    };
    let idempotency =
        preconditions::idempotency(&req, &principal, DELETE_ROUTE, &Value::Object(Map::new()))?;
    let writer = &services.writer;
    let operation_id = writer.id_beside(&id);
    let command = DropletCommand::Delete {
        operation_id,
        origin: Origin::User,
        at: writer.clock().now(),
    };
    let correlation = common::correlation(&req);
    let by = principal.id.clone();
    let submission =
        Command::<Droplet>::new(id, command, operation_id, principal, "droplet.delete")
            .expecting(preconditions::expected_version(&req))
            .idempotency(idempotency)
            .correlated(correlation)
            .respond(move |state, events, command_id| {
                respond::accepted_row::<DropletRow>(
                    state,
                    events,
                    command_id,
                    &by,
                    flow::location(state.id),
                )
            });
    match writer.submit(submission).await {
        Err(error) if error.is_not_found() && query.allow_missing => {
            Ok(HttpResponse::NoContent().finish())
        }
        result => finish(&req, web::Bytes::new(), &services, result).await,
    }
}

fn command_name(action: &str) -> &'static str {
    match action {
        "power_on" => "droplet.power_on",
        "power_off" => "droplet.power_off",
        "shutdown" => "droplet.shutdown",
        "reboot" => "droplet.reboot",
        "power_cycle" => "droplet.power_cycle",
        "rename" => "droplet.rename",
        "resize" => "droplet.resize",
        "rebuild" => "droplet.rebuild",
        "snapshot" => "droplet.snapshot",
        "migrate" => "droplet.migrate",
        _ => "droplet.action",
    }
}
