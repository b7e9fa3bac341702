//! A job's state folded from its events: status, lease, progress, the attempts so far
//! (one record per claim, with its outcome), `result` and `last_error` kept apart.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::args::JobArgs;
use super::policy::RetryPolicy;
use crate::name::ResourceName;

/// `status` of api.md §12.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    Queued,
    Scheduled,
    Running,
    Retrying,
    Succeeded,
    Failed,
    Dead,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [Self; 8] = [
        Self::Queued,
        Self::Scheduled,
        Self::Running,
        Self::Retrying,
        Self::Succeeded,
        Self::Failed,
        Self::Dead,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Scheduled => "scheduled",
            Self::Running => "running",
            Self::Retrying => "retrying",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Dead => "dead",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Nothing more happens to the job unless a user retries it.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Dead | Self::Cancelled
        )
    }
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Succeeded,
    Failed,
    LeaseExpired,
    TimedOut,
    Cancelled,
}

impl Outcome {
    pub const ALL: [Self; 5] = [
        Self::Succeeded,
        Self::Failed,
        Self::LeaseExpired,
        Self::TimedOut,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::LeaseExpired => "lease_expired",
            Self::TimedOut => "timed_out",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// An error a handler (or the worker pool) reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    /// Stable UPPER_SNAKE, matched against `non_retryable_errors`.
    pub code: String,
    pub message: String,
    pub retryable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Progress {
    pub percent: u8,
    pub message: String,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub worker_id: String,
    pub expires_at: DateTime<Utc>,
}

/// One log line of an attempt, carried by heartbeat and finishing events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub level: String,
    pub message: String,
    pub ts: DateTime<Utc>,
}

impl LogLine {
    /// At most this many lines per event, each at most `MAX_BYTES` long: lines travel in
    /// the log, so they are bounded like everything else in a record.
    pub const MAX_PER_EVENT: usize = 20;
    pub const MAX_BYTES: usize = 1024;
}

/// One claim of the job and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// 1-based ordinal over the job's whole life (retries by users keep counting).
    pub seq: u32,
    /// The attempt number within the current run (`attempt` of the job).
    pub attempt: u32,
    pub worker_id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    pub error: Option<JobError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Job {
    pub id: Uuid,
    pub owner: String,
    pub args: Option<JobArgs>,
    pub queue: String,
    pub priority: u8,
    pub status: Option<JobStatus>,
    pub run_at: Option<DateTime<Utc>>,
    pub timeout_seconds: u32,
    pub heartbeat_timeout_seconds: u32,
    pub retry: RetryPolicy,
    pub unique_key: Option<ResourceName>,
    pub trace_id: Option<String>,
    pub attempt: u32,
    pub cancel_requested: bool,
    pub cancel_requested_at: Option<DateTime<Utc>>,
    pub lease: Option<Lease>,
    pub progress: Progress,
    /// JSON text a handler returned; the core never parses it.
    pub result: Option<String>,
    pub last_error: Option<JobError>,
    pub attempts: Vec<Attempt>,
    pub deleted: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub version: u64,
}

impl Job {
    pub fn exists(&self) -> bool {
        self.status.is_some() && !self.deleted
    }

    pub fn type_name(&self) -> &'static str {
        self.args.as_ref().map_or("", JobArgs::type_name)
    }

    pub fn cluster_id(&self) -> Option<Uuid> {
        self.args.as_ref().and_then(JobArgs::cluster_id)
    }

    pub fn heartbeat_timeout(&self) -> Duration {
        Duration::seconds(i64::from(self.heartbeat_timeout_seconds))
    }

    /// The attempt running now (the last one, while not ended).
    pub fn current_attempt(&self) -> Option<&Attempt> {
        self.attempts.last().filter(|a| a.ended_at.is_none())
    }

    /// Whether a queued job may be claimed now (due and not deleted).
    pub fn is_claimable(&self, now: DateTime<Utc>) -> bool {
        self.status == Some(JobStatus::Queued) && self.run_at.is_none_or(|t| t <= now)
    }

    /// Whether the job counts towards its queue's capacity.
    pub fn occupies_queue(&self) -> bool {
        self.status.is_some_and(|s| !s.is_terminal()) && !self.deleted
    }
}
