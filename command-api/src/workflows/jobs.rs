//! Enqueueing a job: at most `capacity` non-terminal jobs per queue (else `503
//! QUEUE_FULL`, never a silent drop), and a `unique_key` taken like a name — reserved in
//! the `NameReservation` of (owner, "job", key) before the job is created, so of many
//! concurrent enqueues with one key exactly one wins; the others learn the winner's id
//! (`409 DUPLICATE_JOB`). The key stays held until the job is deleted.

use std::collections::HashSet;

use domain::job::{EnqueueJob, Job, JobCommand, UNIQUE_KEY_KIND};
use domain::record::StoredResponse;
use domain::rejection::{Meta, RejectionKind};
use platform::auth::Principal;
use platform::problem::{Code, Problem};
use uuid::Uuid;
use views::StateRow;
use views::job::JobRow;

use super::under_name;
use crate::jobs::JobSettings;
use crate::jobs::admission::Admission;
use crate::names::Names;
use crate::routes::input::jobs::JobInput;
use crate::writer::{Accepted, Command, IdempotencyRequest, SubmitError, Writer};

/// Why an enqueue was not accepted.
pub enum EnqueueError {
    Submit(SubmitError),
    /// The key is held by this job.
    Duplicate(Uuid),
    QueueFull {
        queue: String,
        capacity: usize,
    },
}

impl From<SubmitError> for EnqueueError {
    fn from(error: SubmitError) -> Self {
        match duplicate_of(&error) {
            Some(existing) => Self::Duplicate(existing),
            None => Self::Submit(error),
        }
    }
}

impl EnqueueError {
    pub fn problem(&self) -> Option<Problem> {
        match self {
            Self::Submit(_) => None,
            Self::Duplicate(existing) => Some(
                Problem::of(Code::DuplicateJob)
                    .detail(format!("a job with this unique_key exists: {existing}"))
                    .meta("existing_job_id", existing.to_string()),
            ),
            Self::QueueFull { queue, capacity } => Some(
                Problem::of(Code::QueueFull)
                    .detail(format!(
                        "queue {queue} holds {capacity} unfinished jobs, its capacity"
                    ))
                    .meta("queue", queue.clone())
                    .meta("capacity", *capacity as u64)
                    .header("Retry-After", "5"),
            ),
        }
    }
}

/// The holder named by a refused reservation of a unique key.
fn duplicate_of(error: &SubmitError) -> Option<Uuid> {
    let SubmitError::Domain(rejection) = error else {
        return None;
    };
    if rejection.kind != RejectionKind::AlreadyExists || rejection.resource != "name" {
        return None;
    }
    rejection
        .metadata
        .iter()
        .find_map(|(key, value)| match (key, value) {
            (&"existing_id", Meta::Text(id)) => Uuid::parse_str(id).ok(),
            _ => None,
        })
}

/// Everything an enqueue needs besides the input.
pub struct Enqueue<'a> {
    pub writer: &'a Writer,
    pub names: &'a Names,
    pub settings: &'a JobSettings,
    pub admission: &'a Admission,
    pub partition: i32,
    pub principal: Principal,
    pub idempotency: Option<IdempotencyRequest>,
    pub correlation: Option<String>,
}

/// Checks the queue's capacity, reserves the unique key (if any), creates the job.
pub async fn enqueue(ctx: Enqueue<'_>, input: JobInput) -> Result<Accepted, EnqueueError> {
    let writer = ctx.writer;
    let held: HashSet<Uuid> = writer
        .observe_partition::<Job>(ctx.partition, &|j: &Job| {
            j.queue == input.queue && j.occupies_queue()
        })
        .into_iter()
        .map(|o| o.state.id)
        .collect();
    let capacity = ctx.settings.queue_capacity;
    let fresh = writer.id_in_partition(ctx.partition);
    // Held until the enqueue is decided (dropped on return).
    let Some(_slot) = ctx.admission.admit(&input.queue, &held, capacity, fresh) else {
        return Err(EnqueueError::QueueFull {
            queue: input.queue,
            capacity,
        });
    };
    let owner = ctx.principal.id.clone();
    let Some(key) = input.unique_key.clone() else {
        return Ok(submit(&ctx, fresh, input).await?);
    };
    let scope = ctx.idempotency.as_ref().map(|i| i.scope.as_str());
    let reserved = ctx
        .names
        .reserve_new(&owner, UNIQUE_KEY_KIND, &key, fresh, scope)
        .await?;
    let id = reserved.id;
    let names = ctx.names;
    Ok(
        under_name(names, &owner, UNIQUE_KEY_KIND, &key, reserved, async || {
            submit(&ctx, id, input).await
        })
        .await?,
    )
}

async fn submit(ctx: &Enqueue<'_>, id: Uuid, input: JobInput) -> Result<Accepted, SubmitError> {
    let now = ctx.writer.clock().now();
    let command = JobCommand::Enqueue(EnqueueJob {
        id,
        owner: ctx.principal.id.clone(),
        args: input.args,
        queue: input.queue,
        priority: input.priority,
        run_at: input.run_at.unwrap_or(now),
        timeout_seconds: input.timeout_seconds,
        heartbeat_timeout_seconds: ctx.settings.heartbeat_timeout_s,
        retry: input.retry,
        unique_key: input.unique_key,
        trace_id: input
            .trace_id
            .or_else(platform::telemetry::context::current_trace_id),
        at: now,
    });
    let submission = Command::<Job>::new(id, command, id, ctx.principal.clone(), "job.enqueue")
        .idempotency(ctx.idempotency.clone())
        .correlated(ctx.correlation.clone())
        .respond(|state, _, _| created(state));
    ctx.writer.submit(submission).await
}

/// `201 Created` with the job, its `Location` and `ETag`.
fn created(job: &Job) -> StoredResponse {
    let mut response = job_response(job, 201);
    response.headers.push(("Location".into(), location(job.id)));
    response
}

/// The job as a `status` answer with its `ETag`.
pub fn job_response(job: &Job, status: u16) -> StoredResponse {
    let body = JobRow::from_state(job)
        .map(|r| r.to_resource())
        .unwrap_or_default();
    StoredResponse {
        status,
        headers: vec![("ETag".into(), format!("\"{}\"", job.version))],
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

pub fn location(id: Uuid) -> String {
    format!("/api/v1/jobs/{id}")
}

/// Releases a deleted job's unique key; a failure leaves it to the pool's sweep.
pub async fn release_key(names: &Names, job: &Job) {
    if let Some(key) = &job.unique_key
        && let Err(error) = names
            .release(&job.owner, UNIQUE_KEY_KIND, key, job.id)
            .await
    {
        tracing::debug!(%error, job_id = %job.id, "releasing a unique_key failed; the pool will");
    }
}
