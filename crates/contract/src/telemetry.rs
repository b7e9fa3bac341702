//! Node telemetry on the wire (api.md §11, features.md §2.6): the push body of
//! `POST /clusters/{id}/metrics` and its per-item answer, the samples of
//! `GET /clusters/{id}/metrics` and the derived `GET /clusters/{id}/health`. One
//! vocabulary: `cpu`, `memory`, `disk` in `%`, `network` in `Mbps`. Holds no behaviour.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One pushed sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleIn {
    /// The client's id of this sample (UUID); a sample pushed twice is stored once.
    pub sample_id: Uuid,
    pub node_id: Uuid,
    #[serde(rename = "type")]
    #[schema(example = "cpu")]
    pub metric_type: String,
    pub value: f64,
    #[schema(example = "%")]
    pub unit: String,
    /// RFC 3339; at most `telemetry.clock_skew_seconds` in the future.
    pub at: String,
}

/// `POST /clusters/{id}/metrics`: up to `node_metrics.max_batch` samples (default 500).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleBatch {
    pub samples: Vec<SampleIn>,
}

/// Why one item of a batch was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectedSample {
    /// Position in `samples`.
    pub index: usize,
    /// JSON pointer of the offending field, e.g. `#/samples/3/unit`.
    pub pointer: String,
    /// `null` when the item carried no readable `sample_id`.
    #[schema(required = true)]
    pub sample_id: Option<Uuid>,
    /// `INVALID_SAMPLE`, `UNKNOWN_METRIC_TYPE`, `UNIT_MISMATCH`, `VALUE_OUT_OF_RANGE`,
    /// `UNKNOWN_NODE`, `SAMPLED_IN_THE_FUTURE`.
    #[schema(example = "UNIT_MISMATCH")]
    pub code: String,
    pub detail: String,
}

/// The `202` answer of a push: the accepted items are in the samples topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleBatchResult {
    #[schema(example = "metric_batch")]
    pub kind: String,
    pub cluster_id: Uuid,
    /// `sample_id`s published, in request order.
    pub accepted: Vec<Uuid>,
    pub rejected: Vec<RejectedSample>,
}

/// One stored sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricSample {
    #[schema(example = "metric_sample")]
    pub kind: String,
    /// The sample's id.
    pub id: Uuid,
    pub cluster_id: Uuid,
    pub node_id: Uuid,
    #[serde(rename = "type")]
    #[schema(example = "cpu")]
    pub metric_type: String,
    pub value: f64,
    #[schema(example = "%")]
    pub unit: String,
    /// When the node was measured.
    pub sampled_at: String,
    /// `simulator` or `api`.
    pub source: String,
}

/// A page of samples, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricSamplePage {
    pub metrics: Vec<MetricSample>,
    /// Left out on the last page; its absence is the only end signal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    pub meta: crate::envelope::Meta,
    pub links: crate::envelope::Links,
}

/// One threshold crossed, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthIssue {
    pub node_id: Uuid,
    #[schema(example = "memory")]
    pub metric: String,
    pub value: f64,
    pub threshold: f64,
    #[schema(example = "%")]
    pub unit: String,
    /// `warning` or `critical`.
    pub severity: String,
    pub sampled_at: String,
    pub message: String,
}

/// `GET /clusters/{id}/health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterHealth {
    #[schema(example = "cluster_health")]
    pub kind: String,
    pub cluster_id: Uuid,
    /// `healthy`, `warning` or `critical`: the worst issue's severity.
    pub status: String,
    /// Worst first; at most one per node and metric type.
    pub issues: Vec<HealthIssue>,
    pub evaluated_at: String,
    /// The window of samples considered, ISO 8601 (e.g. `PT5M`).
    #[schema(example = "PT5M")]
    pub window: String,
    /// The same window in seconds.
    pub window_seconds: u64,
}
