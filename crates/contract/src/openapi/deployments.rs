//! OpenAPI operations of deployments (api.md §11, §12.4): the writes command-api serves
//! (start, rollback, pause/resume/promote/abort/cancel) and the reads query-api serves
//! (a cluster's deployments and revisions, one deployment). Bodies are empty:
//! description only.

use crate::deployment::{
    Deployment, DeploymentPage, RevisionPage, RollbackDeployment, StartDeployment,
};
use crate::problem::Problem;

use super::params::{ListParams, ReadParams};

#[utoipa::path(post, path = "/api/v1/clusters/{id}/deployments", tag = "deployments",
    params(("id" = uuid::Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = StartDeployment, content_type = "application/json",
        description = "`image` and `strategy` required; `replicas` 3, `auto_rollback` true, `progress_deadline_seconds` 600 by default"),
    responses(
        (status = 202, description = "The deployment (the LRO), `pending`",
            body = Deployment, headers(("Location" = String), ("ETag" = String), ("Consistency-Token" = String))),
        (status = 404, description = "NOT_FOUND: the cluster", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "DEPLOYMENT_IN_PROGRESS unless `supersede`; IDEMPOTENCY_KEY_IN_USE",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED with a pointer per bad field", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn start_deployment() {}

#[utoipa::path(post, path = "/api/v1/clusters/{id}/deployments:rollback", tag = "deployments",
    params(("id" = uuid::Uuid, Path), ("If-Match" = String, Header, description = "The cluster's ETag (required)"),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = RollbackDeployment, content_type = "application/json",
        description = "`to_revision` or `to_deployment_id` (default: the previous active revision)"),
    responses(
        (status = 202, description = "A new deployment with `deployment_kind` rollback",
            body = Deployment, headers(("Location" = String), ("ETag" = String), ("Consistency-Token" = String))),
        (status = 404, description = "NOT_FOUND: the cluster", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "DEPLOYMENT_IN_PROGRESS; FAILED_PRECONDITION: no such revision, never active, or already active",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED: the cluster changed", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "PRECONDITION_REQUIRED: If-Match is required", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn rollback_deployment() {}

macro_rules! steering {
    ($name:ident, $path:literal, $what:literal) => {
        #[utoipa::path(post, path = $path, tag = "deployments",
            params(("id" = uuid::Uuid, Path)),
            responses(
                (status = 200, description = $what, body = Deployment, headers(("ETag" = String))),
                (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "FAILED_PRECONDITION: not allowed in the deployment's status (api.md §12.4)",
                    body = Problem, content_type = "application/problem+json"),
            ))]
        pub fn $name() {}
    };
}

steering!(
    pause_deployment,
    "/api/v1/deployments/{id}:pause",
    "Paused (a progressing deployment)"
);
steering!(
    resume_deployment,
    "/api/v1/deployments/{id}:resume",
    "Progressing again; a pause or held analysis step is done"
);
steering!(
    promote_deployment,
    "/api/v1/deployments/{id}:promote",
    "Promoting: the remaining steps are skipped"
);
steering!(
    abort_deployment,
    "/api/v1/deployments/{id}:abort",
    "Rolling back to the stable revision"
);
steering!(
    cancel_deployment,
    "/api/v1/deployments/{id}:cancel",
    "Cancelled; the stable revision stays active"
);

#[utoipa::path(get, path = "/api/v1/clusters/{id}/deployments", tag = "deployments",
    params(("id" = uuid::Uuid, Path), ListParams, ("X-Min-Consistency-Token" = Option<String>, Header)),
    responses(
        (status = 200, description = "The cluster's deployments, newest first; filter on `status`, `created_at`",
            body = DeploymentPage),
        (status = 404, description = "NOT_FOUND: the cluster", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_cluster_deployments() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/deployments/{dep_id}", tag = "deployments",
    params(("id" = uuid::Uuid, Path), ("dep_id" = uuid::Uuid, Path), ReadParams),
    responses(
        (status = 200, description = "The deployment", body = Deployment, headers(("ETag" = String))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_cluster_deployment() {}

#[utoipa::path(get, path = "/api/v1/deployments/{id}", tag = "deployments",
    params(("id" = uuid::Uuid, Path), ReadParams, ("If-None-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The deployment", body = Deployment, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the given version"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_deployment() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/revisions", tag = "deployments",
    params(("id" = uuid::Uuid, Path), ListParams),
    responses(
        (status = 200, description = "The cluster's revisions, newest first; `is_active` marks the running one",
            body = RevisionPage),
        (status = 404, description = "NOT_FOUND: the cluster", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_cluster_revisions() {}
