//! Job events, exactly the rows of api.md §12.3. Events that end an attempt carry where
//! the job goes next (decided once, in `decide`), so the fold never re-decides.

use chrono::{DateTime, Utc};

use super::command::EnqueueJob;
use super::state::{JobError, JobStatus, LogLine};

/// Where a failed, expired or timed-out attempt leaves the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// `retrying`, due again at this time.
    Retry(DateTime<Utc>),
    Failed,
    Dead,
}

impl Next {
    pub fn status(self) -> JobStatus {
        match self {
            Self::Retry(_) => JobStatus::Retrying,
            Self::Failed => JobStatus::Failed,
            Self::Dead => JobStatus::Dead,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEvent {
    Enqueued(EnqueueJob),
    Claimed {
        worker_id: String,
        lease_until: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    Heartbeat {
        percent: Option<u8>,
        message: Option<String>,
        lines: Vec<LogLine>,
        lease_until: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    Succeeded {
        result: String,
        lines: Vec<LogLine>,
        at: DateTime<Utc>,
    },
    AttemptFailed {
        error: JobError,
        lines: Vec<LogLine>,
        next: Next,
        at: DateTime<Utc>,
    },
    LeaseExpired {
        next: Next,
        at: DateTime<Utc>,
    },
    TimedOut {
        next: Next,
        at: DateTime<Utc>,
    },
    CancelRequested {
        at: DateTime<Utc>,
    },
    /// `forced`: the worker never acknowledged (attempt outcome `lease_expired`).
    Cancelled {
        forced: bool,
        lines: Vec<LogLine>,
        at: DateTime<Utc>,
    },
    Requeued {
        at: DateTime<Utc>,
    },
    Due {
        at: DateTime<Utc>,
    },
    Deleted {
        at: DateTime<Utc>,
    },
}

impl JobEvent {
    /// Stable type name stored on the wire; never rename one.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Enqueued(_) => "job.enqueued",
            Self::Claimed { .. } => "job.claimed",
            Self::Heartbeat { .. } => "job.heartbeat",
            Self::Succeeded { .. } => "job.succeeded",
            Self::AttemptFailed { .. } => "job.attempt_failed",
            Self::LeaseExpired { .. } => "job.lease_expired",
            Self::TimedOut { .. } => "job.timed_out",
            Self::CancelRequested { .. } => "job.cancel_requested",
            Self::Cancelled { .. } => "job.cancelled",
            Self::Requeued { .. } => "job.requeued",
            Self::Due { .. } => "job.due",
            Self::Deleted { .. } => "job.deleted",
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Enqueued(e) => e.at,
            Self::Claimed { at, .. }
            | Self::Heartbeat { at, .. }
            | Self::Succeeded { at, .. }
            | Self::AttemptFailed { at, .. }
            | Self::LeaseExpired { at, .. }
            | Self::TimedOut { at, .. }
            | Self::CancelRequested { at }
            | Self::Cancelled { at, .. }
            | Self::Requeued { at }
            | Self::Due { at }
            | Self::Deleted { at } => *at,
        }
    }

    /// The log lines the event carries (projected into `log_lines`).
    pub fn lines(&self) -> &[LogLine] {
        match self {
            Self::Heartbeat { lines, .. }
            | Self::Succeeded { lines, .. }
            | Self::AttemptFailed { lines, .. }
            | Self::Cancelled { lines, .. } => lines,
            _ => &[],
        }
    }
}
