//! Commands and events of the `AutoscalingPolicy` aggregate (api.md §10, §13): CRUD plus
//! enable/disable from users, evaluations and scaling events from the autoscaler. Plain
//! values; must never carry anything the decision did not already fix (no clock reads).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::autoscale::policy::Policy;
use crate::autoscale::tick::{Condition, ScaleReason, ScaleStatus};

#[derive(Debug, Clone, PartialEq)]
pub enum PolicyCommand {
    Create {
        id: Uuid,
        owner: String,
        policy: Policy,
        at: DateTime<Utc>,
    },
    /// Replaces the policy (a merge-patch is resolved against the current one first).
    Update {
        policy: Policy,
        at: DateTime<Utc>,
    },
    Delete {
        at: DateTime<Utc>,
    },
    Enable {
        at: DateTime<Utc>,
    },
    Disable {
        at: DateTime<Utc>,
    },
    /// One tick's outcome: the recommendation for the stabilization log and the status.
    RecordEvaluation(Evaluation),
    /// The autoscaler issued a scale (step 9).
    StartScaling {
        operation_id: Uuid,
        from: u32,
        to: u32,
        reason: ScaleReason,
        at: DateTime<Utc>,
    },
    /// The scale's operation ended.
    FinishScaling {
        operation_id: Uuid,
        status: ScaleStatus,
        at: DateTime<Utc>,
    },
}

/// What a tick reports into `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub current_nodes: u32,
    pub desired_nodes: u32,
    /// The tick's recommendation (`Decision::recommendation_to_record`).
    pub recommendation: u32,
    pub conditions: [Condition; 3],
    /// The decision-log entry of the tick (api.md §13.2 step 10), opaque canonical JSON
    /// rendered at the edge: the fold never reads it, the decision log shows it.
    pub log: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PolicyEvent {
    Created {
        id: Uuid,
        owner: String,
        policy: Policy,
        at: DateTime<Utc>,
    },
    Updated {
        policy: Policy,
        at: DateTime<Utc>,
    },
    Deleted {
        at: DateTime<Utc>,
    },
    Enabled {
        at: DateTime<Utc>,
    },
    Disabled {
        at: DateTime<Utc>,
    },
    Evaluated(Evaluation),
    ScalingStarted {
        operation_id: Uuid,
        from: u32,
        to: u32,
        reason: ScaleReason,
        at: DateTime<Utc>,
    },
    ScalingFinished {
        operation_id: Uuid,
        status: ScaleStatus,
        at: DateTime<Utc>,
    },
}

impl PolicyEvent {
    /// The stable type name stored with the event.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Created { .. } => "autoscaling_policy.created",
            Self::Updated { .. } => "autoscaling_policy.updated",
            Self::Deleted { .. } => "autoscaling_policy.deleted",
            Self::Enabled { .. } => "autoscaling_policy.enabled",
            Self::Disabled { .. } => "autoscaling_policy.disabled",
            Self::Evaluated(_) => "autoscaling_policy.evaluated",
            Self::ScalingStarted { .. } => "autoscaling_policy.scaling_started",
            Self::ScalingFinished { .. } => "autoscaling_policy.scaling_finished",
        }
    }
}
