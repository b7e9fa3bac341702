//! OpenAPI operations of `/observability/*` (served by query-api from the status
//! snapshots services publish; `parked_events` from the `parked_event` read model). Bodies are empty: these functions only carry the route
//! descriptions.

use crate::job::LogLinePage;
use crate::observability::{GrafanaLinks, ParkedEventPage, Partitions, Projection, Workers};
use crate::problem::Problem;

#[utoipa::path(get, path = "/api/v1/observability/partitions", tag = "observability",
    responses(
        (status = 200, description = "Write ownership per partition of the log: owning \
            command-api instance, claim epoch, serving/restoring/fenced/unowned", body = Partitions),
    ))]
pub fn observability_partitions() {}

#[utoipa::path(get, path = "/api/v1/observability/projection", tag = "observability",
    responses(
        (status = 200, description = "The projector's checkpoint per partition and its lag \
            in records and seconds", body = Projection),
    ))]
pub fn observability_projection() {}

#[utoipa::path(get, path = "/api/v1/observability/workers", tag = "observability",
    responses(
        (status = 200, description = "Each command-api instance's job worker pool: size, \
            busy workers, leases held, first queued job ids", body = Workers),
    ))]
pub fn observability_workers() {}

#[utoipa::path(get, path = "/api/v1/observability/parked_events", tag = "observability",
    params(
        ("page_size" = Option<i64>, Query, description = "Default 20, at most 200"),
        ("page_token" = Option<String>, Query),
    ),
    responses(
        (status = 200, description = "*admin*: parked (dead-lettered) records of the live read \
            models, oldest first: reason, aggregate, partition and offset, age, and the records of \
            the same aggregate queued behind each. Retry and skip go through the replay tooling \
            (`clustergenie parked retry|skip`)", body = ParkedEventPage),
        (status = 400, description = "INVALID_ARGUMENT, INVALID_PAGE_TOKEN", body = Problem,
            content_type = "application/problem+json"),
        (status = 403, description = "PERMISSION_DENIED: admins only", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn observability_parked_events() {}

#[utoipa::path(get, path = "/api/v1/observability/logs", tag = "observability",
    params(
        ("trace_id" = Option<String>, Query, description = "W3C trace id: 32 lower-case hex digits"),
        ("job_id" = Option<String>, Query, description = "A job's id"),
        ("service" = Option<String>, Query, description = "`command-api`, `projector`, `worker`, …"),
        ("page_size" = Option<i64>, Query, description = "Default 100, at most 500"),
        ("page_token" = Option<String>, Query),
    ),
    responses(
        (status = 200, description = "Log lines from `log_lines`, oldest first, matching every \
            filter given (at least one of trace_id, job_id, service). Admins see every line; \
            others only the lines of their own resources", body = LogLinePage),
        (status = 400, description = "INVALID_ARGUMENT (no filter, a malformed trace id, job id \
            or service), INVALID_PAGE_TOKEN", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn observability_logs() {}

#[utoipa::path(get, path = "/api/v1/observability/grafana", tag = "observability",
    responses(
        (status = 200, description = "Grafana's URL (or null) and the dashboard the \
            Monitoring page embeds", body = GrafanaLinks),
    ))]
pub fn observability_grafana() {}
