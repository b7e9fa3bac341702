//! Node pool commands, entities inside the cluster aggregate (so `If-Match` is the
//! cluster's version): add a pool, patch one (a `count` change is operation
//! `node_pool.scale`), delete one, and remove or replace one node. The node-pool
//! reconciler then drives the droplets; handlers decide nothing themselves.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::cluster::{Cluster, ClusterCommand, ClusterEvent};
use domain::droplet::Droplet;
use platform::auth::Principal;
use platform::problem::Problem;
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;
use views::StateRow;
use views::cluster::{ClusterRow, pool_resource};

use super::common::{self, Services, finish, parse_id, settled};
use super::{body, input, respond};
use crate::preconditions;
use crate::writer::{Command, SubmitError};

const ADD_ROUTE: &str = "/api/v1/clusters/{id}/node_pools";
const PATCH_ROUTE: &str = "/api/v1/clusters/{id}/node_pools/{pool_id}";
const DELETE_ROUTE: &str = "/api/v1/clusters/{id}/node_pools/{pool_id}";
const NODE_ROUTE: &str = "/api/v1/clusters/{id}/node_pools/{pool_id}/nodes/{node_id}";

/// `POST /api/v1/clusters/{id}/node_pools`
pub async fn add(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "cluster")?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let mut errors = Vec::new();
    let pool = input::clusters::pool_spec(&object, "#", None, &mut || Uuid::now_v7(), &mut errors);
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let pool = pool.ok_or_else(|| Problem::invalid_argument("the node pool could not be read"))?;
    let pool_id = pool.id;
    let idempotency =
        preconditions::idempotency(&req, &principal, ADD_ROUTE, &Value::Object(object))?;
    let command = |operation_id, at| ClusterCommand::AddPool {
        pool,
        operation_id,
        at,
    };
    let submission = pool_command(
        &req,
        &services,
        id,
        principal,
        "node_pool.create",
        idempotency,
        pool_id,
        command,
    );
    common::run(&req, raw, &services, submission).await
}

/// `PATCH /api/v1/clusters/{id}/node_pools/{pool_id}`
pub async fn patch(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let (id, pool_id) = ids(&path)?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let changes = input::clusters::pool_patch(&object)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, PATCH_ROUTE, &Value::Object(object))?;
    let name = if changes.count.is_some() {
        "node_pool.scale"
    } else {
        "node_pool.update"
    };
    let command = |operation_id, at| ClusterCommand::UpdatePool {
        pool_id,
        changes,
        operation_id,
        at,
    };
    let submission = pool_command(
        &req,
        &services,
        id,
        principal,
        name,
        idempotency,
        pool_id,
        command,
    );
    common::run(&req, raw, &services, submission).await
}

/// `DELETE /api/v1/clusters/{id}/node_pools/{pool_id}`
pub async fn delete(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let (id, pool_id) = ids(&path)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, DELETE_ROUTE, &Value::Object(Map::new()))?;
    let command = |operation_id, at| ClusterCommand::DeletePool {
        pool_id,
        operation_id,
        at,
    };
    let submission = pool_command(
        &req,
        &services,
        id,
        principal,
        "node_pool.delete",
        idempotency,
        pool_id,
        command,
    );
    common::run(&req, web::Bytes::new(), &services, submission).await
}

#[derive(Debug, Deserialize)]
pub struct NodeQuery {
    #[serde(default)]
    skip_drain: bool,
    #[serde(default)]
    replace: bool,
}

/// `DELETE /api/v1/clusters/{id}/node_pools/{pool_id}/nodes/{node_id}`
pub async fn remove_node(
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    query: web::Query<NodeQuery>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let (id, pool_id) = ids(&web::Path::from((path.0.clone(), path.1.clone())))?;
    let node_id = parse_id(&path.2, "node")?;
    let idempotency =
        preconditions::idempotency(&req, &principal, NODE_ROUTE, &Value::Object(Map::new()))?;
    // Nodes live in their cluster's partition, so the node is known right here.
    let result = match settled::<Droplet>(&services, &node_id).await {
        Ok(node)
            if node
                .node_of
                .is_some_and(|n| n.cluster_id == id && n.node_pool_id == pool_id)
                && node.is_live() =>
        {
            let (replace, skip_drain) = (query.replace, query.skip_drain);
            let command = |operation_id, at| ClusterCommand::RemoveNode {
                pool_id,
                node_id,
                replace,
                skip_drain,
                operation_id,
                at,
            };
            let name = if replace {
                "node.replace"
            } else {
                "node.delete"
            };
            let submission = pool_command(
                &req,
                &services,
                id,
                principal,
                name,
                idempotency,
                pool_id,
                command,
            );
            services.writer.submit(submission).await
        }
        Ok(_) => Err(SubmitError::NotFound("node")),
        Err(error) if error.is_not_found() => Err(SubmitError::NotFound("node")),
        Err(error) => Err(error),
    };
    finish(&req, web::Bytes::new(), &services, result).await
}

fn ids(path: &web::Path<(String, String)>) -> Result<(Uuid, Uuid), Problem> {
    Ok((
        parse_id(&path.0, "cluster")?,
        parse_id(&path.1, "node_pool")?,
    ))
}

/// A command on pool `pool_id` of cluster `id`, answered 202 with the pool and the
/// operation (or 404 if the pool is gone after it).
#[allow(clippy::too_many_arguments)]
fn pool_command(
    req: &HttpRequest,
    services: &Services,
    id: Uuid,
    principal: Principal,
    name: &'static str,
    idempotency: Option<crate::writer::IdempotencyRequest>,
    pool_id: Uuid,
    command: impl FnOnce(Uuid, chrono::DateTime<chrono::Utc>) -> ClusterCommand,
) -> crate::writer::Submission {
    let writer = &services.writer;
    let operation_id = writer.id_beside(&id);
    let command = command(operation_id, writer.clock().now());
    let correlation = common::correlation(req);
    let by = principal.id.clone();
    Command::<Cluster>::new(id, command, operation_id, principal, name)
        .expecting(preconditions::expected_version(req))
        .idempotency(idempotency)
        .correlated(correlation)
        .respond(move |state, events, command_id| {
            pool_accepted(state, events, command_id, &by, pool_id)
        })
}

fn pool_accepted(
    state: &Cluster,
    events: &[ClusterEvent],
    command_id: Uuid,
    by: &str,
    pool_id: Uuid,
) -> domain::record::StoredResponse {
    let row = ClusterRow::from_state(state);
    let pool = row
        .as_ref()
        .and_then(|r| r.pool_records().into_iter().find(|p| p.id == pool_id))
        .map(|p| views::row::to_value(&pool_resource(state.id, &p)))
        .unwrap_or(Value::Null);
    let operation = respond::operation_of(state, events, command_id, by);
    let location = format!("/api/v1/clusters/{}/node_pools/{pool_id}", state.id);
    respond::accepted("node_pool", pool, location, operation, state.version)
}
