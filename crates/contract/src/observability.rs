//! The runtime views of `/api/v1/observability/*` (api.md §11): write ownership per
//! partition, projection lag per partition, and the job worker pools. Each is assembled
//! by query-api from the status snapshots services publish (`platform::status`); the
//! snapshot a service publishes is the same type as the item served, so there is one
//! shape. Times are RFC 3339 strings, like every other representation. Holds no behaviour.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /observability/partitions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Partitions {
    pub partitions: Vec<PartitionOwnership>,
}

/// One partition as its writer last reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartitionOwnership {
    pub partition: i32,
    /// The command-api instance (writer id) holding it; `null` when none reports it.
    pub owner: Option<String>,
    /// The claim epoch that instance last read back valid.
    pub epoch: u64,
    /// `serving`, `restoring`, `fenced`, or `unowned`.
    #[schema(example = "serving")]
    pub phase: String,
    /// The next offset the writer will read.
    pub next_offset: i64,
    pub published_at: Option<String>,
}

/// `GET /observability/projection`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Projection {
    #[schema(example = "read_models_v1")]
    pub projection: String,
    pub partitions: Vec<ProjectionLag>,
    pub published_at: Option<String>,
}

/// How far the read models are behind the log in one partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectionLag {
    pub partition: i32,
    /// The next offset the projector will apply.
    pub checkpoint: i64,
    /// The log's end offset when last probed.
    pub high_watermark: i64,
    pub lag_records: i64,
    /// Age of the oldest record not applied yet (0 when caught up).
    pub lag_seconds: f64,
}

/// `GET /observability/workers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Workers {
    pub instances: Vec<WorkerPool>,
}

/// One command-api instance's job worker pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerPool {
    pub instance: String,
    /// Workers in the pool.
    pub size: u32,
    /// Workers running a job now.
    pub busy: u32,
    /// Unfinished jobs one queue admits before `503 QUEUE_FULL`.
    pub queue_capacity: u32,
    pub leases: Vec<WorkerLease>,
    /// The first jobs waiting to be claimed, in claim order.
    pub first_queued: Vec<String>,
    pub published_at: String,
}

/// A job held by a worker of the pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerLease {
    pub job_id: String,
    pub queue: String,
    pub lease_until: String,
}

/// `GET /observability/parked_events` (admin): a page of parked (dead-lettered) records,
/// oldest first. Retry and skip go through the replay tooling (`clustergenie parked`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParkedEventPage {
    pub parked_events: Vec<ParkedEvent>,
    /// Left out on the last page; its absence is the only end signal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    pub meta: crate::envelope::Meta,
    pub links: crate::envelope::Links,
}

/// One parked record: where it is in the log, why it could not be applied, and how many
/// later records of its aggregate wait behind it (they are applied in order once it is
/// retried or skipped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParkedEvent {
    /// The parked record's id (what `clustergenie parked retry|skip` takes).
    pub id: u64,
    #[schema(example = "undecodable record: failed to decode Protobuf message")]
    pub reason: String,
    /// `droplet`, `cluster`, …; `null` when the record does not say.
    pub aggregate_type: Option<String>,
    /// `null` for records of no aggregate (e.g. an undecodable writer claim).
    pub aggregate_id: Option<String>,
    pub partition: i32,
    pub offset: i64,
    pub parked_at: String,
    /// Seconds since it was parked.
    pub age_seconds: f64,
    /// Later records of the same aggregate parked behind this one.
    pub queued_behind: u64,
}

/// `GET /observability/grafana`: where the SPA's Monitoring page finds Grafana. Without a
/// configured URL the page shows a note instead of the embed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrafanaLinks {
    /// Grafana's base URL as the browser reaches it; `null` when none is configured.
    #[schema(required = true, example = "http://localhost:3000")]
    pub url: Option<String>,
    /// The uid of the dashboard the Monitoring page embeds.
    #[schema(example = "cg-demo")]
    pub demo_dashboard: String,
}
