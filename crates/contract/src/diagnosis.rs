//! Diagnoses on the wire (api.md §15, §11): the `Diagnosis` resource with its insights
//! (check, severity, evidence, object, recommendation with the request the SPA may send
//! and, where a job type does the same, a ready `POST /jobs` body), its page and the `202`
//! of `POST /clusters/{id}/diagnoses`. Types only.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::operation::Operation;

/// What an insight measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// `cpu`, `memory`, `disk` (in %, means over the window or the latest sample for
    /// health), `node_count`, `samples`, `dead_jobs` or `jobs_backlog_per_node`.
    #[schema(example = "cpu")]
    pub metric: String,
    #[schema(example = 87.0)]
    pub value: f64,
    #[schema(example = 80.0)]
    pub threshold: f64,
    /// `10m`, `5m`, … or `now` for a point-in-time count.
    #[schema(example = "10m")]
    pub window: String,
}

/// The resource an insight is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InsightObject {
    /// `cluster`, `node_pool` or `node`.
    #[schema(example = "node_pool")]
    pub kind: String,
    pub id: Uuid,
    pub name: String,
}

/// A request shown to the user before it is sent ("Implement").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestHint {
    #[schema(example = "PATCH")]
    pub method: String,
    #[schema(
        example = "/api/v1/clusters/0193a0d9-0000-7000-8000-000000000000/node_pools/0193a0e1-0000-7000-8000-000000000000"
    )]
    pub path: String,
    #[schema(value_type = Object)]
    pub body: Value,
}

/// What to do about an insight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// `scale_node_pool`, `raise_autoscale_max`, `enable_autoscaling`, `add_node_pool`,
    /// `use_larger_size`, `replace_failed_nodes`, `add_monitoring`, `check_node_telemetry`,
    /// `review_dead_jobs` or `none`.
    #[schema(example = "scale_node_pool")]
    pub action: String,
    /// `null` when no single request follows the recommendation.
    #[schema(required = true)]
    pub request_hint: Option<RequestHint>,
    /// A valid `POST /api/v1/jobs` body doing the same as `request_hint` (a `scale` job),
    /// or `null` when no job type does it.
    #[schema(required = true, value_type = Option<Object>)]
    pub job_request: Option<Value>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Insight {
    #[schema(example = "pool_cpu_saturation")]
    pub check: String,
    #[schema(example = "capacity")]
    pub category: String,
    /// `error`, `warning` or `suggestion`.
    #[schema(example = "warning")]
    pub severity: String,
    pub title: String,
    pub message: String,
    #[schema(required = true)]
    pub evidence: Option<Evidence>,
    pub object: InsightObject,
    pub recommendation: Recommendation,
}

/// Insight counts by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InsightCounts {
    pub error: u32,
    pub warning: u32,
    pub suggestion: u32,
}

/// One recorded diagnosis of a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    #[schema(example = "diagnosis")]
    pub kind: String,
    pub id: Uuid,
    pub version: u64,
    pub cluster_id: Uuid,
    /// `succeeded`: a diagnosis is recorded when its run is over.
    #[schema(example = "succeeded")]
    pub status: String,
    /// `rules` (the rule engine) or `llm`.
    #[schema(example = "rules")]
    pub source: String,
    /// The operation of a requested run (`null` for a run by a `diagnose` job).
    #[schema(required = true)]
    pub operation_id: Option<Uuid>,
    /// The `diagnose` job that ran it (`null` for a requested run).
    #[schema(required = true)]
    pub job_id: Option<Uuid>,
    pub requested_by: String,
    pub requested_at: String,
    pub completed_at: String,
    pub counts: InsightCounts,
    /// Worst severity first.
    pub insights: Vec<Insight>,
}

crate::envelope::page!(
    /// A page of a cluster's diagnoses, newest first.
    DiagnosisPage, diagnoses, Diagnosis
);

/// The `202` of `POST /clusters/{id}/diagnoses`: the diagnosis and its operation (done).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisAccepted {
    pub diagnosis: Diagnosis,
    #[schema(required = true)]
    pub operation: Option<Operation>,
}
