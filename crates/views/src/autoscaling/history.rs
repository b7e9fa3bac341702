//! The autoscaler's history rows: `autoscaling_event` (one row per scale a policy
//! started, updated when it ends) and `autoscaler_decision` (one row per recorded tick,
//! its decision-log entry as stored JSON text; bounded by the projector's retention).
//! Rows render the contract's `ScalingEvent` and `AutoscalerDecision`.

use chrono::{DateTime, Utc};
use contract::autoscaling::{AutoscalerDecision, ScalingEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::row::{Bound, rfc3339};

/// A scaling event; keyed by its operation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct ScalingEventRow {
    pub operation_id: Uuid,
    pub policy_id: Uuid,
    pub owner: String,
    pub current_count: u32,
    pub desired_count: u32,
    /// `SCALE_UP` or `SCALE_DOWN`.
    pub reason: String,
    /// `in_progress`, `success` or `error`.
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

pub const EVENT_COLUMNS: &[&str] = &[
    "operation_id",
    "policy_id",
    "owner",
    "current_count",
    "desired_count",
    "reason",
    "status",
    "started_at",
    "finished_at",
];

impl ScalingEventRow {
    pub fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.operation_id)
            .bind(self.policy_id)
            .bind(&self.owner)
            .bind(self.current_count)
            .bind(self.desired_count)
            .bind(&self.reason)
            .bind(&self.status)
            .bind(self.started_at)
            .bind(self.finished_at)
    }

    pub fn to_resource(&self) -> ScalingEvent {
        ScalingEvent {
            policy_id: self.policy_id,
            operation_id: self.operation_id,
            current_count: self.current_count,
            desired_count: self.desired_count,
            reason: self.reason.clone(),
            status: self.status.clone(),
            started_at: rfc3339(self.started_at),
            finished_at: self.finished_at.map(rfc3339),
        }
    }
}

/// A recorded tick; keyed by the event that recorded it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct DecisionRow {
    pub event_id: Uuid,
    pub policy_id: Uuid,
    pub owner: String,
    pub evaluated_at: DateTime<Utc>,
    /// The `AutoscalerDecision` as JSON text.
    pub decision: String,
}

pub const DECISION_COLUMNS: &[&str] =
    &["event_id", "policy_id", "owner", "evaluated_at", "decision"];

impl DecisionRow {
    pub fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.event_id)
            .bind(self.policy_id)
            .bind(&self.owner)
            .bind(self.evaluated_at)
            .bind(&self.decision)
    }

    /// The entry; `None` for one that cannot be read (written by an older shape).
    pub fn to_resource(&self) -> Option<AutoscalerDecision> {
        serde_json::from_str(&self.decision).ok()
    }
}
