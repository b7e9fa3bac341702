//! Query and header parameters shared by many routes, described once.

use serde::Deserialize;
use utoipa::IntoParams;

/// Paging, filtering and ordering of a collection (api.md §3).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// AIP-160 subset over the collection's fields, e.g. `status="active" AND tags:"env:prod"`.
    pub filter: Option<String>,
    /// e.g. `created_at desc,name`; default `created_at desc, id desc`.
    pub order_by: Option<String>,
    /// Default 20, at most 200; `0` means the default.
    pub page_size: Option<i64>,
    /// Alias of `page_size` for DigitalOcean clients.
    pub per_page: Option<i64>,
    /// The `next_page_token` of the previous page.
    pub page_token: Option<String>,
    /// Include soft-deleted resources.
    pub show_deleted: Option<bool>,
    /// Shortcut for `tags:"<tag_name>"`.
    pub tag_name: Option<String>,
    /// Shortcut for `name="<name>"`.
    pub name: Option<String>,
    /// Shortcut for `region="<region>"`.
    pub region: Option<String>,
    /// Shortcut for `status="<status>"`.
    pub status: Option<String>,
    /// Wait until the read models reflect this token (api.md §7).
    pub consistency_token: Option<String>,
}

/// Read-your-writes on a single resource (api.md §7).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadParams {
    /// Wait until the read models reflect this token; `X-Min-Consistency-Token` wins.
    pub consistency_token: Option<String>,
}

/// `?region=` on `GET /sizes`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SizeParams {
    /// Only the sizes offered in this region.
    pub region: Option<String>,
}

/// `?allow_missing=` on `DELETE /droplets/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// A droplet that does not exist counts as deleted (`204`).
    pub allow_missing: Option<bool>,
}

/// `DELETE …/nodes/{node_id}` options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NodeRemovalParams {
    /// Delete without draining the node first.
    pub skip_drain: Option<bool>,
    /// Create a replacement node first; the pool keeps its count.
    pub replace: Option<bool>,
}

/// `?since=` on a cluster's timeline.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SinceParams {
    /// Only entries at or after this RFC 3339 time.
    pub since: Option<String>,
    pub page_size: Option<i64>,
    pub page_token: Option<String>,
}

/// `?timeout=` on `:wait`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WaitParams {
    /// `30s`, `2m` or seconds; default 30 s, capped at 60 s.
    pub timeout: Option<String>,
}

/// `?type=&since=` and paging on `GET /clusters/{id}/metrics`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsParams {
    /// `cpu`, `memory`, `disk` or `network`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub metric_type: Option<String>,
    /// Only samples taken at or after this RFC 3339 time.
    pub since: Option<String>,
    pub page_size: Option<i64>,
    pub page_token: Option<String>,
}
