//! One attempt of a claimed job: runs its handler beside a heartbeat loop that extends
//! the lease, carries progress and log lines, and learns of a requested cancel (then the
//! handler is signalled and the cancel acknowledged). Ends with exactly one report —
//! success, failure with backoff, or the cancel's acknowledgement — unless the lease
//! was lost, in which case the attempt reports nothing: the job is someone else's now.
//! Every attempt runs in a `job attempt` span in the trace of the job's enqueue (its
//! `trace_id`), so the attempt's commands and log lines carry `job_id` and that trace.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use domain::Rejection;
use domain::job::{Job, JobCommand, JobError};
use domain::rejection::RejectionKind;
use platform::telemetry::context;

use super::handlers::{self, Cancel, Failure, Reporter, Run};
use super::pool::{Shared, report_command};
use crate::writer::{Accepted, SubmitError};

/// How the attempt stands, as the heartbeats learn it.
#[derive(Default)]
struct Flags {
    cancel_requested: AtomicBool,
    lease_lost: AtomicBool,
}

/// The span of the next attempt of `job` (as claimed: `attempt` is the one to run).
pub fn span(job: &Job) -> tracing::Span {
    let span = tracing::info_span!(
        "job attempt",
        service = crate::SERVICE,
        job_id = %job.id,
        attempt = job.attempt + 1,
        job_type = job.type_name(),
        queue = %job.queue,
    );
    if let Some(parent) = job
        .trace_id
        .as_deref()
        .and_then(|trace_id| context::parent_in_trace(trace_id, job.id.as_bytes()))
    {
        context::adopt(&span, parent);
    }
    span
}

pub async fn run(shared: Arc<Shared>, job: Job, worker_id: String, cancel: Cancel) {
    let started = Instant::now();
    let report = Reporter::default();
    let flags = Flags::default();
    let ctx = Run {
        job: &job,
        writer: &shared.writer,
        window: &shared.window,
        internal: &shared.internal,
        clock: shared.writer.clock().clone(),
        report: &report,
        cancel: &cancel,
    };
    ctx.log(format!("attempt {} started on {worker_id}", job.attempt));
    let outcome = tokio::select! {
        outcome = handlers::run(&ctx) => outcome,
        () = heartbeats(&shared, &job, &worker_id, &report, &flags, &cancel) => {
            Err(Failure::retryable("CANCELLED", "the attempt was stopped"))
        }
    };
    let outcome_label = if flags.lease_lost.load(Ordering::SeqCst) {
        tracing::info!(job_id = %job.id, %worker_id, "the attempt lost its lease; not reporting");
        "lease_expired"
    } else {
        finish(&shared, &job, &worker_id, &report, &flags, outcome).await
    };
    let seconds = started.elapsed().as_secs_f64();
    shared
        .metrics
        .finished(&job.queue, job.type_name(), outcome_label, seconds);
    shared.finished(job.id);
}

/// Beats until the lease is lost; never ends otherwise (the handler ends the attempt).
/// A worker whose beats go unanswered for a whole heartbeat timeout (its instance lost
/// the partition, or the log is unreachable) gives up too: by then the lease may have
/// ended and the job been handed to another worker.
async fn heartbeats(
    shared: &Shared,
    job: &Job,
    worker_id: &str,
    report: &Reporter,
    flags: &Flags,
    cancel: &Cancel,
) {
    let timeout = Duration::from_secs(u64::from(job.heartbeat_timeout_seconds.max(1)));
    let every = (timeout / 3).clamp(Duration::from_millis(50), Duration::from_secs(10));
    let mut last_answer = Instant::now();
    loop {
        tokio::time::sleep(every).await;
        match beat(shared, job, worker_id, report).await {
            Ok(accepted) => {
                last_answer = Instant::now();
                let requested = accepted.state::<Job>().is_some_and(|j| j.cancel_requested);
                if requested {
                    flags.cancel_requested.store(true, Ordering::SeqCst);
                    cancel.cancel();
                }
            }
            Err(error) if lost(&error) || last_answer.elapsed() >= timeout => {
                tracing::info!(%error, job_id = %job.id, "giving the attempt up");
                flags.lease_lost.store(true, Ordering::SeqCst);
                cancel.cancel();
                return;
            }
            Err(error) => tracing::debug!(%error, "a heartbeat was not accepted; next one"),
        }
    }
}

async fn beat(
    shared: &Shared,
    job: &Job,
    worker_id: &str,
    report: &Reporter,
) -> Result<Accepted, SubmitError> {
    let pending = report.take();
    let command = JobCommand::Heartbeat {
        worker_id: worker_id.to_owned(),
        percent: pending.percent,
        message: pending.message,
        lines: pending.lines,
        at: shared.writer.clock().now(),
    };
    let submission = report_command(&shared.writer, job, command, "job.heartbeat");
    shared.writer.submit(submission).await
}

/// Reports how the attempt ended; returns the outcome's label.
async fn finish(
    shared: &Shared,
    job: &Job,
    worker_id: &str,
    report: &Reporter,
    flags: &Flags,
    outcome: handlers::Outcome,
) -> &'static str {
    // Lines beyond one event's share go out in heartbeats first.
    while report.backlog() {
        if beat(shared, job, worker_id, report).await.is_err() {
            break;
        }
    }
    let now = shared.writer.clock().now();
    let worker_id = worker_id.to_owned();
    let cancelled = flags.cancel_requested.load(Ordering::SeqCst);
    let lines = report.take().lines;
    let (command, label) = match outcome {
        Err(_) if cancelled => (
            JobCommand::AcknowledgeCancel {
                worker_id,
                lines,
                at: now,
            },
            "cancelled",
        ),
        Ok(result) => (
            JobCommand::Succeed {
                worker_id,
                result: result.to_string(),
                lines,
                at: now,
            },
            "succeeded",
        ),
        Err(failure) => (
            JobCommand::FailAttempt {
                worker_id,
                error: JobError {
                    code: failure.code,
                    message: failure.message,
                    retryable: failure.retryable,
                },
                lines,
                backoff: shared.backoff(job),
                at: now,
            },
            "failed",
        ),
    };
    let submission = report_command(&shared.writer, job, command, "job.report");
    if let Err(error) = shared.writer.submit(submission).await {
        // The lease runs out and the sweep retries the job: at least once, never lost.
        tracing::warn!(%error, job_id = %job.id, "reporting the attempt failed");
    }
    label
}

/// The job refused the report because this worker no longer holds it, or this
/// instance no longer serves the job.
fn lost(error: &SubmitError) -> bool {
    match error {
        SubmitError::Domain(Rejection { kind, .. }) => matches!(
            kind,
            RejectionKind::FailedPrecondition | RejectionKind::InvalidStateTransition
        ),
        // Another instance serves the partition now: its pool owns the job.
        SubmitError::NotFound(_) | SubmitError::NotOwned { .. } => true,
        _ => false,
    }
}
