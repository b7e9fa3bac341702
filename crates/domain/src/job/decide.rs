//! The job's transition table (api.md §12.3): each command is accepted only from the
//! statuses its row names; worker reports only from the lease holder. Sweeps (expire,
//! due) are level-triggered and answer "nothing to do" rather than an error.

use chrono::{DateTime, Duration, Utc};

use super::JobRefused as Refused;
use super::command::{EnqueueJob, JobCommand};
use super::event::{JobEvent, Next};
use super::state::{Job, JobError, JobStatus, LogLine};

type Decision = Result<Vec<JobEvent>, Refused>;

pub(super) fn decide(job: &Job, command: &JobCommand) -> Decision {
    let Some(status) = job.status.filter(|_| !job.deleted) else {
        return match command {
            JobCommand::Enqueue(enqueue) if job.status.is_none() => enqueued(enqueue),
            _ => Err(Refused::NotFound),
        };
    };
    use JobCommand as C;
    match command {
        C::Enqueue(_) => Err(Refused::AlreadyExists),
        C::Claim { worker_id, at } => claim(job, status, worker_id, *at, command),
        C::Heartbeat {
            worker_id,
            percent,
            message,
            lines,
            at,
        } => {
            holder(job, status, worker_id, command)?;
            bounded(lines)?;
            let lease = job.lease.as_ref().map(|l| l.expires_at);
            if lease.is_some_and(|until| until < *at) {
                return Err(Refused::LeaseLost {
                    worker_id: worker_id.clone(),
                });
            }
            Ok(vec![JobEvent::Heartbeat {
                percent: percent.map(|p| p.min(100).max(job.progress.percent)),
                message: message.clone(),
                lines: lines.clone(),
                lease_until: *at + job.heartbeat_timeout(),
                at: *at,
            }])
        }
        C::AcknowledgeCancel {
            worker_id,
            lines,
            at,
        } => {
            holder(job, status, worker_id, command)?;
            bounded(lines)?;
            if !job.cancel_requested {
                return Err(transition(status, command));
            }
            Ok(vec![JobEvent::Cancelled {
                forced: false,
                lines: lines.clone(),
                at: *at,
            }])
        }
        C::Succeed {
            worker_id,
            result,
            lines,
            at,
        } => {
            holder(job, status, worker_id, command)?;
            bounded(lines)?;
            Ok(vec![JobEvent::Succeeded {
                result: result.clone(),
                lines: lines.clone(),
                at: *at,
            }])
        }
        C::FailAttempt {
            worker_id,
            error,
            lines,
            backoff,
            at,
        } => {
            holder(job, status, worker_id, command)?;
            bounded(lines)?;
            Ok(vec![JobEvent::AttemptFailed {
                error: error.clone(),
                lines: lines.clone(),
                next: next(job, error, *backoff, *at),
                at: *at,
            }])
        }
        C::Expire { backoff, at } => Ok(expire(job, status, *backoff, *at)),
        C::MakeDue { at } => Ok(due(job, status, *at)),
        C::Cancel { at } => cancel(job, status, *at, command),
        C::Retry { at } => match status {
            JobStatus::Failed | JobStatus::Dead | JobStatus::Cancelled => {
                Ok(vec![JobEvent::Requeued { at: *at }])
            }
            _ => Err(transition(status, command)),
        },
        C::Delete { at } if status.is_terminal() => Ok(vec![JobEvent::Deleted { at: *at }]),
        C::Delete { .. } => Err(transition(status, command)),
    }
}

fn enqueued(enqueue: &EnqueueJob) -> Decision {
    if let Err((field, why)) = enqueue.retry.check() {
        return Err(Refused::Invalid(format!("retry_policy.{field} {why}")));
    }
    Ok(vec![JobEvent::Enqueued(enqueue.clone())])
}

fn claim(
    job: &Job,
    status: JobStatus,
    worker_id: &str,
    at: DateTime<Utc>,
    command: &JobCommand,
) -> Decision {
    if !job.is_claimable(at) {
        return Err(transition(status, command));
    }
    Ok(vec![JobEvent::Claimed {
        worker_id: worker_id.to_owned(),
        lease_until: at + job.heartbeat_timeout(),
        at,
    }])
}

fn cancel(job: &Job, status: JobStatus, at: DateTime<Utc>, command: &JobCommand) -> Decision {
    match status {
        JobStatus::Queued | JobStatus::Scheduled | JobStatus::Retrying => {
            Ok(vec![JobEvent::Cancelled {
                forced: false,
                lines: Vec::new(),
                at,
            }])
        }
        JobStatus::Running if job.cancel_requested => Ok(Vec::new()),
        JobStatus::Running => Ok(vec![JobEvent::CancelRequested { at }]),
        // Cancelling a cancelled job again changes nothing.
        JobStatus::Cancelled => Ok(Vec::new()),
        _ => Err(transition(status, command)),
    }
}

/// What the sweep finds due on a running job, most severe first.
fn expire(job: &Job, status: JobStatus, backoff: Duration, at: DateTime<Utc>) -> Vec<JobEvent> {
    if status != JobStatus::Running {
        return Vec::new();
    }
    let forced_at = job
        .cancel_requested_at
        .filter(|_| job.cancel_requested)
        .map(|t| t + job.heartbeat_timeout() * 2);
    let lease_ended = job.lease.as_ref().is_some_and(|l| l.expires_at < at);
    let started = job.current_attempt().map(|a| a.started_at);
    let limit = Duration::seconds(i64::from(job.timeout_seconds));
    let timed_out = job.timeout_seconds > 0 && started.is_some_and(|s| s + limit <= at);
    // A job asked to stop is not retried when its attempt ends without it: cancelled.
    let overdue = forced_at.is_some_and(|t| t <= at);
    if overdue || (job.cancel_requested && (lease_ended || timed_out)) {
        return vec![JobEvent::Cancelled {
            forced: true,
            lines: Vec::new(),
            at,
        }];
    }
    let lost = |code: &str| JobError {
        code: code.to_owned(),
        message: String::new(),
        retryable: true,
    };
    if lease_ended {
        let next = next(job, &lost("LEASE_EXPIRED"), backoff, at);
        return vec![JobEvent::LeaseExpired { next, at }];
    }
    if timed_out {
        let next = next(job, &lost("TIMED_OUT"), backoff, at);
        return vec![JobEvent::TimedOut { next, at }];
    }
    Vec::new()
}

fn due(job: &Job, status: JobStatus, at: DateTime<Utc>) -> Vec<JobEvent> {
    let waiting = matches!(status, JobStatus::Scheduled | JobStatus::Retrying);
    if waiting && job.run_at.is_none_or(|t| t <= at) {
        vec![JobEvent::Due { at }]
    } else {
        Vec::new()
    }
}

/// Where a failed attempt leaves the job: failed if the error may not be retried, dead
/// once the attempts are used up, else retrying after `backoff`.
fn next(job: &Job, error: &JobError, backoff: Duration, at: DateTime<Utc>) -> Next {
    if !error.retryable || !job.retry.retries(&error.code) {
        Next::Failed
    } else if job.attempt >= job.retry.max_attempts {
        Next::Dead
    } else {
        Next::Retry(at + backoff)
    }
}

/// Only the lease holder of a running job reports on it.
fn holder(
    job: &Job,
    status: JobStatus,
    worker_id: &str,
    command: &JobCommand,
) -> Result<(), Refused> {
    if status != JobStatus::Running {
        return Err(transition(status, command));
    }
    match &job.lease {
        Some(lease) if lease.worker_id == worker_id => Ok(()),
        _ => Err(Refused::LeaseLost {
            worker_id: worker_id.to_owned(),
        }),
    }
}

fn bounded(lines: &[LogLine]) -> Result<(), Refused> {
    let too_long = lines.iter().any(|l| l.message.len() > LogLine::MAX_BYTES);
    if lines.len() > LogLine::MAX_PER_EVENT || too_long {
        return Err(Refused::Invalid(format!(
            "at most {} log lines of at most {} bytes per report",
            LogLine::MAX_PER_EVENT,
            LogLine::MAX_BYTES
        )));
    }
    Ok(())
}

fn transition(status: JobStatus, command: &JobCommand) -> Refused {
    Refused::InvalidTransition {
        from: status.as_str(),
        action: command.action(),
    }
}
