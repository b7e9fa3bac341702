//! The attempt row (table `job_attempt`): one per claim of a job, upserted when the
//! attempt starts and when it ends; its JobAttempt representation.

use chrono::{DateTime, Utc};
use domain::job::Attempt;
use sqlx::FromRow;
use uuid::Uuid;

use super::records::ErrorRecord;
use crate::row::{Bound, json_text, rfc3339};

pub const COLUMNS: &[&str] = &[
    "job_id",
    "attempt",
    "run_attempt",
    "owner",
    "worker_id",
    "started_at",
    "ended_at",
    "outcome",
    "error",
];

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct JobAttemptRow {
    pub job_id: Uuid,
    pub attempt: u32,
    pub run_attempt: u32,
    pub owner: String,
    pub worker_id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    /// JSON `ErrorRecord`.
    pub error: Option<String>,
}

impl JobAttemptRow {
    pub fn new(job_id: Uuid, owner: &str, attempt: &Attempt) -> Self {
        Self {
            job_id,
            attempt: attempt.seq,
            run_attempt: attempt.attempt,
            owner: owner.to_owned(),
            worker_id: attempt.worker_id.clone(),
            started_at: attempt.started_at,
            ended_at: attempt.ended_at,
            outcome: attempt.outcome.map(|o| o.as_str().to_owned()),
            error: attempt
                .error
                .as_ref()
                .map(|e| json_text(&ErrorRecord::from(e))),
        }
    }

    pub fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.job_id)
            .bind(self.attempt)
            .bind(self.run_attempt)
            .bind(&self.owner)
            .bind(&self.worker_id)
            .bind(self.started_at)
            .bind(self.ended_at)
            .bind(&self.outcome)
            .bind(&self.error)
    }

    pub fn to_resource(&self) -> contract::job::JobAttempt {
        let error: Option<ErrorRecord> = self
            .error
            .as_deref()
            .and_then(|raw| serde_json::from_str(raw).ok());
        contract::job::JobAttempt {
            kind: "job_attempt".into(),
            job_id: self.job_id,
            attempt: self.attempt,
            run_attempt: self.run_attempt,
            worker_id: self.worker_id.clone(),
            started_at: rfc3339(self.started_at),
            finished_at: self.ended_at.map(rfc3339),
            outcome: self.outcome.clone(),
            error: error.map(|e| e.to_contract()),
        }
    }
}
