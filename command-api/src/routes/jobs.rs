//! Job commands (api.md §11, §12.3): enqueue (`201`, sync), `:cancel`, `:retry` (`200`
//! with the job) and `DELETE` (`204`, terminal jobs only). A new job goes to its queue's
//! partition (`jobs::queue_partition`); later commands find it by id like any aggregate.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::job::{Job, JobCommand};
use domain::record::StoredResponse;
use platform::auth::Principal;
use platform::problem::Problem;
use serde_json::{Map, Value};

use super::common::{self, Services, finish, forward_to, parse_id};
use super::{body, input, respond};
use crate::jobs::admission::Admission;
use crate::jobs::metrics::EnqueueMetrics;
use crate::jobs::{JobSettings, queue_partition};
use crate::preconditions;
use crate::workflows::jobs::{self as flow, Enqueue, EnqueueError};
use crate::writer::{Accepted, Command};

const CREATE_ROUTE: &str = "/api/v1/jobs";
const CANCEL_ROUTE: &str = "/api/v1/jobs/{id}:cancel";
const RETRY_ROUTE: &str = "/api/v1/jobs/{id}:retry";
const DELETE_ROUTE: &str = "/api/v1/jobs/{id}";

/// `POST /api/v1/jobs`
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
    settings: web::Data<JobSettings>,
    admission: web::Data<Admission>,
    counted: web::Data<EnqueueMetrics>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let input = input::jobs::create(&object)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, CREATE_ROUTE, &Value::Object(object))?;
    let writer = &services.writer;
    let partition = queue_partition(&input.queue, writer.partitions());
    if !writer.serves(partition) {
        return forward_to(&req, raw, partition, &services).await;
    }
    let job_type = input.args.type_name();
    let ctx = Enqueue {
        writer,
        names: &services.names,
        settings: &settings,
        admission: &admission,
        partition,
        principal,
        idempotency,
        correlation: common::correlation(&req),
    };
    let outcome = flow::enqueue(ctx, input).await;
    match &outcome {
        Ok(accepted) if !accepted.replayed => counted.enqueued(job_type),
        Ok(_) => {}
        Err(EnqueueError::QueueFull { .. }) => counted.rejected(job_type, "queue_full"),
        Err(EnqueueError::Duplicate(_)) => counted.rejected(job_type, "duplicate"),
        Err(EnqueueError::Submit(_)) => counted.rejected(job_type, "refused"),
    }
    match outcome {
        Ok(accepted) => respond::outcome(Ok(accepted)),
        Err(EnqueueError::Submit(error)) => finish(&req, raw, &services, Err(error)).await,
        Err(refused) => Err(refused.problem().unwrap_or_else(Problem::internal)),
    }
}

/// `POST /api/v1/jobs/{id}:cancel`
pub async fn cancel(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    let at = services.writer.clock().now();
    verb(
        req,
        path,
        principal,
        services,
        CANCEL_ROUTE,
        "job.cancel",
        JobCommand::Cancel { at },
    )
    .await
}

/// `POST /api/v1/jobs/{id}:retry`
pub async fn retry(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    let at = services.writer.clock().now();
    verb(
        req,
        path,
        principal,
        services,
        RETRY_ROUTE,
        "job.retry",
        JobCommand::Retry { at },
    )
    .await
}

/// A synchronous command answered `200` with the job.
async fn verb(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
    route: &str,
    name: &'static str,
    command: JobCommand,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "job")?;
    let idempotency =
        preconditions::idempotency(&req, &principal, route, &Value::Object(Map::new()))?;
    let command_id = services.writer.id_beside(&id);
    let correlation = common::correlation(&req);
    let submission = Command::<Job>::new(id, command, command_id, principal, name)
        .expecting(preconditions::expected_version(&req))
        .idempotency(idempotency)
        .correlated(correlation)
        .respond(|state, _, _| flow::job_response(state, 200));
    common::run(&req, web::Bytes::new(), &services, submission).await
}

/// `DELETE /api/v1/jobs/{id}` — `204`; a job that is not terminal is a `409`.
pub async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "job")?;
    let idempotency =
        preconditions::idempotency(&req, &principal, DELETE_ROUTE, &Value::Object(Map::new()))?;
    let writer = &services.writer;
    let command_id = writer.id_beside(&id);
    let command = JobCommand::Delete {
        at: writer.clock().now(),
    };
    let correlation = common::correlation(&req);
    let submission = Command::<Job>::new(id, command, command_id, principal, "job.delete")
        .expecting(preconditions::expected_version(&req))
        .idempotency(idempotency)
        .correlated(correlation)
        .respond(|_, _, _| StoredResponse {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        });
    let result = writer.submit(submission).await;
    if let Ok(Some(job)) = result.as_ref().map(Accepted::state::<Job>) {
        flow::release_key(&services.names, job).await;
    }
    finish(&req, web::Bytes::new(), &services, result).await
}
