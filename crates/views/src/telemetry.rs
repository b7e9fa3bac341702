//! The telemetry read models between the projector (writer, `projector/src/samples/`) and
//! query-api (reader): `metric_sample` rows as served by `GET /clusters/{id}/metrics`,
//! and `metric_latest` rows that health is evaluated from. The owner is the cluster's,
//! read through the cluster row (samples carry none). `render_health` is the one
//! representation of a health evaluation.

use chrono::{DateTime, Utc};
use contract::telemetry::{ClusterHealth, HealthIssue, MetricSample};
use domain::telemetry::health;
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

/// A health evaluation as served: `GET /clusters/{id}/health` and the `monitor` job's
/// result are this one representation.
pub fn render_health(
    cluster_id: Uuid,
    evaluated: &health::Health,
    now: DateTime<Utc>,
    window_seconds: i64,
) -> ClusterHealth {
    ClusterHealth {
        kind: "cluster_health".into(),
        cluster_id,
        status: evaluated.status.as_str().into(),
        issues: evaluated.issues.iter().map(render_issue).collect(),
        evaluated_at: rfc3339(now),
        window: format!("PT{window_seconds}S"),
        window_seconds: window_seconds.unsigned_abs(),
    }
}

fn render_issue(issue: &health::Issue) -> HealthIssue {
    let unit = issue.metric.unit();
    HealthIssue {
        node_id: issue.node_id,
        metric: issue.metric.as_str().into(),
        value: issue.value,
        threshold: issue.threshold,
        unit: unit.into(),
        severity: issue.severity.as_str().into(),
        sampled_at: rfc3339(issue.sampled_at),
        message: format!(
            "{} at {}{unit} is over {}{unit} on node {}",
            issue.metric.as_str(),
            issue.value,
            issue.threshold,
            issue.node_id
        ),
    }
}
