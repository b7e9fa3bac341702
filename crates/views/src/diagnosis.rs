//! The diagnosis row (table `diagnosis`, one per recorded run, bounded per cluster by the
//! projector) and its representation (api.md §15). Insights are stored as JSON text of a
//! lossless mirror of the domain's insight (`Stored*` below), and rendered on the way out:
//! a recommendation's change becomes the `request_hint` the SPA shows and, for a count,
//! the `job_request` (a `scale` job) — the one place these HTTP shapes are built.

use chrono::{DateTime, Utc};
use contract::diagnosis::{
    Diagnosis as Resource, Evidence as EvidenceOut, Insight as InsightOut, InsightCounts,
    InsightObject, Recommendation as RecommendationOut, RequestHint,
};
use domain::diagnosis::{
    Change, Diagnosis, Evidence, Insight, ObjectRef, Recommendation, Severity, Trigger,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::row::{Bound, StateRow, from_json_text, json_text, rfc3339, to_value};

/// How many diagnoses the read model keeps per cluster (newest); older rows are deleted
/// by the projector when a new one lands (the original kept 10 in browser storage).
pub const HISTORY_PER_CLUSTER: u32 = 50;

/// Every column of `diagnosis`, in the order of `COLUMNS`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub struct DiagnosisRow {
    pub diagnosis_id: Uuid,
    pub owner: String,
    pub cluster_id: Uuid,
    pub requested_by: String,
    pub operation_id: Option<Uuid>,
    pub job_id: Option<Uuid>,
    pub source: String,
    /// JSON array of `StoredInsight`.
    pub insights: String,
    pub error_count: u32,
    pub warning_count: u32,
    pub suggestion_count: u32,
    pub version: u64,
    pub recorded_at: DateTime<Utc>,
}

/// A domain insight as stored JSON; converts both ways without loss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredInsight {
    check: String,
    category: String,
    severity: String,
    title: String,
    message: String,
    evidence: Option<StoredEvidence>,
    object: (String, Uuid, String),
    action: String,
    change: Option<StoredChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredEvidence {
    metric: String,
    value: f64,
    threshold: f64,
    window: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum StoredChange {
    ScalePool {
        pool_id: Uuid,
        count: u32,
    },
    RaiseMaxNodes {
        pool_id: Uuid,
        max_nodes: u32,
    },
    EnableAutoscaling {
        pool_id: Uuid,
        min_nodes: u32,
        max_nodes: u32,
    },
    AddPool {
        name: String,
        size: String,
        count: u32,
    },
}

impl From<&Change> for StoredChange {
    fn from(c: &Change) -> Self {
        match c.clone() {
            Change::ScalePool { pool_id, count } => Self::ScalePool { pool_id, count },
            Change::RaiseMaxNodes { pool_id, max_nodes } => {
                Self::RaiseMaxNodes { pool_id, max_nodes }
            }
            Change::EnableAutoscaling {
                pool_id,
                min_nodes,
                max_nodes,
            } => Self::EnableAutoscaling {
                pool_id,
                min_nodes,
                max_nodes,
            },
            Change::AddPool { name, size, count } => Self::AddPool { name, size, count },
        }
    }
}

impl From<StoredChange> for Change {
    fn from(c: StoredChange) -> Self {
        match c {
            StoredChange::ScalePool { pool_id, count } => Self::ScalePool { pool_id, count },
            StoredChange::RaiseMaxNodes { pool_id, max_nodes } => {
                Self::RaiseMaxNodes { pool_id, max_nodes }
            }
            StoredChange::EnableAutoscaling {
                pool_id,
                min_nodes,
                max_nodes,
            } => Self::EnableAutoscaling {
                pool_id,
                min_nodes,
                max_nodes,
            },
            StoredChange::AddPool { name, size, count } => Self::AddPool { name, size, count },
        }
    }
}

fn store(i: &Insight) -> StoredInsight {
    StoredInsight {
        check: i.check.clone(),
        category: i.category.clone(),
        severity: i.severity.as_str().to_owned(),
        title: i.title.clone(),
        message: i.message.clone(),
        evidence: i.evidence.as_ref().map(|e| StoredEvidence {
            metric: e.metric.clone(),
            value: e.value,
            threshold: e.threshold,
            window: e.window.clone(),
        }),
        object: (i.object.kind.clone(), i.object.id, i.object.name.clone()),
        action: i.recommendation.action.clone(),
        change: i.recommendation.change.as_ref().map(StoredChange::from),
    }
}

fn restore(s: StoredInsight) -> Result<Insight, String> {
    Ok(Insight {
        severity: Severity::parse(&s.severity)
            .ok_or_else(|| format!("stored insights: severity {:?}", s.severity))?,
        evidence: s.evidence.map(|e| Evidence {
            metric: e.metric,
            value: e.value,
            threshold: e.threshold,
            window: e.window,
        }),
        object: ObjectRef {
            kind: s.object.0,
            id: s.object.1,
            name: s.object.2,
        },
        recommendation: Recommendation {
            action: s.action,
            change: s.change.map(Change::from),
        },
        check: s.check,
        category: s.category,
        title: s.title,
        message: s.message,
    })
}

/// The request the SPA shows for `change` on `cluster_id`.
pub fn request_hint(cluster_id: Uuid, change: &Change) -> RequestHint {
    let pools = format!("/api/v1/clusters/{cluster_id}/node_pools");
    let (method, path, body) = match change {
        Change::ScalePool { pool_id, count } => (
            "PATCH",
            format!("{pools}/{pool_id}"),
            json!({ "count": count }),
        ),
        Change::RaiseMaxNodes { pool_id, max_nodes } => (
            "PATCH",
            format!("{pools}/{pool_id}"),
            json!({ "max_nodes": max_nodes }),
        ),
        Change::EnableAutoscaling {
            pool_id,
            min_nodes,
            max_nodes,
        } => (
            "PATCH",
            format!("{pools}/{pool_id}"),
            json!({ "auto_scale": true, "min_nodes": min_nodes, "max_nodes": max_nodes }),
        ),
        Change::AddPool { name, size, count } => (
            "POST",
            pools,
            json!({ "name": name, "size": size, "count": count }),
        ),
    };
    RequestHint {
        method: method.into(),
        path,
        body,
    }
}

/// The `POST /api/v1/jobs` body doing `change`, when a job type does it (a `scale` job
/// sets a pool's count; nothing else has a job type).
pub fn job_request(cluster_id: Uuid, change: &Change) -> Option<Value> {
    match change {
        Change::ScalePool { pool_id, count } => Some(json!({
            "type": "scale",
            "args": { "cluster_id": cluster_id, "node_pool_id": pool_id, "desired": count },
        })),
        _ => None,
    }
}

/// One insight as the API shows it.
pub fn insight_resource(cluster_id: Uuid, i: &Insight) -> InsightOut {
    let change = i.recommendation.change.as_ref();
    InsightOut {
        check: i.check.clone(),
        category: i.category.clone(),
        severity: i.severity.as_str().to_owned(),
        title: i.title.clone(),
        message: i.message.clone(),
        evidence: i.evidence.as_ref().map(|e| EvidenceOut {
            metric: e.metric.clone(),
            value: e.value,
            threshold: e.threshold,
            window: e.window.clone(),
        }),
        object: InsightObject {
            kind: i.object.kind.clone(),
            id: i.object.id,
            name: i.object.name.clone(),
        },
        recommendation: RecommendationOut {
            action: i.recommendation.action.clone(),
            request_hint: change.map(|c| request_hint(cluster_id, c)),
            job_request: change.and_then(|c| job_request(cluster_id, c)),
        },
    }
}

fn count(insights: &[Insight], severity: Severity) -> u32 {
    insights.iter().filter(|i| i.severity == severity).count() as u32
}

impl DiagnosisRow {
    /// The stored insights; an unreadable column reads as none.
    pub fn domain_insights(&self) -> Vec<Insight> {
        self.to_state().map(|s| s.insights).unwrap_or_default()
    }
}

impl StateRow for DiagnosisRow {
    type State = Diagnosis;
    const TABLE: &'static str = "diagnosis";
    const ID_COLUMN: &'static str = "diagnosis_id";
    const COLUMNS: &'static [&'static str] = &[
        "diagnosis_id",
        "owner",
        "cluster_id",
        "requested_by",
        "operation_id",
        "job_id",
        "source",
        "insights",
        "error_count",
        "warning_count",
        "suggestion_count",
        "version",
        "recorded_at",
    ];

    fn from_state(state: &Diagnosis) -> Option<Self> {
        let recorded_at = state.recorded_at?;
        let (operation_id, job_id) = match state.trigger? {
            Trigger::Request { operation_id } => (Some(operation_id), None),
            Trigger::Job { job_id } => (None, Some(job_id)),
        };
        let stored: Vec<StoredInsight> = state.insights.iter().map(store).collect();
        Some(Self {
            diagnosis_id: state.id,
            owner: state.owner.clone(),
            cluster_id: state.cluster_id,
            requested_by: state.requested_by.clone(),
            operation_id,
            job_id,
            source: state.source.clone(),
            insights: json_text(&stored),
            error_count: count(&state.insights, Severity::Error),
            warning_count: count(&state.insights, Severity::Warning),
            suggestion_count: count(&state.insights, Severity::Suggestion),
            version: state.version,
            recorded_at,
        })
    }

    fn to_state(&self) -> Result<Diagnosis, String> {
        let stored: Vec<StoredInsight> = from_json_text(&self.insights, "insights")?;
        let trigger = match (self.operation_id, self.job_id) {
            (Some(operation_id), None) => Trigger::Request { operation_id },
            (None, Some(job_id)) => Trigger::Job { job_id },
            _ => return Err("stored diagnosis: exactly one of operation_id, job_id".into()),
        };
        Ok(Diagnosis {
            id: self.diagnosis_id,
            cluster_id: self.cluster_id,
            owner: self.owner.clone(),
            requested_by: self.requested_by.clone(),
            trigger: Some(trigger),
            source: self.source.clone(),
            insights: stored.into_iter().map(restore).collect::<Result<_, _>>()?,
            recorded_at: Some(self.recorded_at),
            version: self.version,
        })
    }

    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.diagnosis_id)
            .bind(&self.owner)
            .bind(self.cluster_id)
            .bind(&self.requested_by)
            .bind(self.operation_id)
            .bind(self.job_id)
            .bind(&self.source)
            .bind(&self.insights)
            .bind(self.error_count)
            .bind(self.warning_count)
            .bind(self.suggestion_count)
            .bind(self.version)
            .bind(self.recorded_at)
    }

    fn id(&self) -> Uuid {
        self.diagnosis_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        let at = rfc3339(self.recorded_at);
        to_value(&Resource {
            kind: "diagnosis".into(),
            id: self.diagnosis_id,
            version: self.version,
            cluster_id: self.cluster_id,
            status: "succeeded".into(),
            source: self.source.clone(),
            operation_id: self.operation_id,
            job_id: self.job_id,
            requested_by: self.requested_by.clone(),
            requested_at: at.clone(),
            completed_at: at,
            counts: InsightCounts {
                error: self.error_count,
                warning: self.warning_count,
                suggestion: self.suggestion_count,
            },
            insights: self
                .domain_insights()
                .iter()
                .map(|i| insight_resource(self.cluster_id, i))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn state() -> Diagnosis {
        let pool = Uuid::from_u128(2);
        let insight = |change| Insight {
            check: "pool_cpu_saturation".into(),
            category: "capacity".into(),
            severity: Severity::Warning,
            title: "t".into(),
            message: "m".into(),
            evidence: Some(Evidence {
                metric: "cpu".into(),
                value: 87.0,
                threshold: 80.0,
                window: "10m".into(),
            }),
            object: ObjectRef {
                kind: "node_pool".into(),
                id: pool,
                name: "web".into(),
            },
            recommendation: Recommendation {
                action: "scale_node_pool".into(),
                change,
            },
        };
        Diagnosis {
            id: Uuid::from_u128(9),
            cluster_id: Uuid::from_u128(1),
            owner: "alice".into(),
            requested_by: "alice".into(),
            trigger: Some(Trigger::Request {
                operation_id: Uuid::from_u128(3),
            }),
            source: "rules".into(),
            insights: vec![
                insight(Some(Change::ScalePool {
                    pool_id: pool,
                    count: 4,
                })),
                insight(Some(Change::AddPool {
                    name: "web-big".into(),
                    size: "s-4vcpu-8gb".into(),
                    count: 3,
                })),
                insight(None),
            ],
            recorded_at: Some(
                Utc.with_ymd_and_hms(2026, 12, 10, 20, 0, 0)
                    .single()
                    .expect("t"),
            ),
            version: 1,
        }
    }

    #[test]
    fn the_row_is_a_lossless_copy_of_the_state() {
        let row = DiagnosisRow::from_state(&state()).expect("row");
        assert_eq!(row.to_state().expect("state"), state());
        assert_eq!(
            (row.error_count, row.warning_count, row.suggestion_count),
            (0, 3, 0)
        );
    }

    #[test]
    fn a_scale_recommendation_renders_a_patch_and_a_scale_job() {
        let row = DiagnosisRow::from_state(&state()).expect("row");
        let resource = row.to_resource();
        let rec = &resource["insights"][0]["recommendation"];
        let pool = Uuid::from_u128(2);
        let cluster = Uuid::from_u128(1);
        assert_eq!(rec["request_hint"]["method"], "PATCH");
        assert_eq!(
            rec["request_hint"]["path"],
            format!("/api/v1/clusters/{cluster}/node_pools/{pool}")
        );
        assert_eq!(rec["request_hint"]["body"], json!({ "count": 4 }));
        assert_eq!(
            rec["job_request"],
            json!({ "type": "scale", "args": { "cluster_id": cluster, "node_pool_id": pool, "desired": 4 } })
        );
        let add = &resource["insights"][1]["recommendation"];
        assert_eq!(add["request_hint"]["method"], "POST");
        assert_eq!(add["job_request"], Value::Null);
        assert_eq!(
            resource["insights"][2]["recommendation"]["request_hint"],
            Value::Null
        );
        let parsed: Resource = serde_json::from_value(resource).expect("the contract type");
        assert_eq!(parsed.counts.warning, 3);
    }
}
