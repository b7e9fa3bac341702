//! The job handlers, one file per type, behind one entry point (`run`). A handler gets
//! the job as claimed, the write path, the injected clock, a reporter for progress and
//! log lines, and a cancellation signal; it returns a result or a failure with a stable
//! code. Side effects go through ordinary commands keyed by the job id, so a retried
//! attempt repeats none of them.

mod cluster;
mod diagnose;
mod fail;
mod monitor;
mod provision;
mod scale;
mod sleep;

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use domain::job::{Job, JobArgs, LogLine};
use platform::clock::SharedClock;
use serde_json::Value;
use tokio::sync::watch;

use crate::internal::InternalClient;
use crate::telemetry::window::SampleWindow;
use crate::writer::Writer;

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    pub code: String,
    pub message: String,
    pub retryable: bool,
}

impl Failure {
    pub fn retryable(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            retryable: true,
        }
    }

    pub fn fatal(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            retryable: false,
        }
    }
}

pub type Outcome = Result<Value, Failure>;

/// Set once when the attempt must stop (a cancel was requested or the lease was lost).
#[derive(Clone)]
pub struct Cancel {
    sender: std::sync::Arc<watch::Sender<bool>>,
}

impl Default for Cancel {
    fn default() -> Self {
        Self {
            sender: std::sync::Arc::new(watch::channel(false).0),
        }
    }
}

impl Cancel {
    pub fn cancel(&self) {
        self.sender.send_replace(true);
    }

    pub fn is_cancelled(&self) -> bool {
        *self.sender.borrow()
    }

    pub async fn cancelled(&self) {
        let mut receiver = self.sender.subscribe();
        // An error means the sender is gone, which cannot happen while `self` lives.
        let _ = receiver.wait_for(|c| *c).await;
    }
}

/// Progress and log lines a handler reports, taken by the next heartbeat.
#[derive(Default)]
pub struct Reporter {
    pending: Mutex<Pending>,
}

#[derive(Default)]
pub struct Pending {
    pub percent: Option<u8>,
    pub message: Option<String>,
    pub lines: Vec<LogLine>,
}

impl Reporter {
    pub fn progress(&self, percent: u8, message: impl Into<String>) {
        let mut pending = self.lock();
        pending.percent = Some(percent.min(100));
        pending.message = Some(message.into());
    }

    pub fn log(&self, level: &str, message: impl Into<String>, ts: DateTime<Utc>) {
        let mut message: String = message.into();
        if message.len() > LogLine::MAX_BYTES {
            let mut end = LogLine::MAX_BYTES;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
        }
        self.lock().lines.push(LogLine {
            level: level.to_owned(),
            message,
            ts,
        });
    }

    /// What the next report carries: the progress, and at most one event's lines.
    pub fn take(&self) -> Pending {
        let mut pending = self.lock();
        let now = pending.lines.len().min(LogLine::MAX_PER_EVENT);
        let rest = pending.lines.split_off(now);
        let lines = std::mem::replace(&mut pending.lines, rest);
        Pending {
            percent: pending.percent.take(),
            message: pending.message.take(),
            lines,
        }
    }

    /// Lines beyond what one event may carry are still waiting.
    pub fn backlog(&self) -> bool {
        self.lock().lines.len() > LogLine::MAX_PER_EVENT
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a handler works with.
pub struct Run<'a> {
    pub job: &'a Job,
    pub writer: &'a Writer,
    /// Recent samples (the `diagnose` job's telemetry).
    pub window: &'a SampleWindow,
    /// Reaches the owners of partitions this instance does not serve.
    pub internal: &'a InternalClient,
    pub clock: SharedClock,
    pub report: &'a Reporter,
    pub cancel: &'a Cancel,
}

impl Run<'_> {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn log(&self, message: impl Into<String>) {
        self.report.log("info", message, self.now());
    }
}

/// Runs the handler of the job's type.
pub async fn run(ctx: &Run<'_>) -> Outcome {
    let Some(args) = ctx.job.args.clone() else {
        return Err(Failure::fatal("INVALID_JOB", "the job has no arguments"));
    };
    match args {
        JobArgs::Provision {
            cluster_id,
            node_pool_id,
            count,
        } => provision::run(ctx, cluster_id, node_pool_id, count).await,
        JobArgs::Scale {
            cluster_id,
            node_pool_id,
            to,
        } => scale::run(ctx, cluster_id, node_pool_id, to).await,
        JobArgs::Diagnose { cluster_id } => diagnose::run(ctx, cluster_id).await,
        JobArgs::Monitor { cluster_id } => monitor::run(ctx, cluster_id).await,
        JobArgs::Sleep { seconds, steps } => sleep::run(ctx, seconds, steps).await,
        JobArgs::Fail {
            message,
            retryable,
            fail_attempts,
        } => fail::run(ctx, &message, retryable, fail_attempts),
    }
}
