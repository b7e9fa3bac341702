//! OpenAPI operations of `/observability/*` (served by query-api from the status
//! snapshots services publish). Bodies are empty: these functions only carry the route
//! descriptions.

use crate::observability::{Partitions, Projection, Workers};

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
