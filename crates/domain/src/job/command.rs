//! Job commands: enqueue (from the API, validated), the user's cancel, retry and delete,
//! and what the worker pool reports (claim, heartbeat, success, failure, lease and
//! timeout sweeps, the scheduler's due tick). Times and backoff come in the command.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::args::JobArgs;
use super::policy::RetryPolicy;
use super::state::{JobError, LogLine};
use crate::name::ResourceName;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnqueueJob {
    pub id: Uuid,
    pub owner: String,
    pub args: JobArgs,
    pub queue: String,
    pub priority: u8,
    pub run_at: DateTime<Utc>,
    pub timeout_seconds: u32,
    pub heartbeat_timeout_seconds: u32,
    pub retry: RetryPolicy,
    pub unique_key: Option<ResourceName>,
    pub trace_id: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobCommand {
    Enqueue(EnqueueJob),
    /// A worker takes a queued, due job.
    Claim {
        worker_id: String,
        at: DateTime<Utc>,
    },
    /// The lease holder reports it is alive; `acknowledge_cancel` ends the attempt
    /// as cancelled when a cancel was requested.
    Heartbeat {
        worker_id: String,
        percent: Option<u8>,
        message: Option<String>,
        lines: Vec<LogLine>,
        at: DateTime<Utc>,
    },
    AcknowledgeCancel {
        worker_id: String,
        lines: Vec<LogLine>,
        at: DateTime<Utc>,
    },
    Succeed {
        worker_id: String,
        result: String,
        lines: Vec<LogLine>,
        at: DateTime<Utc>,
    },
    /// `backoff` is `policy::delay(attempt, …)`, drawn by the caller.
    FailAttempt {
        worker_id: String,
        error: JobError,
        lines: Vec<LogLine>,
        backoff: Duration,
        at: DateTime<Utc>,
    },
    /// The sweep: lease ended, timeout exceeded, or an unacknowledged cancel overdue.
    /// No events when none of these holds.
    Expire {
        backoff: Duration,
        at: DateTime<Utc>,
    },
    /// The scheduler tick: a scheduled or retrying job whose `run_at` has come.
    MakeDue {
        at: DateTime<Utc>,
    },
    /// `POST /jobs/{id}:cancel`.
    Cancel {
        at: DateTime<Utc>,
    },
    /// `POST /jobs/{id}:retry`.
    Retry {
        at: DateTime<Utc>,
    },
    /// `DELETE /jobs/{id}`.
    Delete {
        at: DateTime<Utc>,
    },
}

impl JobCommand {
    pub fn action(&self) -> &'static str {
        match self {
            Self::Enqueue(_) => "enqueue",
            Self::Claim { .. } => "claim",
            Self::Heartbeat { .. } => "heartbeat",
            Self::AcknowledgeCancel { .. } => "acknowledge_cancel",
            Self::Succeed { .. } => "succeed",
            Self::FailAttempt { .. } => "fail",
            Self::Expire { .. } => "expire",
            Self::MakeDue { .. } => "make_due",
            Self::Cancel { .. } => "cancel",
            Self::Retry { .. } => "retry",
            Self::Delete { .. } => "delete",
        }
    }
}
