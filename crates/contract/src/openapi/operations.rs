//! OpenAPI operations of long-running operations (api.md §9). Bodies are empty:
//! description only.

use crate::envelope::OperationPage;
use crate::operation::{CancelRequested, Operation};
use crate::problem::Problem;

use super::params::{ListParams, ReadParams, WaitParams};

#[utoipa::path(get, path = "/api/v1/operations", tag = "operations",
    params(ListParams),
    responses(
        (status = 200, description = "A page of operations", body = OperationPage),
        (status = 400, description = "INVALID_FILTER, INVALID_PAGE_TOKEN, INVALID_ARGUMENT", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn list_operations() {}

#[utoipa::path(get, path = "/api/v1/operations/{id}", tag = "operations",
    params(("id" = uuid::Uuid, Path), ReadParams),
    responses(
        (status = 200, description = "The operation", body = Operation,
            headers(("Retry-After" = u32, description = "1–5 s while not done"))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_operation() {}

#[utoipa::path(get, path = "/api/v1/operations/{id}:wait", tag = "operations",
    params(("id" = uuid::Uuid, Path), WaitParams),
    responses(
        (status = 200, description = "The operation once done, or as it is when the timeout passes",
            body = Operation),
        (status = 400, description = "INVALID_ARGUMENT (timeout)", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn wait_operation() {}

#[utoipa::path(post, path = "/api/v1/operations/{id}:cancel", tag = "operations",
    params(("id" = uuid::Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "Cancellation recorded (best effort)", body = CancelRequested,
            headers(("Operation-Location" = String))),
        (status = 404, description = "NOT_FOUND: a malformed id", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "FAILED_PRECONDITION: not in progress (finished, unknown, or someone else's)",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn cancel_operation() {}
