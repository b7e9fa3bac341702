//! The Operation read model (api.md §9): one row per long-running operation, folded from
//! the operation facts the target aggregate's events state (`domain::operation`). The
//! same `apply` builds the snapshot command-api returns in a 202 and the row the
//! projector stores, so the two can never disagree. Views copy facts; they infer none.

use chrono::{DateTime, Utc};
use contract::cluster::Reference;
use contract::operation::{Operation, Progress};
use contract::problem::Problem;
use domain::operation::{OperationChange, OperationFact};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::row::{Bound, rfc3339};

/// Every column of `operation`, in the order of `COLUMNS`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct OperationRow {
    pub operation_id: Uuid,
    pub owner: String,
    pub op_type: String,
    pub target_kind: String,
    pub target_id: Uuid,
    pub status: String,
    pub cancel_requested: bool,
    pub progress_percent: u32,
    pub progress_step: String,
    pub progress_message: String,
    pub steps_total: u32,
    pub steps_done: u32,
    pub error_code: Option<String>,
    pub error_detail: Option<String>,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

pub const COLUMNS: &[&str] = &[
    "operation_id",
    "owner",
    "op_type",
    "target_kind",
    "target_id",
    "status",
    "cancel_requested",
    "progress_percent",
    "progress_step",
    "progress_message",
    "steps_total",
    "steps_done",
    "error_code",
    "error_detail",
    "requested_by",
    "created_at",
    "completed_at",
    "updated_at",
    "version",
];

impl OperationRow {
    pub fn is_done(&self) -> bool {
        matches!(self.status.as_str(), "succeeded" | "failed" | "cancelled")
    }

    /// Folds one fact. A fact for an operation whose start was never seen (a record
    /// from before operations existed) yields nothing; a terminal operation stays as it
    /// ended.
    pub fn apply(row: Option<Self>, fact: &OperationFact, owner: &str) -> Option<Self> {
        let mut row = match (row, &fact.change) {
            (
                None,
                OperationChange::Started {
                    op_type,
                    target_kind,
                    target_id,
                    requested_by,
                    steps_total,
                },
            ) => {
                return Some(Self {
                    operation_id: fact.operation_id,
                    owner: owner.to_owned(),
                    op_type: op_type.clone(),
                    target_kind: (*target_kind).to_owned(),
                    target_id: *target_id,
                    status: "running".into(),
                    cancel_requested: false,
                    progress_percent: 0,
                    progress_step: String::new(),
                    progress_message: String::new(),
                    steps_total: *steps_total,
                    steps_done: 0,
                    error_code: None,
                    error_detail: None,
                    requested_by: requested_by.clone(),
                    created_at: fact.at,
                    completed_at: None,
                    updated_at: fact.at,
                    version: 1,
                });
            }
            (None, _) => return None,
            (Some(row), _) if row.is_done() => return Some(row),
            (Some(row), _) => row,
        };
        row.version += 1;
        row.updated_at = fact.at;
        match &fact.change {
            OperationChange::Started { .. } => {}
            OperationChange::Progress {
                percent,
                step,
                message,
                steps_done,
            } => {
                row.progress_percent = u32::from(*percent).max(row.progress_percent);
                row.progress_step.clone_from(step);
                row.progress_message.clone_from(message);
                row.steps_done = *steps_done;
            }
            OperationChange::CancelRequested => row.cancel_requested = true,
            OperationChange::Succeeded => {
                row.status = "succeeded".into();
                row.progress_percent = 100;
                row.steps_done = row.steps_total;
                row.completed_at = Some(fact.at);
            }
            OperationChange::Failed { code, detail } => {
                row.status = "failed".into();
                row.error_code = Some(code.clone());
                row.error_detail = Some(detail.clone());
                row.completed_at = Some(fact.at);
            }
            OperationChange::Cancelled { reason } => {
                row.status = "cancelled".into();
                row.progress_message.clone_from(reason);
                row.completed_at = Some(fact.at);
            }
        }
        Some(row)
    }

    /// Folds every fact of one operation, in order, from nothing.
    pub fn from_facts<'a>(
        facts: impl IntoIterator<Item = &'a OperationFact>,
        owner: &str,
    ) -> Option<Self> {
        facts
            .into_iter()
            .fold(None, |row, fact| Self::apply(row, fact, owner))
    }

    /// Binds every column of `COLUMNS`, in that order.
    pub fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.operation_id)
            .bind(&self.owner)
            .bind(&self.op_type)
            .bind(&self.target_kind)
            .bind(self.target_id)
            .bind(&self.status)
            .bind(self.cancel_requested)
            .bind(self.progress_percent)
            .bind(&self.progress_step)
            .bind(&self.progress_message)
            .bind(self.steps_total)
            .bind(self.steps_done)
            .bind(&self.error_code)
            .bind(&self.error_detail)
            .bind(&self.requested_by)
            .bind(self.created_at)
            .bind(self.completed_at)
            .bind(self.updated_at)
            .bind(self.version)
    }

    /// The Operation of api.md §9 (`kind: "operation"`), as JSON.
    pub fn to_resource(&self) -> Value {
        crate::row::to_value(&self.to_operation())
    }

    /// The Operation of api.md §9.
    pub fn to_operation(&self) -> Operation {
        let target = Reference {
            kind: self.target_kind.clone(),
            id: self.target_id,
        };
        Operation {
            kind: "operation".into(),
            id: self.operation_id,
            version: self.version,
            operation_type: self.op_type.clone(),
            target: target.clone(),
            status: self.status.clone(),
            done: self.is_done(),
            cancel_requested: self.cancel_requested,
            progress: Progress {
                percent: self.progress_percent,
                step: self.progress_step.clone(),
                message: self.progress_message.clone(),
                steps_total: self.steps_total,
                steps_done: self.steps_done,
            },
            requested_by: self.requested_by.clone(),
            correlation_id: self.operation_id,
            created_at: rfc3339(self.created_at),
            started_at: rfc3339(self.created_at),
            completed_at: self.completed_at.map(rfc3339),
            result: (self.status == "succeeded").then_some(target),
            error: (self.status == "failed").then(|| self.error_problem()),
        }
    }

    /// The failure as an RFC 9457 problem document.
    fn error_problem(&self) -> Problem {
        let code = self.error_code.clone().unwrap_or_else(|| "INTERNAL".into());
        Problem {
            type_uri: format!(
                "https://docs.clustergenie.dev/problems/{}",
                code.to_ascii_lowercase().replace('_', "-")
            ),
            title: "The operation failed".into(),
            status: 500,
            detail: Some(self.error_detail.clone().unwrap_or_default()),
            instance: None,
            code,
            request_id: None,
            metadata: None,
            errors: None,
            violated_policies: None,
        }
    }

    /// Seconds a client should wait before polling again (1–5 by operation type).
    pub fn retry_after(&self) -> u32 {
        match self.op_type.as_str() {
            "cluster.create" | "cluster.delete" => 5,
            t if t.starts_with("node_pool.") || t.starts_with("node.") => 3,
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, s)
            .single()
            .expect("time")
    }

    fn fact(change: OperationChange, s: u32) -> OperationFact {
        OperationFact {
            operation_id: Uuid::from_u128(1),
            at: at(s),
            change,
        }
    }

    fn started() -> OperationFact {
        fact(
            OperationChange::Started {
                op_type: "droplet.create".into(),
                target_kind: "droplet",
                target_id: Uuid::from_u128(2),
                requested_by: "alice".into(),
                steps_total: 2,
            },
            0,
        )
    }

    #[test]
    fn an_operation_runs_then_succeeds_with_a_result() {
        let row =
            OperationRow::from_facts(&[started(), fact(OperationChange::Succeeded, 2)], "alice")
                .expect("row");
        let resource = row.to_resource();
        assert_eq!(
            (resource["status"].as_str(), resource["done"].as_bool()),
            (Some("succeeded"), Some(true))
        );
        assert_eq!(resource["result"]["id"], Uuid::from_u128(2).to_string());
        assert!(resource.get("error").is_none());
    }

    #[test]
    fn a_failure_carries_a_problem_and_nothing_moves_it_afterwards() {
        let failed = fact(
            OperationChange::Failed {
                code: "PROVISIONING_FAILED".into(),
                detail: "no capacity".into(),
            },
            2,
        );
        let late = fact(OperationChange::Succeeded, 3);
        let row = OperationRow::from_facts(&[started(), failed, late], "alice").expect("row");
        assert_eq!(row.status, "failed");
        assert_eq!(row.to_resource()["error"]["code"], "PROVISIONING_FAILED");
    }

    #[test]
    fn facts_without_a_start_yield_no_row() {
        assert_eq!(
            OperationRow::from_facts(&[fact(OperationChange::Succeeded, 1)], "alice"),
            None
        );
    }
}
