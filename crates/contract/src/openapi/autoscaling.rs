//! OpenAPI operations of autoscaling policies (api.md §11, §13): the writes command-api
//! serves and the reads query-api serves. Bodies are empty: description only.

use crate::autoscaling::{
    AutoscalerDecisionPage, AutoscalingPolicy, AutoscalingPolicyPage, EvaluateRequest,
    EvaluateResponse, PolicyBody, ScalingEventPage,
};
use crate::problem::Problem;

use super::params::{ListParams, ReadParams};

#[utoipa::path(get, path = "/api/v1/autoscaling_policies", tag = "autoscaling",
    params(ListParams, ("X-Min-Consistency-Token" = Option<String>, Header)),
    responses(
        (status = 200, description = "A page of policies; filter on `target.cluster_id`, `target.node_pool_id`, `created_at`",
            body = AutoscalingPolicyPage),
        (status = 400, description = "INVALID_FILTER, INVALID_PAGE_TOKEN, INVALID_ARGUMENT",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_autoscaling_policies() {}

#[utoipa::path(post, path = "/api/v1/autoscaling_policies", tag = "autoscaling",
    params(("Idempotency-Key" = Option<String>, Header)),
    request_body(content = PolicyBody, content_type = "application/json",
        description = "`target`, `min_nodes`, `max_nodes` required; §13.1 defaults for the rest"),
    responses(
        (status = 201, description = "The policy; the pool's `auto_scale`, `min_nodes`, `max_nodes` follow it",
            body = AutoscalingPolicy,
            headers(("Location" = String), ("ETag" = String), ("Consistency-Token" = String))),
        (status = 404, description = "NOT_FOUND: the cluster", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "ALREADY_EXISTS: the pool has a policy; IDEMPOTENCY_KEY_IN_USE",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED with a pointer per bad field", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn create_autoscaling_policy() {}

#[utoipa::path(get, path = "/api/v1/autoscaling_policies/{id}", tag = "autoscaling",
    params(("id" = uuid::Uuid, Path), ReadParams, ("If-None-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The policy with its status and conditions", body = AutoscalingPolicy,
            headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the given version"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_autoscaling_policy() {}

#[utoipa::path(patch, path = "/api/v1/autoscaling_policies/{id}", tag = "autoscaling",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = PolicyBody, content_type = "application/merge-patch+json",
        description = "A JSON merge-patch: omitted fields stay, `null` restores the default; `target` cannot change"),
    responses(
        (status = 200, description = "The policy", body = AutoscalingPolicy, headers(("ETag" = String))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED with a pointer per bad field", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn patch_autoscaling_policy() {}

#[utoipa::path(delete, path = "/api/v1/autoscaling_policies/{id}", tag = "autoscaling",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted; the pool's `auto_scale` is off again"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn delete_autoscaling_policy() {}

#[utoipa::path(post, path = "/api/v1/autoscaling_policies/{id}:evaluate", tag = "autoscaling",
    params(("id" = uuid::Uuid, Path)),
    request_body(content = EvaluateRequest, content_type = "application/json",
        description = "`{}` for the current samples, or `metrics` to apply to every node"),
    responses(
        (status = 200, description = "One tick's decision; nothing is recorded or scaled", body = EvaluateResponse),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn evaluate_autoscaling_policy() {}

#[utoipa::path(get, path = "/api/v1/autoscaling_policies/{id}/events", tag = "autoscaling",
    params(("id" = uuid::Uuid, Path), ListParams),
    responses(
        (status = 200, description = "The scaling history, newest first", body = ScalingEventPage),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn autoscaling_policy_events() {}

#[utoipa::path(get, path = "/api/v1/autoscaling_policies/{id}/decisions", tag = "autoscaling",
    params(("id" = uuid::Uuid, Path), ListParams),
    responses(
        (status = 200, description = "The decision log, newest first (bounded by retention)",
            body = AutoscalerDecisionPage),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn autoscaling_policy_decisions() {}
