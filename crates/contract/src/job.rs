//! Jobs, their attempts and log lines, and queues (api.md §10, §11, §12.3); the body of
//! `POST /jobs` with its typed arguments per job type.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::RequestBody;

crate::envelope::page!(
    /// A page of jobs.
    JobPage, jobs, Job
);
crate::envelope::page!(
    /// The attempts of a job, oldest first.
    JobAttemptPage, attempts, JobAttempt
);
crate::envelope::page!(
    /// A page of a job's log lines, oldest first.
    LogLinePage, lines, LogLine
);

/// Background work run at least once by the worker pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Job {
    #[schema(example = "job")]
    pub kind: String,
    pub id: Uuid,
    pub version: u64,
    /// `provision`, `scale`, `diagnose`, `monitor`, `sleep` or `fail`.
    #[serde(rename = "type")]
    #[schema(example = "sleep")]
    pub job_type: String,
    /// The typed arguments of the job's type, as enqueued.
    #[schema(value_type = Object)]
    pub args: Value,
    #[schema(example = "default")]
    pub queue: String,
    /// 0 (highest) to 9.
    pub priority: u8,
    /// `queued`, `scheduled`, `running`, `retrying`, `succeeded`, `failed`, `dead` or
    /// `cancelled`.
    #[schema(example = "queued")]
    pub status: String,
    /// Attempts made in the current run (reset to 0 by `:retry`).
    pub attempt: u32,
    pub max_attempts: u32,
    #[schema(format = DateTime)]
    pub run_at: String,
    /// 0 means no limit.
    pub timeout_seconds: u32,
    pub heartbeat_timeout_seconds: u32,
    pub retry_policy: RetryPolicy,
    #[schema(required = true)]
    pub unique_key: Option<String>,
    pub progress: JobProgress,
    #[schema(required = true)]
    pub last_error: Option<JobErrorInfo>,
    /// What the handler returned on success.
    #[schema(required = true, value_type = Option<Object>)]
    pub result: Option<Value>,
    pub cancel_requested: bool,
    #[schema(required = true)]
    pub lease: Option<JobLease>,
    #[schema(required = true)]
    pub cluster_id: Option<Uuid>,
    #[schema(required = true)]
    pub trace_id: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub finished_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_interval_s: f64,
    pub coefficient: f64,
    pub max_interval_s: f64,
    pub jitter: f64,
    pub non_retryable_errors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobProgress {
    /// 0–100, never going back within an attempt.
    pub percent: u8,
    pub message: String,
    #[schema(required = true, format = DateTime)]
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobErrorInfo {
    #[schema(example = "TIMED_OUT")]
    pub code: String,
    pub message: String,
    pub retryable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobLease {
    pub worker_id: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// One attempt of a job (one claim by a worker) and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobAttempt {
    #[schema(example = "job_attempt")]
    pub kind: String,
    pub job_id: Uuid,
    /// 1-based ordinal over the job's life; `?attempt=` of the logs.
    pub attempt: u32,
    /// The attempt number within its run (restarts at 1 after `:retry`).
    pub run_attempt: u32,
    pub worker_id: String,
    #[schema(format = DateTime)]
    pub started_at: String,
    #[schema(required = true, format = DateTime)]
    pub finished_at: Option<String>,
    /// `succeeded`, `failed`, `timed_out`, `lease_expired` or `cancelled`; null while
    /// running.
    #[schema(required = true)]
    pub outcome: Option<String>,
    #[schema(required = true)]
    pub error: Option<JobErrorInfo>,
}

/// One log line, of a job's attempt or of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogLine {
    pub id: u64,
    #[schema(example = "command-api")]
    pub service: String,
    #[schema(example = "info")]
    pub level: String,
    #[schema(format = DateTime)]
    pub ts: String,
    pub message: String,
    #[schema(required = true)]
    pub job_id: Option<Uuid>,
    #[schema(required = true)]
    pub attempt: Option<u32>,
    #[schema(required = true)]
    pub trace_id: Option<String>,
}

/// A job queue: depth and capacity, what runs, whether it is paused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    #[schema(example = "queue")]
    pub kind: String,
    #[schema(example = "default")]
    pub name: String,
    /// Queued jobs (due now).
    pub depth: u64,
    /// Non-terminal jobs admitted at most; an enqueue beyond it is `503 QUEUE_FULL`.
    pub capacity: u64,
    pub running: u64,
    /// Seconds the oldest queued job has waited since it became due.
    #[schema(required = true)]
    pub oldest_queued_age_seconds: Option<f64>,
    pub paused: bool,
}

/// `GET /queues`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueList {
    pub queues: Vec<Queue>,
}

/// `POST /jobs`. `args` depends on `type`: `provision {cluster_id, node_pool_id,
/// count=1}`, `scale {cluster_id, node_pool_id, desired | delta}`, `diagnose
/// {cluster_id}`, `monitor {cluster_id}`, `sleep {seconds, steps}`, `fail {message,
/// retryable, fail_attempts}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobCreate {
    #[serde(rename = "type")]
    #[schema(example = "sleep")]
    pub job_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub args: Option<Value>,
    /// Default `default`: 1–64 letters, digits, `-`, `_`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// 0 (highest) to 9, default 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// Default now; later makes the job `scheduled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub run_at: Option<String>,
    /// 0 = no limit (default 0), at most 86400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<RetryPolicyInput>,
    /// Unique among the owner's jobs until the job is deleted (a duplicate is `409
    /// DUPLICATE_JOB`); letters, digits, `.` and `-`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

impl RequestBody for JobCreate {
    const FIELDS: &'static [&'static str] = &[
        "type",
        "args",
        "queue",
        "priority",
        "run_at",
        "timeout_seconds",
        "retry_policy",
        "unique_key",
        "trace_id",
    ];
}

/// Every field optional; defaults: 5 attempts (≤ 25), 2 s, ×2, 300 s, jitter 0.2.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicyInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_interval_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coefficient: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_interval_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_retryable_errors: Option<Vec<String>>,
}

impl RequestBody for RetryPolicyInput {
    const FIELDS: &'static [&'static str] = &[
        "max_attempts",
        "initial_interval_s",
        "coefficient",
        "max_interval_s",
        "jitter",
        "non_retryable_errors",
    ];
}
