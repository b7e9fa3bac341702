//! The JSON columns of the job row: typed arguments (also the `args` of the API), the
//! retry policy, errors and attempts. Each converts both ways so the row stays a
//! lossless copy of the job's state.

use chrono::{DateTime, Utc};
use domain::job::{Attempt, JobArgs, JobError, Outcome, RetryPolicy, ScaleTo};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

/// The `args` of a job as stored and served: the fields of its type, no tag (the
/// type has its own column).
pub fn args_value(args: &JobArgs) -> Value {
    match args {
        JobArgs::Provision {
            cluster_id,
            node_pool_id,
            count,
        } => json!({"cluster_id": cluster_id, "node_pool_id": node_pool_id, "count": count}),
        JobArgs::Scale {
            cluster_id,
            node_pool_id,
            to,
        } => {
            let mut value = json!({"cluster_id": cluster_id, "node_pool_id": node_pool_id});
            match to {
                ScaleTo::Desired(n) => value["desired"] = json!(n),
                ScaleTo::Delta(d) => value["delta"] = json!(d),
            }
            value
        }
        JobArgs::Diagnose { cluster_id } | JobArgs::Monitor { cluster_id } => {
            json!({"cluster_id": cluster_id})
        }
        JobArgs::Sleep { seconds, steps } => json!({"seconds": seconds, "steps": steps}),
        JobArgs::Fail {
            message,
            retryable,
            fail_attempts,
        } => json!({"message": message, "retryable": retryable, "fail_attempts": fail_attempts}),
    }
}

/// Reads stored `args` of `job_type` back; the row was written by `args_value`.
pub fn args_from(job_type: &str, raw: &str) -> Result<JobArgs, String> {
    let v: Value = serde_json::from_str(raw).map_err(|e| format!("stored args: {e}"))?;
    let id = |k: &str| -> Result<Uuid, String> {
        v[k].as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| format!("stored args.{k}"))
    };
    let num = |k: &str| -> Result<u32, String> {
        v[k].as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("stored args.{k}"))
    };
    Ok(match job_type {
        "provision" => JobArgs::Provision {
            cluster_id: id("cluster_id")?,
            node_pool_id: id("node_pool_id")?,
            count: num("count")?,
        },
        "scale" => JobArgs::Scale {
            cluster_id: id("cluster_id")?,
            node_pool_id: id("node_pool_id")?,
            to: match v["delta"].as_i64() {
                Some(d) => ScaleTo::Delta(i32::try_from(d).map_err(|e| e.to_string())?),
                None => ScaleTo::Desired(num("desired")?),
            },
        },
        "diagnose" => JobArgs::Diagnose {
            cluster_id: id("cluster_id")?,
        },
        "monitor" => JobArgs::Monitor {
            cluster_id: id("cluster_id")?,
        },
        "sleep" => JobArgs::Sleep {
            seconds: num("seconds")?,
            steps: num("steps")?,
        },
        "fail" => JobArgs::Fail {
            message: v["message"].as_str().unwrap_or_default().to_owned(),
            retryable: v["retryable"].as_bool().unwrap_or_default(),
            fail_attempts: num("fail_attempts")?,
        },
        other => return Err(format!("stored job type {other:?} is unknown")),
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyRecord {
    pub max_attempts: u32,
    pub initial_interval_s: f64,
    pub coefficient: f64,
    pub max_interval_s: f64,
    pub jitter: f64,
    pub non_retryable_errors: Vec<String>,
}

impl From<&RetryPolicy> for PolicyRecord {
    fn from(p: &RetryPolicy) -> Self {
        Self {
            max_attempts: p.max_attempts,
            initial_interval_s: p.initial_interval_s,
            coefficient: p.coefficient,
            max_interval_s: p.max_interval_s,
            jitter: p.jitter,
            non_retryable_errors: p.non_retryable_errors.clone(),
        }
    }
}

impl From<PolicyRecord> for RetryPolicy {
    fn from(p: PolicyRecord) -> Self {
        Self {
            max_attempts: p.max_attempts,
            initial_interval_s: p.initial_interval_s,
            coefficient: p.coefficient,
            max_interval_s: p.max_interval_s,
            jitter: p.jitter,
            non_retryable_errors: p.non_retryable_errors,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRecord {
    pub code: String,
    pub message: String,
    pub retryable: bool,
}

impl From<&JobError> for ErrorRecord {
    fn from(e: &JobError) -> Self {
        Self {
            code: e.code.clone(),
            message: e.message.clone(),
            retryable: e.retryable,
        }
    }
}

impl From<ErrorRecord> for JobError {
    fn from(e: ErrorRecord) -> Self {
        Self {
            code: e.code,
            message: e.message,
            retryable: e.retryable,
        }
    }
}

impl ErrorRecord {
    pub fn to_contract(&self) -> contract::job::JobErrorInfo {
        contract::job::JobErrorInfo {
            code: self.code.clone(),
            message: self.message.clone(),
            retryable: self.retryable,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRecord {
    pub seq: u32,
    pub attempt: u32,
    pub worker_id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub error: Option<ErrorRecord>,
}

impl From<&Attempt> for AttemptRecord {
    fn from(a: &Attempt) -> Self {
        Self {
            seq: a.seq,
            attempt: a.attempt,
            worker_id: a.worker_id.clone(),
            started_at: a.started_at,
            ended_at: a.ended_at,
            outcome: a.outcome.map(|o| o.as_str().to_owned()),
            error: a.error.as_ref().map(ErrorRecord::from),
        }
    }
}

impl AttemptRecord {
    pub fn to_attempt(&self) -> Result<Attempt, String> {
        let outcome = match &self.outcome {
            Some(raw) => Some(
                Outcome::parse(raw).ok_or_else(|| format!("stored outcome {raw:?} is unknown"))?,
            ),
            None => None,
        };
        Ok(Attempt {
            seq: self.seq,
            attempt: self.attempt,
            worker_id: self.worker_id.clone(),
            started_at: self.started_at,
            ended_at: self.ended_at,
            outcome,
            error: self.error.clone().map(JobError::from),
        })
    }
}
