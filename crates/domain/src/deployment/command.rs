//! Commands and events of the `Deployments` aggregate (api.md §12.4). Users start,
//! roll back and steer deployments; the runner reports steps, analysis runs and the end
//! of a promotion or rollback. Every event but `Started` names its deployment. Plain
//! values; must never carry anything the decision did not already fix.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::analysis::{Analysis, AnalysisRun};
use super::strategy::Strategy;

/// What a new deployment rolls out.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub image: String,
    pub config_hash: String,
    pub replicas: u32,
    pub strategy: Strategy,
    pub analysis: Option<Analysis>,
    pub auto_rollback: bool,
    pub progress_deadline_seconds: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rollout,
    Rollback,
}

/// Which revision a rollback restores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollbackTarget {
    /// The stable revision before the active one.
    Previous,
    Revision(u32),
    Deployment(Uuid),
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeploymentCommand {
    Start {
        /// The aggregate's id (one per cluster).
        id: Uuid,
        cluster_id: Uuid,
        owner: String,
        deployment_id: Uuid,
        spec: Spec,
        /// Cancel a deployment still in progress instead of refusing.
        supersede: bool,
        at: DateTime<Utc>,
    },
    Rollback {
        id: Uuid,
        cluster_id: Uuid,
        owner: String,
        deployment_id: Uuid,
        target: RollbackTarget,
        /// `None`: skip when the target is one of the last 3 revisions.
        skip_analysis: Option<bool>,
        at: DateTime<Utc>,
    },
    /// Runner: leave `pending` (to `promoting` or to step 0).
    Begin {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    /// Runner: step `index` (not an analysis step) is done, or its pause elapsed.
    CompleteStep {
        deployment_id: Uuid,
        index: u32,
        message: String,
        at: DateTime<Utc>,
    },
    /// Runner: the measurements of the analysis at step `index` (`None`: post-promotion),
    /// one list per metric of the deployment's analysis.
    RecordAnalysis {
        deployment_id: Uuid,
        index: Option<u32>,
        measured: Vec<Vec<f64>>,
        at: DateTime<Utc>,
    },
    /// Runner: `progress_deadline_seconds` passed without progress.
    Expire {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    /// Runner: the promotion finished; the deployment becomes the active revision.
    FinishPromotion {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    /// Runner: the rollback finished (`restored`) or could not restore the stable revision.
    FinishRollback {
        deployment_id: Uuid,
        restored: bool,
        at: DateTime<Utc>,
    },
    Pause {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    Resume {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    Promote {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    Abort {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    Cancel {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
}

impl DeploymentCommand {
    /// The deployment the command is about.
    pub fn deployment_id(&self) -> Uuid {
        match self {
            Self::Start { deployment_id, .. }
            | Self::Rollback { deployment_id, .. }
            | Self::Begin { deployment_id, .. }
            | Self::CompleteStep { deployment_id, .. }
            | Self::RecordAnalysis { deployment_id, .. }
            | Self::Expire { deployment_id, .. }
            | Self::FinishPromotion { deployment_id, .. }
            | Self::FinishRollback { deployment_id, .. }
            | Self::Pause { deployment_id, .. }
            | Self::Resume { deployment_id, .. }
            | Self::Promote { deployment_id, .. }
            | Self::Abort { deployment_id, .. }
            | Self::Cancel { deployment_id, .. } => *deployment_id,
        }
    }
}

/// A new deployment, as its first event states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Started {
    pub id: Uuid,
    pub cluster_id: Uuid,
    pub owner: String,
    pub deployment_id: Uuid,
    pub revision: u32,
    pub kind: Kind,
    pub rollback_of: Option<Uuid>,
    pub spec: Spec,
    pub skip_analysis: bool,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeploymentEvent {
    Started(Box<Started>),
    /// Step `index` began (the first one after `pending`).
    StepStarted {
        deployment_id: Uuid,
        index: u32,
        at: DateTime<Utc>,
    },
    /// Step `index` succeeded; the next one begins (paused on a pause step).
    StepFinished {
        deployment_id: Uuid,
        index: u32,
        message: String,
        at: DateTime<Utc>,
    },
    AnalysisRecorded {
        deployment_id: Uuid,
        run: AnalysisRun,
    },
    Paused {
        deployment_id: Uuid,
        message: String,
        at: DateTime<Utc>,
    },
    Resumed {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    /// Remaining steps skipped.
    PromotionStarted {
        deployment_id: Uuid,
        message: String,
        at: DateTime<Utc>,
    },
    Succeeded {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    /// A newer deployment succeeded.
    Superseded {
        deployment_id: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
    },
    RollbackStarted {
        deployment_id: Uuid,
        message: String,
        at: DateTime<Utc>,
    },
    RolledBack {
        deployment_id: Uuid,
        at: DateTime<Utc>,
    },
    Failed {
        deployment_id: Uuid,
        message: String,
        at: DateTime<Utc>,
    },
    Cancelled {
        deployment_id: Uuid,
        message: String,
        at: DateTime<Utc>,
    },
}

impl DeploymentEvent {
    /// The stable type name stored with the event.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Started(_) => "deployment.started",
            Self::StepStarted { .. } => "deployment.step_started",
            Self::StepFinished { .. } => "deployment.step_finished",
            Self::AnalysisRecorded { .. } => "deployment.analysis_recorded",
            Self::Paused { .. } => "deployment.paused",
            Self::Resumed { .. } => "deployment.resumed",
            Self::PromotionStarted { .. } => "deployment.promotion_started",
            Self::Succeeded { .. } => "deployment.succeeded",
            Self::Superseded { .. } => "deployment.superseded",
            Self::RollbackStarted { .. } => "deployment.rollback_started",
            Self::RolledBack { .. } => "deployment.rolled_back",
            Self::Failed { .. } => "deployment.failed",
            Self::Cancelled { .. } => "deployment.cancelled",
        }
    }

    pub fn deployment_id(&self) -> Uuid {
        match self {
            Self::Started(s) => s.deployment_id,
            Self::StepStarted { deployment_id, .. }
            | Self::StepFinished { deployment_id, .. }
            | Self::AnalysisRecorded { deployment_id, .. }
            | Self::Paused { deployment_id, .. }
            | Self::Resumed { deployment_id, .. }
            | Self::PromotionStarted { deployment_id, .. }
            | Self::Succeeded { deployment_id, .. }
            | Self::Superseded { deployment_id, .. }
            | Self::RollbackStarted { deployment_id, .. }
            | Self::RolledBack { deployment_id, .. }
            | Self::Failed { deployment_id, .. }
            | Self::Cancelled { deployment_id, .. } => *deployment_id,
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Started(s) => s.at,
            Self::AnalysisRecorded { run, .. } => run.at,
            Self::StepStarted { at, .. }
            | Self::StepFinished { at, .. }
            | Self::Paused { at, .. }
            | Self::Resumed { at, .. }
            | Self::PromotionStarted { at, .. }
            | Self::Succeeded { at, .. }
            | Self::Superseded { at, .. }
            | Self::RollbackStarted { at, .. }
            | Self::RolledBack { at, .. }
            | Self::Failed { at, .. }
            | Self::Cancelled { at, .. } => *at,
        }
    }
}
