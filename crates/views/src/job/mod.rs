//! The job row (table `job`): a lossless copy of `domain::job::Job` with the filterable
//! fields as columns and the rest (args, policy, attempts, last error) as JSON text; the
//! Job representation of api.md §10. Attempts and log lines have their own tables
//! (`attempt.rs`, `log.rs`), written by the projector's job detail view.

pub mod attempt;
pub mod log;
pub mod queue;
pub mod records;

use chrono::{DateTime, Utc};
use domain::job::{Job, JobStatus, Lease, Progress};
use domain::name::ResourceName;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use self::records::{AttemptRecord, ErrorRecord, PolicyRecord, args_from, args_value};
use crate::row::{Bound, StateRow, from_json_text, json_text, rfc3339};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub struct JobRow {
    pub job_id: Uuid,
    pub owner: String,
    pub job_type: String,
    pub args: String,
    pub queue: String,
    pub priority: u8,
    pub status: String,
    pub attempt: u32,
    pub max_attempts: u32,
    pub run_at: DateTime<Utc>,
    pub timeout_seconds: u32,
    pub heartbeat_timeout_seconds: u32,
    pub retry_policy: String,
    pub unique_key: Option<String>,
    pub cluster_id: Option<Uuid>,
    pub trace_id: Option<String>,
    pub cancel_requested: bool,
    pub cancel_requested_at: Option<DateTime<Utc>>,
    pub lease_worker_id: Option<String>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub progress_percent: u8,
    pub progress_message: String,
    pub progress_updated_at: Option<DateTime<Utc>>,
    pub result: Option<String>,
    pub last_error: Option<String>,
    pub attempts: String,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub version: u64,
}

impl StateRow for JobRow {
    type State = Job;
    const TABLE: &'static str = "job";
    const ID_COLUMN: &'static str = "job_id";
    const COLUMNS: &'static [&'static str] = &[
        "job_id",
        "owner",
        "job_type",
        "args",
        "queue",
        "priority",
        "status",
        "attempt",
        "max_attempts",
        "run_at",
        "timeout_seconds",
        "heartbeat_timeout_seconds",
        "retry_policy",
        "unique_key",
        "cluster_id",
        "trace_id",
        "cancel_requested",
        "cancel_requested_at",
        "lease_worker_id",
        "lease_expires_at",
        "progress_percent",
        "progress_message",
        "progress_updated_at",
        "result",
        "last_error",
        "attempts",
        "deleted",
        "created_at",
        "updated_at",
        "finished_at",
        "version",
    ];

    fn from_state(job: &Job) -> Option<Self> {
        let status = job.status?;
        let args = job.args.as_ref()?;
        let attempts: Vec<AttemptRecord> = job.attempts.iter().map(AttemptRecord::from).collect();
        Some(Self {
            job_id: job.id,
            owner: job.owner.clone(),
            job_type: args.type_name().to_owned(),
            args: args_value(args).to_string(),
            queue: job.queue.clone(),
            priority: job.priority,
            status: status.as_str().to_owned(),
            attempt: job.attempt,
            max_attempts: job.retry.max_attempts,
            run_at: job.run_at.unwrap_or_default(),
            timeout_seconds: job.timeout_seconds,
            heartbeat_timeout_seconds: job.heartbeat_timeout_seconds,
            retry_policy: json_text(&PolicyRecord::from(&job.retry)),
            unique_key: job.unique_key.as_ref().map(ToString::to_string),
            cluster_id: job.cluster_id(),
            trace_id: job.trace_id.clone(),
            cancel_requested: job.cancel_requested,
            cancel_requested_at: job.cancel_requested_at,
            lease_worker_id: job.lease.as_ref().map(|l| l.worker_id.clone()),
            lease_expires_at: job.lease.as_ref().map(|l| l.expires_at),
            progress_percent: job.progress.percent,
            progress_message: job.progress.message.clone(),
            progress_updated_at: job.progress.updated_at,
            result: job.result.clone(),
            last_error: job
                .last_error
                .as_ref()
                .map(|e| json_text(&ErrorRecord::from(e))),
            attempts: json_text(&attempts),
            deleted: job.deleted,
            created_at: job.created_at.unwrap_or_default(),
            updated_at: job.updated_at.unwrap_or_default(),
            finished_at: job.finished_at,
            version: job.version,
        })
    }

    fn to_state(&self) -> Result<Job, String> {
        let status = JobStatus::parse(&self.status)
            .ok_or_else(|| format!("stored job status {:?} is unknown", self.status))?;
        let policy: PolicyRecord = from_json_text(&self.retry_policy, "retry_policy")?;
        let attempts: Vec<AttemptRecord> = from_json_text(&self.attempts, "attempts")?;
        let last_error = match &self.last_error {
            Some(raw) => Some(from_json_text::<ErrorRecord>(raw, "last_error")?.into()),
            None => None,
        };
        let lease = match (&self.lease_worker_id, self.lease_expires_at) {
            (Some(worker_id), Some(expires_at)) => Some(Lease {
                worker_id: worker_id.clone(),
                expires_at,
            }),
            (None, None) => None,
            _ => return Err("stored lease is half set".into()),
        };
        let unique_key = match &self.unique_key {
            Some(raw) => {
                Some(ResourceName::parse(raw).map_err(|e| format!("stored unique_key: {e}"))?)
            }
            None => None,
        };
        Ok(Job {
            id: self.job_id,
            owner: self.owner.clone(),
            args: Some(args_from(&self.job_type, &self.args)?),
            queue: self.queue.clone(),
            priority: self.priority,
            status: Some(status),
            run_at: Some(self.run_at),
            timeout_seconds: self.timeout_seconds,
            heartbeat_timeout_seconds: self.heartbeat_timeout_seconds,
            retry: policy.into(),
            unique_key,
            trace_id: self.trace_id.clone(),
            attempt: self.attempt,
            cancel_requested: self.cancel_requested,
            cancel_requested_at: self.cancel_requested_at,
            lease,
            progress: Progress {
                percent: self.progress_percent,
                message: self.progress_message.clone(),
                updated_at: self.progress_updated_at,
            },
            result: self.result.clone(),
            last_error,
            attempts: attempts
                .iter()
                .map(AttemptRecord::to_attempt)
                .collect::<Result<_, _>>()?,
            deleted: self.deleted,
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
            finished_at: self.finished_at,
            version: self.version,
        })
    }

    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.job_id)
            .bind(&self.owner)
            .bind(&self.job_type)
            .bind(&self.args)
            .bind(&self.queue)
            .bind(self.priority)
            .bind(&self.status)
            .bind(self.attempt)
            .bind(self.max_attempts)
            .bind(self.run_at)
            .bind(self.timeout_seconds)
            .bind(self.heartbeat_timeout_seconds)
            .bind(&self.retry_policy)
            .bind(&self.unique_key)
            .bind(self.cluster_id)
            .bind(&self.trace_id)
            .bind(self.cancel_requested)
            .bind(self.cancel_requested_at)
            .bind(&self.lease_worker_id)
            .bind(self.lease_expires_at)
            .bind(self.progress_percent)
            .bind(&self.progress_message)
            .bind(self.progress_updated_at)
            .bind(&self.result)
            .bind(&self.last_error)
            .bind(&self.attempts)
            .bind(self.deleted)
            .bind(self.created_at)
            .bind(self.updated_at)
            .bind(self.finished_at)
            .bind(self.version)
    }

    fn id(&self) -> Uuid {
        self.job_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        crate::row::to_value(&self.to_job())
    }
}

impl JobRow {
    /// The Job of api.md §10.
    pub fn to_job(&self) -> contract::job::Job {
        let policy: Option<PolicyRecord> = serde_json::from_str(&self.retry_policy).ok();
        let policy = policy.unwrap_or_else(|| PolicyRecord::from(&Default::default()));
        let last_error: Option<ErrorRecord> = self
            .last_error
            .as_deref()
            .and_then(|raw| serde_json::from_str(raw).ok());
        contract::job::Job {
            kind: "job".into(),
            id: self.job_id,
            version: self.version,
            job_type: self.job_type.clone(),
            args: serde_json::from_str(&self.args).unwrap_or(Value::Null),
            queue: self.queue.clone(),
            priority: self.priority,
            status: self.status.clone(),
            attempt: self.attempt,
            max_attempts: self.max_attempts,
            run_at: rfc3339(self.run_at),
            timeout_seconds: self.timeout_seconds,
            heartbeat_timeout_seconds: self.heartbeat_timeout_seconds,
            retry_policy: contract::job::RetryPolicy {
                max_attempts: policy.max_attempts,
                initial_interval_s: policy.initial_interval_s,
                coefficient: policy.coefficient,
                max_interval_s: policy.max_interval_s,
                jitter: policy.jitter,
                non_retryable_errors: policy.non_retryable_errors,
            },
            unique_key: self.unique_key.clone(),
            progress: contract::job::JobProgress {
                percent: self.progress_percent,
                message: self.progress_message.clone(),
                updated_at: self.progress_updated_at.map(rfc3339),
            },
            last_error: last_error.map(|e| e.to_contract()),
            result: self
                .result
                .as_deref()
                .map(|raw| serde_json::from_str(raw).unwrap_or(Value::String(raw.to_owned()))),
            cancel_requested: self.cancel_requested,
            lease: match (&self.lease_worker_id, self.lease_expires_at) {
                (Some(worker_id), Some(expires_at)) => Some(contract::job::JobLease {
                    worker_id: worker_id.clone(),
                    expires_at: rfc3339(expires_at),
                }),
                _ => None,
            },
            cluster_id: self.cluster_id,
            trace_id: self.trace_id.clone(),
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            finished_at: self.finished_at.map(rfc3339),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::Aggregate;
    use domain::job::{EnqueueJob, JobArgs, JobError, JobEvent, Next, RetryPolicy, ScaleTo};

    use super::*;

    fn at(second: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
            .single()
            .expect("time")
            + chrono::Duration::seconds(second)
    }

    /// A job with every part set: args, policy, key, lease, progress, attempts, errors.
    fn history(args: JobArgs) -> Vec<JobEvent> {
        vec![
            JobEvent::Enqueued(EnqueueJob {
                id: Uuid::from_u128(9),
                owner: "alice".into(),
                args,
                queue: "ops".into(),
                priority: 2,
                run_at: at(0),
                timeout_seconds: 60,
                heartbeat_timeout_seconds: 30,
                retry: RetryPolicy {
                    initial_interval_s: 1.5,
                    jitter: 0.1,
                    non_retryable_errors: vec!["BAD".into()],
                    ..RetryPolicy::default()
                },
                unique_key: Some(ResourceName::parse("k-1").expect("valid")),
                trace_id: Some("t".into()),
                at: at(0),
            }),
            JobEvent::Claimed {
                worker_id: "w1".into(),
                lease_until: at(31),
                at: at(1),
            },
            JobEvent::AttemptFailed {
                error: JobError {
                    code: "OOPS".into(),
                    message: "no".into(),
                    retryable: true,
                },
                lines: vec![],
                next: Next::Retry(at(4)),
                at: at(2),
            },
            JobEvent::Due { at: at(4) },
            JobEvent::Claimed {
                worker_id: "w2".into(),
                lease_until: at(35),
                at: at(5),
            },
            JobEvent::Heartbeat {
                percent: Some(40),
                message: Some("half".into()),
                lines: vec![],
                lease_until: at(36),
                at: at(6),
            },
            JobEvent::CancelRequested { at: at(7) },
        ]
    }

    #[test]
    fn the_row_is_a_lossless_copy_of_the_job() {
        let cluster_id = Uuid::from_u128(1);
        let node_pool_id = Uuid::from_u128(2);
        for args in [
            JobArgs::Scale {
                cluster_id,
                node_pool_id,
                to: ScaleTo::Delta(-2),
            },
            JobArgs::Provision {
                cluster_id,
                node_pool_id,
                count: 3,
            },
            JobArgs::Fail {
                message: "m".into(),
                retryable: false,
                fail_attempts: 2,
            },
            JobArgs::Sleep {
                seconds: 4,
                steps: 2,
            },
            JobArgs::Monitor { cluster_id },
        ] {
            let job = Job::replay(&history(args));
            let row = JobRow::from_state(&job).expect("a row");
            assert_eq!(row.to_state().expect("reads back"), job);
            let body = row.to_job();
            assert_eq!((body.attempt, body.cancel_requested), (2, true));
        }
    }
}
