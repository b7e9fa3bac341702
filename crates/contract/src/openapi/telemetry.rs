//! Route descriptions of node telemetry: push samples (command-api), read them and the
//! derived health (query-api).

use crate::problem::Problem;
use crate::telemetry::{ClusterHealth, MetricSamplePage, SampleBatch, SampleBatchResult};

use super::params::MetricsParams;

#[utoipa::path(post, path = "/api/v1/clusters/{id}/metrics", tag = "telemetry",
    params(("id" = uuid::Uuid, Path)),
    request_body = SampleBatch,
    responses(
        (status = 202, description = "Each item accepted (published to the samples topic) or \
            rejected with its reason; an all-rejected batch is still 202. Samples are \
            deduplicated by sample_id, so a retried batch is harmless.", body = SampleBatchResult),
        (status = 400, description = "INVALID_ARGUMENT (not a JSON object)", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED: `samples` missing, not an array, empty \
            or longer than the batch limit", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn push_metrics() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/metrics", tag = "telemetry",
    params(("id" = uuid::Uuid, Path), MetricsParams),
    responses(
        (status = 200, description = "The cluster's samples, newest first; never writes",
            body = MetricSamplePage),
        (status = 400, description = "INVALID_ARGUMENT (type, since, page_size), INVALID_PAGE_TOKEN",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_metrics() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/health", tag = "telemetry",
    params(("id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "Health from the latest sample per node and type inside \
            the window: cpu > 80 warning, memory > 85 critical, disk > 90 critical", body = ClusterHealth),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn cluster_health() {}
