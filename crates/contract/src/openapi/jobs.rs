//! OpenAPI operations of jobs, their attempts and logs, and queues (api.md §11, §12.3).
//! Bodies are empty: description only.

use crate::job::{Job, JobAttemptPage, JobCreate, JobPage, LogLinePage, QueueList};
use crate::problem::Problem;

use super::params::{ListParams, ReadParams};

#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs",
    params(ListParams, ("X-Min-Consistency-Token" = Option<String>, Header)),
    responses(
        (status = 200, description = "A page of jobs; filter on status, type, queue, priority, cluster_id",
            body = JobPage),
        (status = 400, description = "INVALID_FILTER, INVALID_PAGE_TOKEN, PAGE_TOKEN_EXPIRED, INVALID_ARGUMENT",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_jobs() {}

#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs",
    params(("Idempotency-Key" = Option<String>, Header)),
    request_body(content = JobCreate, content_type = "application/json"),
    responses(
        (status = 201, description = "The job, queued or scheduled", body = Job,
            headers(("Location" = String), ("ETag" = String), ("Consistency-Token" = String))),
        (status = 409, description = "DUPLICATE_JOB (`metadata.existing_job_id`), IDEMPOTENCY_KEY_IN_USE",
            body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED (INVALID_JOB_TYPE, INVALID_ID, …)", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn create_job() {}

#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs",
    params(("id" = uuid::Uuid, Path), ReadParams, ("If-None-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The job", body = Job, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the given version"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_job() {}

#[utoipa::path(delete, path = "/api/v1/jobs/{id}", tag = "jobs",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header),
        ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted; its unique_key is free again"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "INVALID_STATE_TRANSITION: the job is not terminal", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn delete_job() {}

#[utoipa::path(post, path = "/api/v1/jobs/{id}:cancel", tag = "jobs",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header),
        ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "Cancelled, or `cancel_requested` while its worker stops", body = Job,
            headers(("ETag" = String))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "INVALID_STATE_TRANSITION: the job already finished", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn cancel_job() {}

#[utoipa::path(post, path = "/api/v1/jobs/{id}:retry", tag = "jobs",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header),
        ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "Queued again with attempt 0", body = Job, headers(("ETag" = String))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "INVALID_STATE_TRANSITION: only failed, dead or cancelled jobs", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn retry_job() {}

#[utoipa::path(get, path = "/api/v1/jobs/{id}/attempts", tag = "jobs",
    params(("id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "Every attempt, oldest first", body = JobAttemptPage),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn job_attempts() {}

#[utoipa::path(get, path = "/api/v1/jobs/{id}/logs", tag = "jobs",
    params(("id" = uuid::Uuid, Path),
        ("attempt" = Option<u32>, Query, description = "Only this attempt's lines"),
        ("page_size" = Option<u32>, Query, description = "Default 100, at most 500"),
        ("page_token" = Option<String>, Query)),
    responses(
        (status = 200, description = "A page of log lines, oldest first", body = LogLinePage),
        (status = 400, description = "INVALID_ARGUMENT, INVALID_PAGE_TOKEN", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn job_logs() {}

#[utoipa::path(get, path = "/api/v1/jobs/{id}/logs:stream", tag = "jobs",
    params(("id" = uuid::Uuid, Path),
        ("attempt" = Option<u32>, Query, description = "Only this attempt's lines"),
        ("Last-Event-ID" = Option<u64>, Header, description = "Resume after this line (the `id` of \
            the last `line` event received)")),
    responses(
        (status = 200, description = "Server-sent events: `line` (a LogLine, `id` = its line id) per \
            line, then `end` with the job's final status", content_type = "text/event-stream", body = String),
        (status = 400, description = "INVALID_ARGUMENT (a Last-Event-ID this stream never sent)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn job_log_stream() {}

#[utoipa::path(get, path = "/api/v1/queues", tag = "jobs",
    responses(
        (status = 200, description = "Every queue with unfinished jobs or a pause switch", body = QueueList),
    ))]
pub fn list_queues() {}

#[utoipa::path(post, path = "/api/v1/queues/{name}:pause", tag = "jobs",
    params(("name" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "Paused: its jobs are not claimed (admin only)"),
        (status = 404, description = "NOT_FOUND: not a queue name", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn pause_queue() {}

#[utoipa::path(post, path = "/api/v1/queues/{name}:resume", tag = "jobs",
    params(("name" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "Resumed (admin only)"),
        (status = 404, description = "NOT_FOUND: not a queue name", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn resume_queue() {}
