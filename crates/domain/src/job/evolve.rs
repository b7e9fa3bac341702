//! The job's fold: applies one event to the state. Decisions (where a failure leads,
//! the lease's end) were made in `decide` and travel in the event; this only records.

use chrono::{DateTime, Utc};

use super::event::{JobEvent, Next};
use super::state::{Attempt, Job, JobError, JobStatus, Lease, Outcome, Progress};

pub(super) fn evolve(mut job: Job, event: &JobEvent) -> Job {
    job.version += 1;
    job.updated_at = Some(event.at());
    match event {
        JobEvent::Enqueued(e) => {
            job.id = e.id;
            job.owner.clone_from(&e.owner);
            job.args = Some(e.args.clone());
            job.queue.clone_from(&e.queue);
            job.priority = e.priority;
            job.run_at = Some(e.run_at);
            job.timeout_seconds = e.timeout_seconds;
            job.heartbeat_timeout_seconds = e.heartbeat_timeout_seconds;
            job.retry = e.retry.clone();
            job.unique_key.clone_from(&e.unique_key);
            job.trace_id.clone_from(&e.trace_id);
            job.created_at = Some(e.at);
            job.status = Some(if e.run_at <= e.at {
                JobStatus::Queued
            } else {
                JobStatus::Scheduled
            });
        }
        JobEvent::Claimed {
            worker_id,
            lease_until,
            at,
        } => {
            job.status = Some(JobStatus::Running);
            job.attempt += 1;
            job.lease = Some(Lease {
                worker_id: worker_id.clone(),
                expires_at: *lease_until,
            });
            job.progress = Progress::default();
            let seq = u32::try_from(job.attempts.len()).unwrap_or(u32::MAX) + 1;
            job.attempts.push(Attempt {
                seq,
                attempt: job.attempt,
                worker_id: worker_id.clone(),
                started_at: *at,
                ended_at: None,
                outcome: None,
                error: None,
            });
        }
        JobEvent::Heartbeat {
            percent,
            message,
            lease_until,
            at,
            ..
        } => {
            if let Some(lease) = &mut job.lease {
                lease.expires_at = *lease_until;
            }
            if percent.is_some() || message.is_some() {
                job.progress.percent = percent.unwrap_or(job.progress.percent);
                if let Some(message) = message {
                    job.progress.message.clone_from(message);
                }
                job.progress.updated_at = Some(*at);
            }
        }
        JobEvent::Succeeded { result, at, .. } => {
            job.result = Some(result.clone());
            job.progress.percent = 100;
            job.progress.updated_at = Some(*at);
            end(
                &mut job,
                JobStatus::Succeeded,
                Outcome::Succeeded,
                None,
                *at,
            );
        }
        JobEvent::AttemptFailed {
            error, next, at, ..
        } => fail(&mut job, *next, Outcome::Failed, error.clone(), *at),
        JobEvent::LeaseExpired { next, at } => {
            let error = lost("LEASE_EXPIRED", "no heartbeat before the lease ended");
            fail(&mut job, *next, Outcome::LeaseExpired, error, *at);
        }
        JobEvent::TimedOut { next, at } => {
            let error = lost("TIMED_OUT", "the attempt exceeded timeout_seconds");
            fail(&mut job, *next, Outcome::TimedOut, error, *at);
        }
        JobEvent::CancelRequested { at } => {
            job.cancel_requested = true;
            job.cancel_requested_at = Some(*at);
        }
        JobEvent::Cancelled { forced, at, .. } => {
            let outcome = if *forced {
                Outcome::LeaseExpired
            } else {
                Outcome::Cancelled
            };
            end(&mut job, JobStatus::Cancelled, outcome, None, *at);
        }
        JobEvent::Requeued { at } => {
            job.status = Some(JobStatus::Queued);
            job.attempt = 0;
            job.run_at = Some(*at);
            job.cancel_requested = false;
            job.cancel_requested_at = None;
            job.result = None;
            job.progress = Progress::default();
            job.finished_at = None;
        }
        JobEvent::Due { .. } => job.status = Some(JobStatus::Queued),
        JobEvent::Deleted { .. } => job.deleted = true,
    }
    job
}

fn lost(code: &str, message: &str) -> JobError {
    JobError {
        code: code.to_owned(),
        message: message.to_owned(),
        retryable: true,
    }
}

fn fail(job: &mut Job, next: Next, outcome: Outcome, error: JobError, at: DateTime<Utc>) {
    if let Next::Retry(run_at) = next {
        job.run_at = Some(run_at);
    }
    job.last_error = Some(error.clone());
    end(job, next.status(), outcome, Some(error), at);
}

/// Ends the running attempt (if any) and moves the job to `status`.
fn end(
    job: &mut Job,
    status: JobStatus,
    outcome: Outcome,
    error: Option<JobError>,
    at: DateTime<Utc>,
) {
    if let Some(attempt) = job.attempts.last_mut().filter(|a| a.ended_at.is_none()) {
        attempt.ended_at = Some(at);
        attempt.outcome = Some(outcome);
        attempt.error = error;
    }
    job.status = Some(status);
    job.lease = None;
    job.cancel_requested = false;
    if status.is_terminal() {
        job.finished_at = Some(at);
    }
}
