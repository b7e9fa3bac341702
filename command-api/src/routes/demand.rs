//! `PUT /api/v1/clusters/{id}/demand`: the load the telemetry simulator offers a cluster
//! (issue 11), a synchronous command on the `Cluster` aggregate answered 200 with the
//! cluster (its `demand` shown). `If-Match` checks the cluster's version, an
//! Idempotency-Key is honoured; an unknown or foreign cluster is 404, a viewer 403.
//! The handler decides nothing: the aggregate refuses a cluster that is going away.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::cluster::{Cluster, ClusterCommand};
use platform::auth::Principal;
use platform::problem::Problem;
use serde_json::Value;
use views::cluster::ClusterRow;

use super::common::{self, Services, parse_id};
use super::{body, input, respond};
use crate::preconditions;
use crate::writer::Command;

pub const ROUTE: &str = "/api/v1/clusters/{id}/demand";

/// `PUT /api/v1/clusters/{id}/demand`
pub async fn put(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "cluster")?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let demand = input::demand::demand(&object)?;
    let idempotency = preconditions::idempotency(&req, &principal, ROUTE, &Value::Object(object))?;
    let writer = &services.writer;
    let command = ClusterCommand::SetDemand {
        demand,
        at: writer.clock().now(),
    };
    let correlation = common::correlation(&req);
    let submission = Command::<Cluster>::new(
        id,
        command,
        writer.id_beside(&id),
        principal,
        "cluster.set_demand",
    )
    .expecting(preconditions::expected_version(&req))
    .idempotency(idempotency)
    .correlated(correlation)
    .respond(|state, _, _| respond::ok_row::<ClusterRow>(state));
    common::run(&req, raw, &services, submission).await
}
