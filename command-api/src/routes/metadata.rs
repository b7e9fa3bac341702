//! The one `PATCH` of metadata (api.md §2: `name` and `tags`, answered 200 with the bare
//! resource) every named aggregate shares: parse, build the aggregate's update command,
//! submit it — under a reservation of the new name when it renames. A resource's route
//! supplies only its parser and its command; nothing here knows a concrete aggregate.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::Aggregate;
use platform::auth::Principal;
use platform::problem::Problem;
use proto::WireEvent;
use serde_json::{Map, Value};
use views::StateRow;

use super::common::{self, Services, finish, parse_id};
use super::input::MetadataPatch;
use super::{body, respond};
use crate::preconditions;
use crate::writer::Command;

/// What differs between the metadata patches of two resources.
pub struct MetadataRoute<A: Aggregate> {
    /// The route pattern, which scopes Idempotency-Keys.
    pub route: &'static str,
    /// Operation-style name recorded in the batch header, e.g. `droplet.update`.
    pub command_name: &'static str,
    pub parse: fn(&Map<String, Value>) -> Result<MetadataPatch, Problem>,
    pub update: fn(MetadataPatch, DateTime<Utc>) -> A::Command,
}

/// `PATCH <collection>/{id}` for the aggregate whose row is `R`.
pub async fn patch<R>(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
    route: &MetadataRoute<R::State>,
) -> Result<HttpResponse, Problem>
where
    R: StateRow,
    <R::State as Aggregate>::Event: WireEvent,
{
    principal.require_mutation()?;
    let id = parse_id(&path, <R::State as Aggregate>::NAME)?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let input = (route.parse)(&object)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, route.route, &Value::Object(object))?;
    let writer = &services.writer;
    let rename_to = input.name.clone();
    let command = (route.update)(input, writer.clock().now());
    let correlation = common::correlation(&req);
    let submission = Command::<R::State>::new(
        id,
        command,
        writer.id_beside(&id),
        principal.clone(),
        route.command_name,
    )
    .expecting(preconditions::expected_version(&req))
    .idempotency(idempotency)
    .correlated(correlation)
    .respond(|state, _, _| respond::ok_row::<R>(state));
    let result =
        common::submit_renaming::<R::State>(&services, &principal, id, rename_to, submission).await;
    finish(&req, raw, &services, result).await
}
