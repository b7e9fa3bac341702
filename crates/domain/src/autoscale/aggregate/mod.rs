//! The `AutoscalingPolicy` aggregate (api.md §10, §13): one policy per node pool, its
//! enabled switch, the recommendation log and scaling history the next tick reads, and
//! `status`. Pure and total like every aggregate: `decide` validates, `evolve` folds; must
//! never evaluate a tick itself (the reconciler runs `tick::evaluate` and records here).

mod command;
mod decide;
mod evolve;
#[cfg(test)]
mod tests;

pub use command::{Evaluation, PolicyCommand, PolicyEvent};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Aggregate;
use crate::autoscale::policy::Policy;
use crate::autoscale::tick::{Condition, Recommendation, ScaleEvent, ScaleStatus};
use crate::autoscale::validate::FieldError;
use crate::rejection::{DomainError, Meta, Rejection, RejectionKind};

/// How many finished scaling events the state keeps: enough for any rate period, delay
/// or cooldown; the full history is a read model.
pub const KEPT_SCALE_EVENTS: usize = 32;

/// `status` of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    pub current_nodes: u32,
    pub desired_nodes: u32,
    pub last_evaluated_at: Option<DateTime<Utc>>,
    pub last_scale_at: Option<DateTime<Utc>>,
    pub conditions: Vec<Condition>,
}

/// The aggregate's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AutoscalingPolicy {
    pub id: Uuid,
    pub owner: String,
    /// `None` before creation.
    pub policy: Option<Policy>,
    pub deleted: bool,
    pub status: Status,
    /// Recommendations younger than the longest stabilization window.
    pub recommendations: Vec<Recommendation>,
    /// The latest scaling events, oldest first; at most one `InProgress`, the last.
    pub scale_events: Vec<ScaleEvent>,
    /// The operation of the scaling event in progress.
    pub scaling_operation: Option<Uuid>,
    pub version: u64,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl AutoscalingPolicy {
    pub fn is_live(&self) -> bool {
        self.policy.is_some() && !self.deleted
    }

    pub fn enabled(&self) -> bool {
        self.policy.as_ref().is_some_and(|p| p.enabled)
    }

    /// Whether a scale of the pool issued by this policy is still running.
    pub fn scale_in_flight(&self) -> bool {
        self.scale_events
            .last()
            .is_some_and(|e| e.status == ScaleStatus::InProgress)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyRefused {
    #[error("the autoscaling policy already exists")]
    AlreadyExists,
    #[error("the autoscaling policy does not exist")]
    NotFound,
    #[error("the policy is invalid")]
    Invalid(Vec<FieldError>),
    #[error("the target of a policy cannot change")]
    TargetImmutable,
    #[error("a disabled policy is not evaluated and does not scale")]
    Disabled,
    #[error("a scale of this pool is still in flight")]
    ScaleInFlight,
    #[error("no scale with that operation is in flight")]
    UnknownScale,
}

impl DomainError for PolicyRefused {
    fn rejection(&self) -> Rejection {
        use RejectionKind as K;
        const KIND: &str = "autoscaling_policy";
        let detail = self.to_string();
        match self {
            Self::NotFound => Rejection::not_found(KIND),
            Self::AlreadyExists => Rejection::new(K::AlreadyExists, KIND, detail),
            Self::Invalid(errors) => {
                let fields: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.pointer, e.reason))
                    .collect();
                Rejection::new(K::Invalid, KIND, detail).meta("fields", Meta::List(fields))
            }
            Self::TargetImmutable => Rejection::new(K::Invalid, KIND, detail),
            Self::Disabled => Rejection::new(K::InvalidStateTransition, KIND, detail),
            Self::ScaleInFlight | Self::UnknownScale => {
                Rejection::new(K::FailedPrecondition, KIND, detail)
            }
        }
    }
}

impl Aggregate for AutoscalingPolicy {
    const NAME: &'static str = "autoscaling_policy";
    type Command = PolicyCommand;
    type Event = PolicyEvent;
    type Error = PolicyRefused;

    fn decide(&self, command: &PolicyCommand) -> Result<Vec<PolicyEvent>, PolicyRefused> {
        decide::decide(self, command)
    }

    fn evolve(self, event: &PolicyEvent) -> Self {
        evolve::evolve(self, event)
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn exists(&self) -> bool {
        self.is_live()
    }

    fn owner(&self) -> &str {
        &self.owner
    }
}
