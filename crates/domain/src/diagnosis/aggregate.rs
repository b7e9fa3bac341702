//! The `Diagnosis` aggregate: one recorded run of the rule engine for one cluster. It lives
//! in its cluster's partition (its id is picked there), so the writer that decided it read
//! that cluster's write model. Recorded once, never changed: a second `Record` for the same
//! id is an idempotent no-op. A run asked through the API is operation `cluster.diagnose`,
//! started and finished by the same event; a run by a `diagnose` job has no operation.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Insight;
use crate::Aggregate;
use crate::operation::{self, OperationFact};
use crate::rejection::{DomainError, Rejection, RejectionKind};

/// What asked for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `POST /clusters/{id}/diagnoses`, with its operation id.
    Request { operation_id: Uuid },
    /// A `diagnose` job.
    Job { job_id: Uuid },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagnosis {
    pub id: Uuid,
    pub cluster_id: Uuid,
    /// The cluster's owner: who may see it.
    pub owner: String,
    pub requested_by: String,
    pub trigger: Option<Trigger>,
    /// `rules`, or `llm` when a language model wrote the insights.
    pub source: String,
    pub insights: Vec<Insight>,
    pub recorded_at: Option<DateTime<Utc>>,
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DiagnosisCommand {
    Record(Recorded),
}

/// The facts of one run, as both the command and its one event carry them.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The diagnosis id.
    pub id: Uuid,
    pub cluster_id: Uuid,
    pub owner: String,
    pub requested_by: String,
    pub trigger: Trigger,
    pub source: String,
    pub insights: Vec<Insight>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DiagnosisEvent {
    Recorded(Recorded),
}

impl DiagnosisEvent {
    pub const RECORDED: &'static str = "diagnosis.recorded";

    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Recorded(_) => Self::RECORDED,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiagnosisError {
    #[error("this diagnosis was recorded for another cluster")]
    OtherCluster,
}

impl DomainError for DiagnosisError {
    fn rejection(&self) -> Rejection {
        Rejection::new(
            RejectionKind::Invalid,
            "diagnosis",
            "this diagnosis was recorded for another cluster",
        )
    }
}

impl Aggregate for Diagnosis {
    const NAME: &'static str = "diagnosis";
    type Command = DiagnosisCommand;
    type Event = DiagnosisEvent;
    type Error = DiagnosisError;

    fn decide(&self, command: &DiagnosisCommand) -> Result<Vec<DiagnosisEvent>, DiagnosisError> {
        let DiagnosisCommand::Record(run) = command;
        match self.version {
            0 => Ok(vec![DiagnosisEvent::Recorded(run.clone())]),
            _ if self.cluster_id == run.cluster_id => Ok(Vec::new()),
            _ => Err(DiagnosisError::OtherCluster),
        }
    }

    fn evolve(mut self, event: &DiagnosisEvent) -> Self {
        let DiagnosisEvent::Recorded(run) = event;
        self.version += 1;
        self.id = run.id;
        self.cluster_id = run.cluster_id;
        self.owner.clone_from(&run.owner);
        self.requested_by.clone_from(&run.requested_by);
        self.trigger = Some(run.trigger);
        self.source.clone_from(&run.source);
        self.insights.clone_from(&run.insights);
        self.recorded_at = Some(run.at);
        self
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

    fn operation_facts(event: &DiagnosisEvent, id: Uuid, principal: &str) -> Vec<OperationFact> {
        let DiagnosisEvent::Recorded(run) = event;
        match run.trigger {
            Trigger::Request { operation_id } => operation::immediate(
                operation_id,
                "cluster.diagnose",
                "diagnosis",
                id,
                principal,
                run.at,
            ),
            Trigger::Job { .. } => Vec::new(),
        }
    }
}
