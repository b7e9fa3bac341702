//! The job detail view: `job_attempt` (one row per attempt, upserted when it starts and
//! when it ends) and `log_lines` (the bounded lines job events carry, tagged with the
//! attempt they belong to). It folds with the domain's own `evolve` onto the stored job
//! row to know which attempt an event is about; it never refuses a record (the job's
//! state view does that).

use std::collections::{BTreeMap, HashMap};

use domain::Aggregate;
use domain::job::{Job, JobEvent};
use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::StateRow;
use views::job::JobRow;
use views::job::attempt::{self, JobAttemptRow};
use views::job::log::{self, NewLogLine, WORKER_SERVICE};

use super::state::load_many;
use super::{Applicable, Candidate, View, ViewBatch, stored_ids};
use crate::error::RecordError;
use crate::kinds::events_of;
use crate::project::Change;

const CHUNK: usize = 200;

pub struct JobDetailView;

impl View for JobDetailView {
    fn name(&self) -> &'static str {
        "job_detail"
    }

    fn owns(&self, _aggregate_type: &str) -> bool {
        false
    }

    fn begin(&self) -> Box<dyn ViewBatch> {
        Box::new(JobDetailBatch::default())
    }
}

#[derive(Default)]
struct JobDetailBatch {
    jobs: HashMap<Uuid, Job>,
    attempts: BTreeMap<(Uuid, u32), JobAttemptRow>,
    lines: Vec<NewLogLine>,
}

impl ViewBatch for JobDetailBatch {
    fn load<'a>(
        &'a mut self,
        conn: &'a mut MySqlConnection,
        candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let ids = stored_ids(candidates, Job::NAME);
            for row in load_many::<JobRow>(conn, &ids).await? {
                // A row that cannot be read back is parked by the state view.
                if let Ok(job) = row.to_state() {
                    self.jobs.insert(row.job_id, job);
                }
            }
            Ok(())
        }
        .boxed()
    }

    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        let Some(events) = events_of::<Job>(record.events) else {
            return Ok(Vec::new());
        };
        let id = record.header.aggregate_id;
        let mut job = self.jobs.remove(&id).unwrap_or_default();
        for (index, event) in events.iter().enumerate() {
            // Lines of a heartbeat belong to the running attempt, those of a finishing
            // event to the attempt it ends: the last one either way.
            job = job.evolve(event);
            let current = job.attempts.last();
            if let Some(attempt) = current.filter(|_| touches_attempt(event)) {
                let row = JobAttemptRow::new(id, &job.owner, attempt);
                self.attempts.insert((id, attempt.seq), row);
            }
            let event_id = record.event_ids.get(index).copied().unwrap_or_default();
            for (n, line) in event.lines().iter().enumerate() {
                self.lines.push(NewLogLine {
                    service: WORKER_SERVICE.to_owned(),
                    level: line.level.clone(),
                    ts: line.ts,
                    message: line.message.clone(),
                    job_id: Some(id),
                    attempt: current.map(|a| a.seq),
                    trace_id: job.trace_id.clone(),
                    owner: Some(job.owner.clone()),
                    source_key: Some(format!("{event_id}/{n}")),
                });
            }
        }
        self.jobs.insert(id, job);
        Ok(Vec::new())
    }

    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let attempts: Vec<&JobAttemptRow> = self.attempts.values().collect();
            for chunk in attempts.chunks(CHUNK) {
                let updates: Vec<String> = attempt::COLUMNS[2..]
                    .iter()
                    .map(|c| format!("{c} = VALUES({c})"))
                    .collect();
                let sql = format!(
                    "INSERT INTO job_attempt ({}) VALUES {} ON DUPLICATE KEY UPDATE {}",
                    attempt::COLUMNS.join(", "),
                    views::row::value_rows(attempt::COLUMNS.len(), chunk.len()),
                    updates.join(", ")
                );
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for row in chunk {
                    query = row.bind(query);
                }
                query.execute(&mut *conn).await?;
            }
            log::insert_ignore(conn, &self.lines).await?;
            Ok(())
        }
        .boxed()
    }
}

/// Events that start or end an attempt.
fn touches_attempt(event: &JobEvent) -> bool {
    matches!(
        event,
        JobEvent::Claimed { .. }
            | JobEvent::Succeeded { .. }
            | JobEvent::AttemptFailed { .. }
            | JobEvent::LeaseExpired { .. }
            | JobEvent::TimedOut { .. }
            | JobEvent::Cancelled { .. }
    )
}
