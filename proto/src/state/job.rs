//! The job's write-model state (with its attempts) to and from the wire (state version
//! 1). Only the conversion: it decides nothing about jobs.

use domain::job::{Attempt, Job, JobError, JobStatus, Lease, Outcome, Progress};
use prost::Message;

use super::{WireState, expect_version, optional_enum, optional_time, time};
use crate::DecodeError;
use crate::codec::{optional_name, payload, uuid};
use crate::job::{args_from_wire, args_to_wire, retry_from_wire, retry_to_wire};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

impl WireState for Job {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        wire::JobState {
            id: self.id.to_string(),
            owner: self.owner.clone(),
            args: self.args.as_ref().map(args_to_wire),
            queue: self.queue.clone(),
            priority: u32::from(self.priority),
            status: self.status.map_or("", JobStatus::as_str).to_owned(),
            run_at: time(self.run_at),
            timeout_seconds: self.timeout_seconds,
            heartbeat_timeout_seconds: self.heartbeat_timeout_seconds,
            retry: Some(retry_to_wire(&self.retry)),
            unique_key: self
                .unique_key
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            trace_id: self.trace_id.clone(),
            attempt: self.attempt,
            cancel_requested: self.cancel_requested,
            cancel_requested_at: time(self.cancel_requested_at),
            lease_worker_id: self
                .lease
                .as_ref()
                .map(|l| l.worker_id.clone())
                .unwrap_or_default(),
            lease_expires_at: self.lease.as_ref().map(|l| to_timestamp(l.expires_at)),
            progress_percent: u32::from(self.progress.percent),
            progress_message: self.progress.message.clone(),
            progress_updated_at: time(self.progress.updated_at),
            result: self.result.clone(),
            last_error: self.last_error.as_ref().map(error_to_wire),
            attempts: self.attempts.iter().map(attempt_to_wire).collect(),
            deleted: self.deleted,
            created_at: time(self.created_at),
            updated_at: time(self.updated_at),
            finished_at: time(self.finished_at),
            version: self.version,
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::JobState = payload(bytes)?;
        let lease = s
            .lease_expires_at
            .as_ref()
            .map(|at| {
                Ok::<_, DecodeError>(Lease {
                    worker_id: s.lease_worker_id.clone(),
                    expires_at: from_timestamp(Some(at), "lease_expires_at")?,
                })
            })
            .transpose()?;
        Ok(Self {
            id: uuid(&s.id, "id")?,
            owner: s.owner,
            args: s.args.map(|a| args_from_wire(Some(a))).transpose()?,
            queue: s.queue,
            priority: u8::try_from(s.priority).map_err(|_| DecodeError::Invalid("priority"))?,
            status: optional_enum(&s.status, JobStatus::parse, "status")?,
            run_at: optional_time(s.run_at.as_ref(), "run_at")?,
            timeout_seconds: s.timeout_seconds,
            heartbeat_timeout_seconds: s.heartbeat_timeout_seconds,
            retry: s.retry.map(retry_from_wire).unwrap_or_default(),
            unique_key: optional_name(&s.unique_key, "unique_key")?,
            trace_id: s.trace_id,
            attempt: s.attempt,
            cancel_requested: s.cancel_requested,
            cancel_requested_at: optional_time(
                s.cancel_requested_at.as_ref(),
                "cancel_requested_at",
            )?,
            lease,
            progress: Progress {
                percent: u8::try_from(s.progress_percent)
                    .map_err(|_| DecodeError::Invalid("progress_percent"))?,
                message: s.progress_message,
                updated_at: optional_time(s.progress_updated_at.as_ref(), "progress_updated_at")?,
            },
            result: s.result,
            last_error: s.last_error.map(error_from_wire),
            attempts: s
                .attempts
                .into_iter()
                .map(attempt_from_wire)
                .collect::<Result<_, _>>()?,
            deleted: s.deleted,
            created_at: optional_time(s.created_at.as_ref(), "created_at")?,
            updated_at: optional_time(s.updated_at.as_ref(), "updated_at")?,
            finished_at: optional_time(s.finished_at.as_ref(), "finished_at")?,
            version: s.version,
        })
    }
}

fn error_to_wire(e: &JobError) -> wire::JobErrorInfo {
    wire::JobErrorInfo {
        code: e.code.clone(),
        message: e.message.clone(),
        retryable: e.retryable,
    }
}

fn error_from_wire(e: wire::JobErrorInfo) -> JobError {
    JobError {
        code: e.code,
        message: e.message,
        retryable: e.retryable,
    }
}

fn attempt_to_wire(a: &Attempt) -> wire::JobAttemptState {
    wire::JobAttemptState {
        seq: a.seq,
        attempt: a.attempt,
        worker_id: a.worker_id.clone(),
        started_at: Some(to_timestamp(a.started_at)),
        ended_at: time(a.ended_at),
        outcome: a.outcome.map_or("", Outcome::as_str).to_owned(),
        error: a.error.as_ref().map(error_to_wire),
    }
}

fn attempt_from_wire(a: wire::JobAttemptState) -> Result<Attempt, DecodeError> {
    Ok(Attempt {
        seq: a.seq,
        attempt: a.attempt,
        worker_id: a.worker_id,
        started_at: from_timestamp(a.started_at.as_ref(), "attempts.started_at")?,
        ended_at: optional_time(a.ended_at.as_ref(), "attempts.ended_at")?,
        outcome: optional_enum(&a.outcome, Outcome::parse, "attempts.outcome")?,
        error: a.error.map(error_from_wire),
    })
}
