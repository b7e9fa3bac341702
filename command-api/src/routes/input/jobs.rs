//! The body of `POST /jobs`: the job type and its typed arguments (checked per type at
//! `#/args/...`), queue, priority, `run_at`, timeout, retry policy (checked against the
//! domain's bounds), `unique_key` and `trace_id`. Every problem is reported at once.

use chrono::{DateTime, Utc};
use contract::RequestBody;
use contract::job::{JobCreate, RetryPolicyInput};
use domain::job::{JobArgs, RetryPolicy, ScaleTo};
use domain::name::ResourceName;
use platform::problem::Problem;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::Fields;

pub const DEFAULT_QUEUE: &str = "default";
pub const DEFAULT_PRIORITY: u8 = 5;
/// The longest a job may be limited to (a day) and the longest demo sleep (an hour).
const MAX_TIMEOUT_S: u64 = 86_400;
const MAX_SLEEP_S: u64 = 3_600;
const MAX_NODES: u64 = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct JobInput {
    pub args: JobArgs,
    pub queue: String,
    pub priority: u8,
    /// `None`: due now.
    pub run_at: Option<DateTime<Utc>>,
    pub timeout_seconds: u32,
    pub retry: RetryPolicy,
    pub unique_key: Option<ResourceName>,
    pub trace_id: Option<String>,
}

pub fn create(body: &Map<String, Value>) -> Result<JobInput, Problem> {
    let mut f = Fields::new(body);
    f.only(JobCreate::FIELDS);
    let job_type = f.required_string("type");
    let empty = Map::new();
    let args_body = match f.get("args") {
        None => Some(&empty),
        Some(Value::Object(args)) => Some(args),
        Some(_) => {
            f.error("args", "INVALID_TYPE", "args must be an object");
            None
        }
    };
    let args = match (job_type, args_body) {
        (Some(t), _) if !JobArgs::TYPES.contains(&t) => {
            f.error(
                "type",
                "INVALID_JOB_TYPE",
                format!("type must be one of {}", JobArgs::TYPES.join(", ")),
            );
            None
        }
        (Some(t), Some(body)) => job_args(t, body, &mut f.errors),
        _ => None,
    };
    let queue = queue(&mut f);
    let priority = f.count("priority", 0, 9).map(|p| p as u8);
    let run_at = time(&mut f, "run_at");
    let timeout_seconds = f.count("timeout_seconds", 0, MAX_TIMEOUT_S).unwrap_or(0);
    let retry = retry_policy(&mut f);
    let unique_key = f.name("unique_key", false);
    let trace_id = f.string("trace_id").map(str::to_owned);
    if trace_id
        .as_ref()
        .is_some_and(|t| t.is_empty() || t.len() > 255)
    {
        f.error(
            "trace_id",
            "INVALID_TRACE_ID",
            "trace_id must be 1 to 255 characters",
        );
    }
    f.finish()?;
    let args = args.ok_or_else(|| Problem::invalid_argument("the job could not be read"))?;
    Ok(JobInput {
        args,
        queue: queue.unwrap_or_else(|| DEFAULT_QUEUE.to_owned()),
        priority: priority.unwrap_or(DEFAULT_PRIORITY),
        run_at,
        timeout_seconds,
        retry,
        unique_key,
        trace_id,
    })
}

/// A queue name: 1–64 letters, digits, `-` and `_` (also used in paths).
pub fn valid_queue_name(raw: &str) -> bool {
    (1..=64).contains(&raw.len())
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn queue(f: &mut Fields<'_>) -> Option<String> {
    let raw = f.string("queue")?;
    if valid_queue_name(raw) {
        Some(raw.to_owned())
    } else {
        f.error(
            "queue",
            "INVALID_QUEUE",
            "queue must be 1 to 64 letters, digits, '-' or '_'",
        );
        None
    }
}

fn time(f: &mut Fields<'_>, field: &str) -> Option<DateTime<Utc>> {
    let raw = f.string(field)?;
    match DateTime::parse_from_rfc3339(raw) {
        Ok(at) => Some(at.with_timezone(&Utc)),
        Err(_) => {
            f.error(
                field,
                "INVALID_TIME",
                format!("{field} must be an RFC 3339 time"),
            );
            None
        }
    }
}

fn retry_policy(f: &mut Fields<'_>) -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    let Some(value) = f.get("retry_policy") else {
        return policy;
    };
    let Some(body) = value.as_object() else {
        f.error(
            "retry_policy",
            "INVALID_TYPE",
            "retry_policy must be an object",
        );
        return policy;
    };
    let mut p = Fields::at(body, "#/retry_policy");
    p.only(RetryPolicyInput::FIELDS);
    if let Some(n) = p.count("max_attempts", 1, u64::from(RetryPolicy::MAX_ATTEMPTS)) {
        policy.max_attempts = n;
    }
    for (field, slot) in [
        ("initial_interval_s", &mut policy.initial_interval_s),
        ("coefficient", &mut policy.coefficient),
        ("max_interval_s", &mut policy.max_interval_s),
        ("jitter", &mut policy.jitter),
    ] {
        match body.get(field).map(Value::as_f64) {
            Some(Some(v)) => *slot = v,
            Some(None) => p.error(field, "INVALID_TYPE", format!("{field} must be a number")),
            None => {}
        }
    }
    if let Some(value) = body.get("non_retryable_errors") {
        match value.as_array().and_then(|items| {
            items
                .iter()
                .map(|i| {
                    i.as_str()
                        .filter(|s| !s.is_empty() && s.len() <= 63)
                        .map(str::to_owned)
                })
                .collect::<Option<Vec<_>>>()
        }) {
            Some(codes) if codes.len() <= 50 => policy.non_retryable_errors = codes,
            _ => p.error(
                "non_retryable_errors",
                "INVALID_TYPE",
                "non_retryable_errors must be at most 50 error codes",
            ),
        }
    }
    if let Err((field, why)) = policy.check() {
        p.error(field, "INVALID_RETRY_POLICY", format!("{field} {why}"));
    }
    f.errors.append(&mut p.errors);
    policy
}

fn job_args(
    job_type: &str,
    body: &Map<String, Value>,
    errors: &mut Vec<platform::problem::FieldError>,
) -> Option<JobArgs> {
    let mut a = Fields::at(body, "#/args");
    let args = parse_args(job_type, &mut a);
    let valid = a.errors.is_empty();
    errors.append(&mut a.errors);
    args.filter(|_| valid)
}

/// The arguments of `job_type`; problems go to `a`.
fn parse_args(job_type: &str, a: &mut Fields<'_>) -> Option<JobArgs> {
    match job_type {
        "provision" => {
            a.only(&["cluster_id", "node_pool_id", "count"]);
            let count = a.count("count", 1, MAX_NODES).unwrap_or(1);
            let (cluster_id, node_pool_id) = (id(a, "cluster_id"), id(a, "node_pool_id"));
            Some(JobArgs::Provision {
                cluster_id: cluster_id?,
                node_pool_id: node_pool_id?,
                count,
            })
        }
        "scale" => {
            a.only(&["cluster_id", "node_pool_id", "desired", "delta"]);
            let (cluster_id, node_pool_id) = (id(a, "cluster_id"), id(a, "node_pool_id"));
            let to = scale_to(a);
            Some(JobArgs::Scale {
                cluster_id: cluster_id?,
                node_pool_id: node_pool_id?,
                to: to?,
            })
        }
        "diagnose" | "monitor" => {
            a.only(&["cluster_id"]);
            let cluster_id = id(a, "cluster_id")?;
            Some(if job_type == "diagnose" {
                JobArgs::Diagnose { cluster_id }
            } else {
                JobArgs::Monitor { cluster_id }
            })
        }
        "sleep" => {
            a.only(&["seconds", "steps"]);
            let seconds = a.count("seconds", 0, MAX_SLEEP_S).unwrap_or(1);
            let steps = a.count("steps", 1, 100).unwrap_or(1);
            Some(JobArgs::Sleep { seconds, steps })
        }
        "fail" => {
            a.only(&["message", "retryable", "fail_attempts"]);
            let message = a.string("message").unwrap_or("failed on purpose");
            if message.len() > 1024 {
                a.error(
                    "message",
                    "INVALID_MESSAGE",
                    "message is at most 1024 bytes",
                );
            }
            Some(JobArgs::Fail {
                message: message.to_owned(),
                retryable: a.boolean("retryable").unwrap_or(true),
                fail_attempts: a
                    .count("fail_attempts", 0, u64::from(RetryPolicy::MAX_ATTEMPTS))
                    .unwrap_or(0),
            })
        }
        _ => None,
    }
}

fn id(a: &mut Fields<'_>, field: &str) -> Option<Uuid> {
    let raw = a.required_string(field)?;
    let parsed = Uuid::parse_str(raw).ok();
    if parsed.is_none() {
        a.error(field, "INVALID_ID", format!("{field} must be a UUID"));
    }
    parsed
}

fn scale_to(a: &mut Fields<'_>) -> Option<ScaleTo> {
    match (a.get("desired"), a.get("delta")) {
        (Some(_), None) => a.count("desired", 0, MAX_NODES).map(ScaleTo::Desired),
        (None, Some(delta)) => {
            let max = MAX_NODES as i64;
            match delta
                .as_i64()
                .filter(|d| *d != 0 && (-max..=max).contains(d))
            {
                Some(d) => i32::try_from(d).ok().map(ScaleTo::Delta),
                None => {
                    a.error(
                        "delta",
                        "INVALID_COUNT",
                        format!("delta must be a non-zero integer from -{max} to {max}"),
                    );
                    None
                }
            }
        }
        _ => {
            a.error(
                "desired",
                "INVALID_SCALE",
                "give exactly one of desired and delta",
            );
            None
        }
    }
}
