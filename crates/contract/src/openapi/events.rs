//! OpenAPI operations of the audit feed and its live streams (api.md §11 `/events`,
//! `/events:stream`). Description only; query-api serves them.

use crate::envelope::AuditEventPage;
use crate::problem::Problem;

#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(
        ("filter" = Option<String>, Query, description = "AIP-160 over aggregate_id, aggregate_type, \
            type, command, principal, correlation_id, recorded_at"),
        ("order_by" = Option<String>, Query, description = "`recorded_at` or `recorded_at desc` (default)"),
        ("page_size" = Option<i64>, Query, description = "Default 20, at most 200"),
        ("page_token" = Option<String>, Query),
        ("aggregate_id" = Option<String>, Query, description = "Shortcut for `aggregate_id=\"…\"`"),
        ("aggregate_type" = Option<String>, Query, description = "Shortcut for `aggregate_type=\"…\"`"),
        ("type" = Option<String>, Query, description = "Shortcut for `type=\"…\"`"),
        ("since" = Option<String>, Query, description = "Shortcut for `recorded_at >= …` (RFC 3339)"),
        ("until" = Option<String>, Query, description = "Shortcut for `recorded_at < …` (RFC 3339)"),
        ("consistency_token" = Option<String>, Query),
    ),
    responses(
        (status = 200, description = "A page of the audit feed: one entry per event of the aggregates \
            the caller owns (every aggregate for admins)", body = AuditEventPage),
        (status = 400, description = "INVALID_FILTER, INVALID_PAGE_TOKEN, PAGE_TOKEN_EXPIRED, INVALID_ARGUMENT",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_events() {}

#[utoipa::path(get, path = "/api/v1/events:stream", tag = "events",
    params(
        ("filter" = Option<String>, Query, description = "Only `=` terms joined by AND over aggregate_id, \
            aggregate_type, type; `filter=aggregate_id=\"…\"` is the stream of one resource"),
        ("aggregate_id" = Option<String>, Query, description = "The stream of one droplet, cluster, job, …"),
        ("aggregate_type" = Option<String>, Query),
        ("type" = Option<String>, Query),
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event's `id` \
            (a cursor): nothing is lost or repeated"),
    ),
    responses(
        (status = 200, description = "Server-sent events: `ready` (its `id` is the starting cursor), then \
            `audit` (an AuditEvent) per event, each with the cursor after it as `id`; comment lines as \
            heartbeats; a client too slow to keep up gets a last `overflow` event and resumes with \
            `Last-Event-ID`", content_type = "text/event-stream", body = String),
        (status = 400, description = "INVALID_FILTER, INVALID_ARGUMENT (a malformed Last-Event-ID)",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn stream_events() {}
