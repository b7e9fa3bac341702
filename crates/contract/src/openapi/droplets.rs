//! OpenAPI operations of droplets: reads (query-api) and mutations (command-api, also
//! reachable through query-api's relay). Bodies are empty: description only.

use crate::droplet::Droplet;
use crate::envelope::{DropletAccepted, DropletCreated, DropletPage, OperationPage};
use crate::problem::Problem;
use crate::requests::{DropletAction, DropletCreate, DropletPatch};

use super::params::{DeleteParams, ListParams, ReadParams};

#[utoipa::path(get, path = "/api/v1/droplets", tag = "droplets",
    params(ListParams, ("X-Min-Consistency-Token" = Option<String>, Header,
        description = "Wait until the read models reflect this token")),
    responses(
        (status = 200, description = "A page of droplets", body = DropletPage),
        (status = 400, description = "INVALID_FILTER, INVALID_PAGE_TOKEN, PAGE_TOKEN_EXPIRED, INVALID_ARGUMENT, INVALID_CONSISTENCY_TOKEN",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_droplets() {}

#[utoipa::path(post, path = "/api/v1/droplets", tag = "droplets",
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for 24 h")),
    request_body(content = DropletCreate, content_type = "application/json"),
    responses(
        (status = 202, description = "Accepted: the droplet(s) and operation(s)", body = DropletCreated,
            headers(("Location" = String), ("Operation-Location" = String), ("Retry-After" = u32),
                ("Consistency-Token" = String))),
        (status = 409, description = "ALREADY_EXISTS (name taken), IDEMPOTENCY_KEY_IN_USE",
            body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED (every invalid field in `errors`), IDEMPOTENCY_KEY_REUSED",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn create_droplet() {}

#[utoipa::path(get, path = "/api/v1/droplets/{id}", tag = "droplets",
    params(("id" = uuid::Uuid, Path), ReadParams,
        ("If-None-Match" = Option<String>, Header, description = "A version seen before")),
    responses(
        (status = 200, description = "The droplet (until purged, even when deleted)", body = Droplet,
            headers(("ETag" = String, description = "The version"),
                ("Retry-After" = u32, description = "While an operation is in flight"))),
        (status = 304, description = "Unchanged since the given version"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_droplet() {}

#[utoipa::path(patch, path = "/api/v1/droplets/{id}", tag = "droplets",
    params(("id" = uuid::Uuid, Path),
        ("If-Match" = Option<String>, Header, description = "Only if the version still matches"),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = DropletPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The renamed or retagged droplet", body = Droplet,
            headers(("ETag" = String))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "ALREADY_EXISTS (name taken), INVALID_STATE_TRANSITION (deleted)",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn patch_droplet() {}

#[utoipa::path(delete, path = "/api/v1/droplets/{id}", tag = "droplets",
    params(("id" = uuid::Uuid, Path), DeleteParams,
        ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 202, description = "Deleting (soft; purged later)", body = DropletAccepted,
            headers(("Location" = String), ("Operation-Location" = String), ("Retry-After" = u32))),
        (status = 204, description = "`allow_missing` and there was no such droplet"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "RESOURCE_LOCKED, INVALID_STATE_TRANSITION (e.g. a node: remove it through its pool)",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn delete_droplet() {}

#[utoipa::path(post, path = "/api/v1/droplets/{id}/actions", tag = "droplets",
    params(("id" = uuid::Uuid, Path),
        ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = DropletAction, content_type = "application/json"),
    responses(
        (status = 202, description = "The action started", body = DropletAccepted,
            headers(("Location" = String), ("Operation-Location" = String), ("Retry-After" = u32))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "INVALID_STATE_TRANSITION (e.g. resize while on), RESOURCE_LOCKED, ALREADY_EXISTS",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED (UNKNOWN_ACTION, UNKNOWN_SIZE, SIZE_NOT_OFFERED, …)",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn droplet_action() {}

#[utoipa::path(get, path = "/api/v1/droplets/{id}/operations", tag = "droplets",
    params(("id" = uuid::Uuid, Path), ListParams),
    responses(
        (status = 200, description = "The droplet's operations, newest first", body = OperationPage),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn droplet_operations() {}
