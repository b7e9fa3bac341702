//! `POST /api/v1/operations/{id}:cancel`: best-effort cancel (api.md §9). An operation
//! id lives in its target's partition, so the instance serving that partition finds the
//! aggregate whose pending operation it is and asks it to cancel; the aggregate decides
//! whether it still can. An operation that is not in progress is a 409.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::cluster::{Cluster, ClusterCommand};
use domain::droplet::{Droplet, DropletCommand};
use platform::auth::Principal;
use platform::problem::{Code, Problem};
use serde_json::json;
use uuid::Uuid;

use super::common::{self, Services, finish, parse_id};
use crate::writer::{Command, SubmitError};

/// `POST /api/v1/operations/{id}:cancel`
pub async fn cancel(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let operation_id = parse_id(&path, "operation")?;
    let writer = &services.writer;
    let partition = writer.partition_of(&operation_id);
    if !writer.serves(partition) {
        return common::forward_to(&req, web::Bytes::new(), partition, &services).await;
    }
    let at = writer.clock().now();
    let respond = move |pending: bool| {
        let body = json!({
            "kind": "operation",
            "id": operation_id.to_string(),
            "cancel_requested": true,
            "done": !pending,
            "status": if pending { "running" } else { "cancelled" },
        });
        domain::record::StoredResponse {
            status: 200,
            headers: vec![(
                "Operation-Location".into(),
                format!("/api/v1/operations/{operation_id}"),
            )],
            body: serde_json::to_vec(&body).unwrap_or_default(),
        }
    };
    let submission = if let Some(target) = pending_on::<Droplet>(&services, partition, operation_id)
    {
        let command = DropletCommand::RequestCancel { operation_id, at };
        Command::<Droplet>::new(
            target,
            command,
            writer.id_beside(&target),
            principal,
            "operation.cancel",
        )
        .respond(move |state, _, _| {
            respond(
                state
                    .pending_operation
                    .as_ref()
                    .is_some_and(|p| p.id == operation_id),
            )
        })
    } else if let Some(target) = pending_on::<Cluster>(&services, partition, operation_id) {
        let command = ClusterCommand::RequestCancel { operation_id, at };
        Command::<Cluster>::new(
            target,
            command,
            writer.id_beside(&target),
            principal,
            "operation.cancel",
        )
        .respond(move |state, _, _| {
            respond(
                state
                    .pending_operation
                    .as_ref()
                    .is_some_and(|p| p.id == operation_id),
            )
        })
    } else {
        return Err(Problem::of(Code::FailedPrecondition)
            .detail("the operation is not in progress (it finished, or it does not exist)")
            .meta("operation_id", operation_id.to_string()));
    };
    let result = writer.submit(submission).await;
    finish(
        &req,
        web::Bytes::new(),
        &services,
        result.map_err(hide_other_owners),
    )
    .await
}

fn hide_other_owners(error: SubmitError) -> SubmitError {
    match error {
        SubmitError::NotFound(_) => SubmitError::NotFound("operation"),
        other => other,
    }
}

/// The aggregate of type `A` in `partition` whose pending operation is `operation_id`.
fn pending_on<A: domain::Aggregate>(
    services: &Services,
    partition: i32,
    operation_id: Uuid,
) -> Option<Uuid> {
    services
        .writer
        .observe_partition::<A>(partition, &|state: &A| {
            state
                .pending_operation()
                .is_some_and(|p| p.id == operation_id)
        })
        .first()
        .map(|observed| observed.state.id())
}
