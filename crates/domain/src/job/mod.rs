//! The Job aggregate (api.md §12.3): background work with a lease, heartbeats, capped
//! exponential backoff with jitter, a `dead` state, and cooperative cancel. Users
//! enqueue, cancel, retry and delete; the worker pool in command-api claims and reports.
//! Pure and total, like every aggregate: no clock, no RNG, no IO.

mod args;
mod command;
mod decide;
mod event;
mod evolve;
mod policy;
mod state;
#[cfg(test)]
mod tests;

pub use args::{JobArgs, ScaleTo};
pub use command::{EnqueueJob, JobCommand};
pub use event::{JobEvent, Next};
pub use policy::{RetryPolicy, delay};
pub use state::{Attempt, Job, JobError, JobStatus, Lease, LogLine, Outcome, Progress};

use uuid::Uuid;

use crate::Aggregate;
use crate::name::ResourceName;
use crate::rejection::{DomainError, Rejection, RejectionKind};

/// The reservation kind of `unique_key`s (names unique per owner among jobs).
pub const UNIQUE_KEY_KIND: &str = "job";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobRefused {
    #[error("the job already exists")]
    AlreadyExists,
    #[error("the job does not exist")]
    NotFound,
    #[error("a job in status {from} cannot {action}")]
    InvalidTransition {
        from: &'static str,
        action: &'static str,
    },
    #[error("worker {worker_id} does not hold the job's lease")]
    LeaseLost { worker_id: String },
    #[error("{0}")]
    Invalid(String),
}

impl DomainError for JobRefused {
    fn rejection(&self) -> Rejection {
        use RejectionKind as K;
        let detail = self.to_string();
        match self {
            Self::NotFound => Rejection::not_found("job"),
            Self::AlreadyExists => Rejection::new(K::AlreadyExists, "job", detail),
            Self::InvalidTransition { from, action } => {
                Rejection::new(K::InvalidStateTransition, "job", detail)
                    .meta("from", *from)
                    .meta("action", *action)
            }
            Self::LeaseLost { worker_id } => Rejection::new(K::FailedPrecondition, "job", detail)
                .meta("worker_id", worker_id.clone()),
            Self::Invalid(_) => Rejection::new(K::Invalid, "job", detail),
        }
    }
}

impl Aggregate for Job {
    const NAME: &'static str = "job";
    type Command = JobCommand;
    type Event = JobEvent;
    type Error = JobRefused;

    fn decide(&self, command: &JobCommand) -> Result<Vec<JobEvent>, JobRefused> {
        decide::decide(self, command)
    }

    fn evolve(self, event: &JobEvent) -> Self {
        evolve::evolve(self, event)
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn exists(&self) -> bool {
        Job::exists(self)
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    /// The `unique_key`, held until the job is deleted.
    fn held_name(&self) -> Option<(&ResourceName, bool)> {
        self.unique_key.as_ref().map(|key| (key, Job::exists(self)))
    }
}
