//! The telemetry read models between the projector (writer, `projector/src/samples/`) and
//! query-api (reader): `metric_sample` rows as served by `GET /clusters/{id}/metrics`,
//! and `metric_latest` rows that health is evaluated from. The owner is the cluster's,
//! read through the cluster row (samples carry none).

use chrono::{DateTime, Utc};
use contract::telemetry::MetricSample;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::row::rfc3339;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub struct MetricSampleRow {
    pub sample_id: Uuid,
    pub cluster_id: Uuid,
    pub node_id: Uuid,
    pub metric_type: String,
    pub value: f64,
    pub unit: String,
    pub sampled_at: DateTime<Utc>,
    pub source: String,
    pub owner: String,
}

/// The owner of a sample: its cluster's (a subquery, so the list's owner scope applies).
pub const OWNER: &str =
    "(SELECT c.owner FROM cluster c WHERE c.cluster_id = metric_sample.cluster_id)";

/// The `SELECT` list of `MetricSampleRow`.
pub fn columns() -> String {
    format!(
        "sample_id, cluster_id, node_id, metric_type, value, unit, sampled_at, source, \
         COALESCE({OWNER}, '') AS owner"
    )
}

impl MetricSampleRow {
    pub fn to_sample(&self) -> MetricSample {
        MetricSample {
            kind: "metric_sample".into(),
            id: self.sample_id,
            cluster_id: self.cluster_id,
            node_id: self.node_id,
            metric_type: self.metric_type.clone(),
            value: self.value,
            unit: self.unit.clone(),
            sampled_at: rfc3339(self.sampled_at),
            source: self.source.clone(),
        }
    }

    pub fn to_resource(&self) -> Value {
        crate::row::to_value(&self.to_sample())
    }
}

/// One row of `metric_latest`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LatestRow {
    pub node_id: Uuid,
    pub metric_type: String,
    pub value: f64,
    pub sampled_at: DateTime<Utc>,
}

/// Reads every latest sample of a cluster (O(nodes × types)).
pub const LATEST_OF_CLUSTER: &str = "SELECT node_id, metric_type, value, sampled_at \
     FROM metric_latest WHERE cluster_id = ?";
