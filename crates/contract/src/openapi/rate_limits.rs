//! OpenAPI operations of rate limits (api.md §8, §11): the caller's live limits and the
//! admin-only policy resources. Bodies are empty: description only.

use crate::problem::Problem;
use crate::rate_limit::{
    RateLimitPolicy, RateLimitPolicyPage, RateLimitPolicyUpdate, RateLimitStatus,
};

#[utoipa::path(get, path = "/api/v1/rate_limit", tag = "rate_limits",
    params(
        ("user_id" = Option<String>, Query, description = "*admin*: another user's limits"),
        ("cluster_id" = Option<String>, Query, description = "*admin*: include the rules keyed by this cluster"),
    ),
    responses(
        (status = 200, description = "Every rule for the key; reading consumes nothing and creates no state",
            body = RateLimitStatus),
        (status = 400, description = "INVALID_ARGUMENT: a malformed id", body = Problem,
            content_type = "application/problem+json"),
        (status = 403, description = "PERMISSION_DENIED: `user_id`/`cluster_id` without the admin role",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_rate_limit() {}

#[utoipa::path(get, path = "/api/v1/rate_limit_policies", tag = "rate_limits",
    params(
        ("page_size" = Option<i64>, Query, description = "Default 20, at most 200"),
        ("per_page" = Option<i64>, Query, description = "Alias of `page_size`"),
        ("page_token" = Option<String>, Query),
    ),
    responses(
        (status = 200, description = "The defaults, then every per-user override by user id", body = RateLimitPolicyPage),
        (status = 400, description = "INVALID_ARGUMENT, INVALID_PAGE_TOKEN", body = Problem,
            content_type = "application/problem+json"),
        (status = 403, description = "PERMISSION_DENIED: admins only", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn list_rate_limit_policies() {}

#[utoipa::path(get, path = "/api/v1/rate_limit_policies/default", tag = "rate_limits",
    responses(
        (status = 200, description = "The defaults for everyone (version 0 until first changed)",
            body = RateLimitPolicy, headers(("ETag" = String))),
        (status = 403, description = "PERMISSION_DENIED: admins only", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn get_default_rate_limit_policy() {}

#[utoipa::path(put, path = "/api/v1/rate_limit_policies/default", tag = "rate_limits",
    params(("If-Match" = String, Header, description = "Required: the version replaced, or `*`")),
    request_body(content = RateLimitPolicyUpdate, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored; applies from the next request in every instance",
            body = RateLimitPolicy, headers(("ETag" = String))),
        (status = 400, description = "INVALID_ARGUMENT: not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "PRECONDITION_REQUIRED: no If-Match", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn put_default_rate_limit_policy() {}

#[utoipa::path(get, path = "/api/v1/users/{id}/rate_limit_policy", tag = "rate_limits",
    params(("id" = String, Path, description = "The user (principal) id")),
    responses(
        (status = 200, description = "The user's override", body = RateLimitPolicy, headers(("ETag" = String))),
        (status = 403, description = "PERMISSION_DENIED: admins only", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND: the user has no override", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn get_user_rate_limit_policy() {}

#[utoipa::path(put, path = "/api/v1/users/{id}/rate_limit_policy", tag = "rate_limits",
    params(("id" = String, Path),
        ("If-Match" = String, Header, description = "Required: the version replaced; `\"0\"` or `*` creates")),
    request_body(content = RateLimitPolicyUpdate, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored; applies from the user's next request in every instance",
            body = RateLimitPolicy, headers(("ETag" = String))),
        (status = 400, description = "INVALID_ARGUMENT: not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "PRECONDITION_REQUIRED: no If-Match", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn put_user_rate_limit_policy() {}

#[utoipa::path(delete, path = "/api/v1/users/{id}/rate_limit_policy", tag = "rate_limits",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Removed; the user gets the defaults from the next request"),
        (status = 404, description = "NOT_FOUND: no override", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn delete_user_rate_limit_policy() {}
