//! Cluster commands: create (with its node pools, under a unique name), patch (name,
//! tags; the region is immutable) and delete (`If-Match` required, cascading to pools
//! and nodes through the node-pool reconciler). Handlers decide nothing themselves.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::cluster::{Cluster, ClusterCommand};
use platform::auth::Principal;
use platform::kafka::partition_for;
use platform::problem::Problem;
use serde_json::{Map, Value};
use views::cluster::ClusterRow;

use super::common::{self, Services, finish, forward_to, parse_id};
use super::metadata::{self, MetadataRoute};
use super::{body, input, respond};
use crate::preconditions;
use crate::workflows::clusters as flow;
use crate::writer::Command;

const CREATE_ROUTE: &str = "/api/v1/clusters";
const PATCH_ROUTE: &str = "/api/v1/clusters/{id}";
const DELETE_ROUTE: &str = "/api/v1/clusters/{id}";

/// `POST /api/v1/clusters`
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let writer = &services.writer;
    let input = input::clusters::create(&object, &mut || uuid::Uuid::now_v7())?;
    let idempotency =
        preconditions::idempotency(&req, &principal, CREATE_ROUTE, &Value::Object(object))?;
    let partition = match &idempotency {
        Some(key) => partition_for(key.scope.as_bytes(), writer.partitions()),
        None => writer.partition_of(&writer.id_for_new_aggregate()),
    };
    if !writer.serves(partition) {
        return forward_to(&req, raw, partition, &services).await;
    }
    let correlation = common::correlation(&req);
    let result = flow::create(
        writer,
        &services.names,
        input,
        partition,
        principal,
        idempotency,
        correlation,
    )
    .await;
    finish(&req, raw, &services, result).await
}

/// `PATCH /api/v1/clusters/{id}` (name, tags: metadata, answered 200).
pub async fn patch(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    let route = MetadataRoute::<Cluster> {
        route: PATCH_ROUTE,
        command_name: "cluster.update",
        parse: input::clusters::patch,
        update: |input, at| ClusterCommand::Update {
            name: input.name,
            tags: input.tags,
            at,
        },
    };
    metadata::patch::<ClusterRow>(req, path, payload, principal, services, &route).await
}

/// `?force=true` of `DELETE /clusters/{id}`.
#[derive(Debug, serde::Deserialize)]
pub struct DeleteQuery {
    #[serde(default)]
    force: bool,
}

/// `DELETE /api/v1/clusters/{id}` — `If-Match` required (428 without it); an enabled
/// autoscaling policy refuses it (409) unless `?force=true`.
pub async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<DeleteQuery>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "cluster")?;
    let expected = common::require_if_match(&req)?;
    let visible = matches!(
        services.writer.peek::<Cluster>(&id),
        crate::writer::Peek::Present(c) if principal.can_see(&c.owner)
    );
    if visible {
        crate::deployments::clear_for_cluster_delete(&services, id, query.force).await?;
        super::autoscaling::clear_for_cluster_delete(&services, id, query.force).await?;
    }
    let idempotency =
        preconditions::idempotency(&req, &principal, DELETE_ROUTE, &Value::Object(Map::new()))?;
    let writer = &services.writer;
    let operation_id = writer.id_beside(&id);
    let command = ClusterCommand::Delete {
        operation_id,
        at: writer.clock().now(),
    };
    let correlation = common::correlation(&req);
    let by = principal.id.clone();
    let submission =
        Command::<Cluster>::new(id, command, operation_id, principal, "cluster.delete")
            .expecting(expected)
            .idempotency(idempotency)
            .correlated(correlation)
            .respond(move |state, events, command_id| {
                respond::accepted_row::<ClusterRow>(
                    state,
                    events,
                    command_id,
                    &by,
                    flow::location(state.id),
                )
            });
    common::run(&req, web::Bytes::new(), &services, submission).await
}
