//! Job events to and from the wire, schema version 1. Everything after the enqueue
//! shares `JobChanged`; the type name says which event it is.

use domain::job::{EnqueueJob, JobArgs, JobError, JobEvent, LogLine, Next, RetryPolicy, ScaleTo};
use prost::Message;

use crate::DecodeError;
use crate::codec::{Encoded, WireEvent, optional_name, payload, unknown, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

type At = chrono::DateTime<chrono::Utc>;

impl WireEvent for JobEvent {
    const TYPES: &'static [(&'static str, u32)] = &[
        ("job.enqueued", SCHEMA_VERSION),
        ("job.claimed", SCHEMA_VERSION),
        ("job.heartbeat", SCHEMA_VERSION),
        ("job.succeeded", SCHEMA_VERSION),
        ("job.attempt_failed", SCHEMA_VERSION),
        ("job.lease_expired", SCHEMA_VERSION),
        ("job.timed_out", SCHEMA_VERSION),
        ("job.cancel_requested", SCHEMA_VERSION),
        ("job.cancelled", SCHEMA_VERSION),
        ("job.requeued", SCHEMA_VERSION),
        ("job.due", SCHEMA_VERSION),
        ("job.deleted", SCHEMA_VERSION),
    ];

    fn encode(&self) -> Encoded {
        let bytes = match self {
            Self::Enqueued(e) => enqueued_to_wire(e).encode_to_vec(),
            other => changed_to_wire(other).encode_to_vec(),
        };
        (self.type_name().to_owned(), SCHEMA_VERSION, bytes)
    }

    fn decode(event_type: &str, schema_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        if schema_version != SCHEMA_VERSION {
            return Err(unknown(event_type, schema_version));
        }
        if event_type == "job.enqueued" {
            return enqueued_from_wire(payload(bytes)?).map(Self::Enqueued);
        }
        changed_from_wire(event_type, payload(bytes)?)
    }
}

pub(crate) fn args_to_wire(args: &JobArgs) -> wire::JobArgs {
    use wire::job_args::Kind;
    let cluster = |id: &uuid::Uuid| wire::JobClusterArgs {
        cluster_id: id.to_string(),
    };
    let kind = match args {
        JobArgs::Provision {
            cluster_id,
            node_pool_id,
            count,
        } => Kind::Provision(wire::JobProvisionArgs {
            cluster_id: cluster_id.to_string(),
            node_pool_id: node_pool_id.to_string(),
            count: *count,
        }),
        JobArgs::Scale {
            cluster_id,
            node_pool_id,
            to,
        } => Kind::Scale(wire::JobScaleArgs {
            cluster_id: cluster_id.to_string(),
            node_pool_id: node_pool_id.to_string(),
            to: Some(match to {
                ScaleTo::Desired(n) => wire::job_scale_args::To::Desired(*n),
                ScaleTo::Delta(d) => wire::job_scale_args::To::Delta(*d),
            }),
        }),
        JobArgs::Diagnose { cluster_id } => Kind::Diagnose(cluster(cluster_id)),
        JobArgs::Monitor { cluster_id } => Kind::Monitor(cluster(cluster_id)),
        JobArgs::Sleep { seconds, steps } => Kind::Sleep(wire::JobSleepArgs {
            seconds: *seconds,
            steps: *steps,
        }),
        JobArgs::Fail {
            message,
            retryable,
            fail_attempts,
        } => Kind::Fail(wire::JobFailArgs {
            message: message.clone(),
            retryable: *retryable,
            fail_attempts: *fail_attempts,
        }),
    };
    wire::JobArgs { kind: Some(kind) }
}

pub(crate) fn args_from_wire(args: Option<wire::JobArgs>) -> Result<JobArgs, DecodeError> {
    use wire::job_args::Kind;
    let kind = args
        .and_then(|a| a.kind)
        .ok_or(DecodeError::Missing("args"))?;
    Ok(match kind {
        Kind::Provision(p) => JobArgs::Provision {
            cluster_id: uuid(&p.cluster_id, "args.cluster_id")?,
            node_pool_id: uuid(&p.node_pool_id, "args.node_pool_id")?,
            count: p.count,
        },
        Kind::Scale(s) => JobArgs::Scale {
            cluster_id: uuid(&s.cluster_id, "args.cluster_id")?,
            node_pool_id: uuid(&s.node_pool_id, "args.node_pool_id")?,
            to: match s.to.ok_or(DecodeError::Missing("args.to"))? {
                wire::job_scale_args::To::Desired(n) => ScaleTo::Desired(n),
                wire::job_scale_args::To::Delta(d) => ScaleTo::Delta(d),
            },
        },
        Kind::Diagnose(c) => JobArgs::Diagnose {
            cluster_id: uuid(&c.cluster_id, "args.cluster_id")?,
        },
        Kind::Monitor(c) => JobArgs::Monitor {
            cluster_id: uuid(&c.cluster_id, "args.cluster_id")?,
        },
        Kind::Sleep(s) => JobArgs::Sleep {
            seconds: s.seconds,
            steps: s.steps,
        },
        Kind::Fail(f) => JobArgs::Fail {
            message: f.message,
            retryable: f.retryable,
            fail_attempts: f.fail_attempts,
        },
    })
}

pub(crate) fn retry_to_wire(r: &RetryPolicy) -> wire::JobRetryPolicy {
    wire::JobRetryPolicy {
        max_attempts: r.max_attempts,
        initial_interval_s: r.initial_interval_s,
        coefficient: r.coefficient,
        max_interval_s: r.max_interval_s,
        jitter: r.jitter,
        non_retryable_errors: r.non_retryable_errors.clone(),
    }
}

pub(crate) fn retry_from_wire(r: wire::JobRetryPolicy) -> RetryPolicy {
    RetryPolicy {
        max_attempts: r.max_attempts,
        initial_interval_s: r.initial_interval_s,
        coefficient: r.coefficient,
        max_interval_s: r.max_interval_s,
        jitter: r.jitter,
        non_retryable_errors: r.non_retryable_errors,
    }
}

fn enqueued_to_wire(e: &EnqueueJob) -> wire::JobEnqueued {
    wire::JobEnqueued {
        id: e.id.to_string(),
        owner: e.owner.clone(),
        args: Some(args_to_wire(&e.args)),
        queue: e.queue.clone(),
        priority: u32::from(e.priority),
        run_at: Some(to_timestamp(e.run_at)),
        timeout_seconds: e.timeout_seconds,
        heartbeat_timeout_seconds: e.heartbeat_timeout_seconds,
        retry: Some(retry_to_wire(&e.retry)),
        unique_key: e
            .unique_key
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        trace_id: e.trace_id.clone().unwrap_or_default(),
        at: Some(to_timestamp(e.at)),
    }
}

fn enqueued_from_wire(e: wire::JobEnqueued) -> Result<EnqueueJob, DecodeError> {
    let retry = e.retry.ok_or(DecodeError::Missing("retry"))?;
    Ok(EnqueueJob {
        id: uuid(&e.id, "id")?,
        owner: e.owner,
        args: args_from_wire(e.args)?,
        queue: e.queue,
        priority: u8::try_from(e.priority).map_err(|_| DecodeError::Invalid("priority"))?,
        run_at: from_timestamp(e.run_at.as_ref(), "run_at")?,
        timeout_seconds: e.timeout_seconds,
        heartbeat_timeout_seconds: e.heartbeat_timeout_seconds,
        retry: retry_from_wire(retry),
        unique_key: optional_name(&e.unique_key, "unique_key")?,
        trace_id: Some(e.trace_id).filter(|t| !t.is_empty()),
        at: from_timestamp(e.at.as_ref(), "at")?,
    })
}

fn lines_to_wire(lines: &[LogLine]) -> Vec<wire::JobLogLine> {
    lines
        .iter()
        .map(|l| wire::JobLogLine {
            level: l.level.clone(),
            message: l.message.clone(),
            ts: Some(to_timestamp(l.ts)),
        })
        .collect()
}

fn lines_from_wire(lines: Vec<wire::JobLogLine>) -> Result<Vec<LogLine>, DecodeError> {
    lines
        .into_iter()
        .map(|l| {
            Ok(LogLine {
                ts: from_timestamp(l.ts.as_ref(), "lines.ts")?,
                level: l.level,
                message: l.message,
            })
        })
        .collect()
}

fn next_to_wire(next: Next, changed: &mut wire::JobChanged) {
    changed.next = match next {
        Next::Retry(at) => {
            changed.retry_at = Some(to_timestamp(at));
            "retry"
        }
        Next::Failed => "failed",
        Next::Dead => "dead",
    }
    .to_owned();
}

fn next_from_wire(c: &wire::JobChanged) -> Result<Next, DecodeError> {
    match c.next.as_str() {
        "retry" => Ok(Next::Retry(from_timestamp(
            c.retry_at.as_ref(),
            "retry_at",
        )?)),
        "failed" => Ok(Next::Failed),
        "dead" => Ok(Next::Dead),
        _ => Err(DecodeError::Invalid("next")),
    }
}

fn changed_to_wire(event: &JobEvent) -> wire::JobChanged {
    let mut c = wire::JobChanged {
        at: Some(to_timestamp(event.at())),
        lines: lines_to_wire(event.lines()),
        ..Default::default()
    };
    match event {
        JobEvent::Claimed {
            worker_id,
            lease_until,
            ..
        } => {
            c.worker_id.clone_from(worker_id);
            c.lease_until = Some(to_timestamp(*lease_until));
        }
        JobEvent::Heartbeat {
            percent,
            message,
            lease_until,
            ..
        } => {
            c.percent = percent.map(u32::from);
            c.message.clone_from(message);
            c.lease_until = Some(to_timestamp(*lease_until));
        }
        JobEvent::Succeeded { result, .. } => c.result.clone_from(result),
        JobEvent::AttemptFailed { error, next, .. } => {
            c.error = Some(wire::JobErrorInfo {
                code: error.code.clone(),
                message: error.message.clone(),
                retryable: error.retryable,
            });
            next_to_wire(*next, &mut c);
        }
        JobEvent::LeaseExpired { next, .. } | JobEvent::TimedOut { next, .. } => {
            next_to_wire(*next, &mut c);
        }
        JobEvent::Cancelled { forced, .. } => c.forced = *forced,
        JobEvent::Enqueued(_)
        | JobEvent::CancelRequested { .. }
        | JobEvent::Requeued { .. }
        | JobEvent::Due { .. }
        | JobEvent::Deleted { .. } => {}
    }
    c
}

fn changed_from_wire(event_type: &str, c: wire::JobChanged) -> Result<JobEvent, DecodeError> {
    let at: At = from_timestamp(c.at.as_ref(), "at")?;
    let lease_until = || from_timestamp(c.lease_until.as_ref(), "lease_until");
    Ok(match event_type {
        "job.claimed" => JobEvent::Claimed {
            worker_id: c.worker_id.clone(),
            lease_until: lease_until()?,
            at,
        },
        "job.heartbeat" => JobEvent::Heartbeat {
            percent: c
                .percent
                .map(|p| u8::try_from(p).map_err(|_| DecodeError::Invalid("percent")))
                .transpose()?,
            message: c.message.clone(),
            lease_until: lease_until()?,
            lines: lines_from_wire(c.lines)?,
            at,
        },
        "job.succeeded" => JobEvent::Succeeded {
            result: c.result,
            lines: lines_from_wire(c.lines)?,
            at,
        },
        "job.attempt_failed" => {
            let next = next_from_wire(&c)?;
            let error = c.error.ok_or(DecodeError::Missing("error"))?;
            JobEvent::AttemptFailed {
                error: JobError {
                    code: error.code,
                    message: error.message,
                    retryable: error.retryable,
                },
                lines: lines_from_wire(c.lines)?,
                next,
                at,
            }
        }
        "job.lease_expired" => JobEvent::LeaseExpired {
            next: next_from_wire(&c)?,
            at,
        },
        "job.timed_out" => JobEvent::TimedOut {
            next: next_from_wire(&c)?,
            at,
        },
        "job.cancel_requested" => JobEvent::CancelRequested { at },
        "job.cancelled" => JobEvent::Cancelled {
            forced: c.forced,
            lines: lines_from_wire(c.lines)?,
            at,
        },
        "job.requeued" => JobEvent::Requeued { at },
        "job.due" => JobEvent::Due { at },
        "job.deleted" => JobEvent::Deleted { at },
        other => return Err(unknown(other, SCHEMA_VERSION)),
    })
}
