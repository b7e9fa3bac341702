//! `POST /api/v1/operations/{id}:cancel`: best-effort cancel (api.md §9). An operation
//! id lives in its target's partition, so the instance serving that partition finds the
//! aggregate whose pending operation it is and asks it to cancel; the aggregate decides
//! whether it still can. An operation that is not in progress is a 409.

use actix_web::{HttpRequest, HttpResponse, web};
use platform::auth::Principal;
use platform::problem::{Code, Problem};
use uuid::Uuid;

use super::common::{self, Services, finish, parse_id};
use crate::writer::{CancelResponder, SubmitError};

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
    // Someone else's operation answers like one that does not exist: nothing leaks.
    let Some((kind, target, _)) = writer
        .operation_holder(partition, operation_id)
        .filter(|(_, _, owner)| principal.can_see(owner))
    else {
        return Err(not_in_progress(operation_id));
    };
    let respond: CancelResponder = Box::new(move |pending| cancel_answer(operation_id, pending));
    let Some(submission) = writer.cancel(kind, target, operation_id, principal, respond) else {
        return Err(Problem::of(Code::FailedPrecondition)
            .detail(format!("{kind} operations cannot be cancelled"))
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

fn not_in_progress(operation_id: Uuid) -> Problem {
    Problem::of(Code::FailedPrecondition)
        .detail("the operation is not in progress (it finished, or it does not exist)")
        .meta("operation_id", operation_id.to_string())
}

/// `200` with the cancel request's outcome as far as the aggregate can tell.
fn cancel_answer(operation_id: Uuid, pending: bool) -> domain::record::StoredResponse {
    let body = contract::operation::CancelRequested {
        kind: "operation".into(),
        id: operation_id,
        cancel_requested: true,
        done: !pending,
        status: if pending { "running" } else { "cancelled" }.into(),
    };
    domain::record::StoredResponse {
        status: 200,
        headers: vec![(
            "Operation-Location".into(),
            format!("/api/v1/operations/{operation_id}"),
        )],
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}
