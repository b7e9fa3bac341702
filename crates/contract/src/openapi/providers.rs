//! OpenAPI operations of providers and placement (features.md §2.8, api.md §11): the
//! admin writes and the simulation command-api serves, the reads query-api serves.

use crate::problem::Problem;
use crate::provider::{
    Placement, PlacementSimulate, Provider, ProviderCreate, ProviderPage, ProviderPatch,
};

use super::params::{ListParams, ReadParams};

#[utoipa::path(get, path = "/api/v1/providers", tag = "providers",
    params(ListParams, ("X-Min-Consistency-Token" = Option<String>, Header)),
    responses(
        (status = 200, description = "A page of providers; filter on `name`, `created_at`",
            body = ProviderPage),
        (status = 400, description = "INVALID_FILTER, INVALID_PAGE_TOKEN, INVALID_ARGUMENT",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_providers() {}

#[utoipa::path(post, path = "/api/v1/providers", tag = "providers",
    params(("Idempotency-Key" = Option<String>, Header)),
    request_body(content = ProviderCreate, content_type = "application/json"),
    responses(
        (status = 201, description = "The provider (admin only)", body = Provider,
            headers(("Location" = String), ("ETag" = String), ("Consistency-Token" = String))),
        (status = 409, description = "ALREADY_EXISTS: the name is taken; IDEMPOTENCY_KEY_IN_USE",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED with a pointer per bad field", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn create_provider() {}

#[utoipa::path(get, path = "/api/v1/providers/{id}", tag = "providers",
    params(("id" = uuid::Uuid, Path), ReadParams, ("If-None-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The provider", body = Provider, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the given version"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_provider() {}

#[utoipa::path(patch, path = "/api/v1/providers/{id}", tag = "providers",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = ProviderPatch, content_type = "application/merge-patch+json",
        description = "A JSON merge-patch: omitted fields stay, `null` clears the price override"),
    responses(
        (status = 200, description = "The provider (admin only)", body = Provider, headers(("ETag" = String))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "FAILED_PRECONDITION: capacity below the reserved slots",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED with a pointer per bad field", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn patch_provider() {}

#[utoipa::path(delete, path = "/api/v1/providers/{id}", tag = "providers",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted (admin only); its name is free again"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "FAILED_PRECONDITION: droplets still hold slots on it",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn delete_provider() {}

#[utoipa::path(post, path = "/api/v1/placements:simulate", tag = "providers",
    request_body(content = PlacementSimulate, content_type = "application/json"),
    responses(
        (status = 200, description = "What placement would choose now, with its reasons; \
            nothing is reserved", body = Placement),
        (status = 409, description = "NO_CAPACITY: no provider fits with a free slot", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn simulate_placement() {}
