//! The `Deployments` aggregate (api.md §10, §12.4): every deployment and revision of one
//! cluster, so one writer decides what only the whole history can — one deployment in
//! progress per cluster (two concurrent starts can never both win), revision numbers,
//! the active revision, rollback targets. A deployment's own version counts its events.
//! Pure and total: `decide` refuses what §12.4 does not allow, `evolve` folds; must
//! never run a step itself (the runner in command-api does and reports here).

pub mod analysis;
mod command;
mod decide;
mod evolve;
pub mod strategy;
#[cfg(test)]
mod tests;

pub use command::{DeploymentCommand, DeploymentEvent, Kind, RollbackTarget, Spec, Started};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Aggregate;
use crate::rejection::{DomainError, Rejection, RejectionKind};
use analysis::AnalysisRun;
use strategy::PlannedStep;

/// api.md §12.4's default `progress_deadline_seconds`.
pub const DEFAULT_PROGRESS_DEADLINE_SECONDS: u32 = 600;
/// A rollback to one of this many latest revisions skips analysis by default.
pub const RECENT_REVISIONS: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Progressing,
    Paused,
    Promoting,
    Succeeded,
    RollingBack,
    RolledBack,
    Failed,
    Cancelled,
    Superseded,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Progressing => "progressing",
            Self::Paused => "paused",
            Self::Promoting => "promoting",
            Self::Succeeded => "succeeded",
            Self::RollingBack => "rolling_back",
            Self::RolledBack => "rolled_back",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Superseded => "superseded",
        }
    }

    /// Not finished: the runner still moves it, and no other may start beside it.
    pub fn in_progress(self) -> bool {
        matches!(
            self,
            Self::Pending | Self::Progressing | Self::Paused | Self::Promoting | Self::RollingBack
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Pending,
    Running,
    Succeeded,
    Failed,
    Skipped,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub planned: PlannedStep,
    pub status: StepStatus,
    pub message: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One deployment of the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub id: Uuid,
    pub revision: u32,
    pub kind: Kind,
    pub rollback_of: Option<Uuid>,
    pub spec: Spec,
    pub skip_analysis: bool,
    pub status: Status,
    /// The step running (or paused on); `None` before the first and after the last.
    pub current_step: Option<u32>,
    pub canary_weight: u8,
    pub message: String,
    pub steps: Vec<Step>,
    pub analysis_runs: Vec<AnalysisRun>,
    /// Last progress, for `progress_deadline_seconds`.
    pub progressed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Events of this deployment folded so far.
    pub version: u64,
}

impl Deployment {
    pub fn step(&self, index: u32) -> Option<&Step> {
        self.steps.get(usize::try_from(index).ok()?)
    }

    pub fn current(&self) -> Option<&Step> {
        self.current_step.and_then(|i| self.step(i))
    }

    /// When the step it waits on is due to end by itself (a timed pause).
    pub fn pause_ends_at(&self) -> Option<DateTime<Utc>> {
        let step = self.current()?;
        match step.planned.action {
            strategy::Action::Pause(Some(seconds)) => {
                Some(step.started_at? + chrono::Duration::seconds(i64::from(seconds)))
            }
            _ => None,
        }
    }

    /// When it exceeds `progress_deadline_seconds` unless it progresses first.
    pub fn deadline(&self) -> DateTime<Utc> {
        self.progressed_at
            + chrono::Duration::seconds(i64::from(self.spec.progress_deadline_seconds))
    }
}

/// The aggregate's state: one cluster's deployments, oldest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Deployments {
    pub id: Uuid,
    pub cluster_id: Uuid,
    pub owner: String,
    pub deployments: Vec<Deployment>,
    pub version: u64,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl Deployments {
    pub fn get(&self, id: Uuid) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.id == id)
    }

    /// The deployment in progress, if any (at most one).
    pub fn in_progress(&self) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.status.in_progress())
    }

    /// The active revision's deployment.
    pub fn active(&self) -> Option<&Deployment> {
        self.deployments
            .iter()
            .find(|d| d.status == Status::Succeeded)
    }

    /// The latest revision number (0 before the first).
    pub fn latest_revision(&self) -> u32 {
        self.deployments
            .iter()
            .map(|d| d.revision)
            .max()
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeploymentRefused {
    #[error("no such deployment")]
    NotFound,
    #[error("deployment {0} is in progress on this cluster")]
    InProgress(Uuid),
    #[error("the deployment id is taken")]
    AlreadyExists,
    #[error("a deployment that is {status} cannot {action}")]
    Transition {
        status: &'static str,
        action: &'static str,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Precondition(String),
}

impl DomainError for DeploymentRefused {
    fn rejection(&self) -> Rejection {
        use RejectionKind as K;
        const KIND: &str = "deployment";
        let detail = self.to_string();
        match self {
            Self::NotFound => Rejection::not_found(KIND),
            Self::InProgress(id) => Rejection::new(K::DeploymentInProgress, KIND, detail)
                .meta("deployment_id", id.to_string()),
            Self::AlreadyExists => Rejection::new(K::AlreadyExists, KIND, detail),
            Self::Transition { status, .. } => {
                Rejection::new(K::FailedPrecondition, KIND, detail).meta("status", *status)
            }
            Self::Invalid(_) => Rejection::new(K::Invalid, KIND, detail),
            Self::Precondition(_) => Rejection::new(K::FailedPrecondition, KIND, detail),
        }
    }
}

impl Aggregate for Deployments {
    const NAME: &'static str = "deployments";
    type Command = DeploymentCommand;
    type Event = DeploymentEvent;
    type Error = DeploymentRefused;

    fn decide(
        &self,
        command: &DeploymentCommand,
    ) -> Result<Vec<DeploymentEvent>, DeploymentRefused> {
        decide::decide(self, command)
    }

    fn evolve(self, event: &DeploymentEvent) -> Self {
        evolve::evolve(self, event)
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn exists(&self) -> bool {
        self.version > 0
    }

    fn owner(&self) -> &str {
        &self.owner
    }
}
