//! Route descriptions of diagnoses (api.md §15): run one (command-api) and read the
//! history (query-api).

use crate::diagnosis::{Diagnosis, DiagnosisAccepted, DiagnosisPage};
use crate::problem::Problem;

use super::params::ListParams;

#[utoipa::path(post, path = "/api/v1/clusters/{id}/diagnoses", tag = "diagnoses",
    params(("id" = uuid::Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer")),
    responses(
        (status = 202, description = "The rule engine ran over the cluster's pools, nodes, \
            recent samples and jobs; the diagnosis is recorded and its operation \
            `cluster.diagnose` is already succeeded. Rate policy `diagnoses` (per cluster).",
            body = DiagnosisAccepted),
        (status = 404, description = "NOT_FOUND (unknown or someone else's cluster)", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "IDEMPOTENCY_KEY_REUSED", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn run_diagnosis() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/diagnoses", tag = "diagnoses",
    params(("id" = uuid::Uuid, Path), ListParams),
    responses(
        (status = 200, description = "The cluster's recorded diagnoses, newest first (the newest \
            50 are kept)", body = DiagnosisPage),
        (status = 400, description = "INVALID_ARGUMENT, INVALID_PAGE_TOKEN", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_diagnoses() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/diagnoses/{diag_id}", tag = "diagnoses",
    params(("id" = uuid::Uuid, Path), ("diag_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "One diagnosis with its insights", body = Diagnosis),
        (status = 404, description = "NOT_FOUND (unknown cluster, or a diagnosis of another \
            cluster)", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_diagnosis() {}
