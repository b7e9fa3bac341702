//! The autoscaler's history views: `autoscaling_event` (a row when a policy starts a
//! scale, its status and end filled in when it finishes) and `autoscaler_decision` (the
//! decision-log entry each `Evaluated` event carries, keyed by the event id so a replay
//! inserts nothing twice). Copies facts out of events; never refuses a record (the
//! policy's state view does that) and never computes a decision.

use std::collections::BTreeMap;

use domain::autoscale::{AutoscalingPolicy, PolicyEvent};
use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::autoscaling::history::{DECISION_COLUMNS, DecisionRow, EVENT_COLUMNS, ScalingEventRow};
use views::autoscaling::row::scale_status_text;

use super::{Applicable, Candidate, View, ViewBatch};
use crate::error::RecordError;
use crate::kinds::events_of;
use crate::project::Change;

const CHUNK: usize = 200;

pub struct AutoscalingHistoryView;

impl View for AutoscalingHistoryView {
    fn name(&self) -> &'static str {
        "autoscaling_history"
    }

    fn owns(&self, _aggregate_type: &str) -> bool {
        false
    }

    fn begin(&self) -> Box<dyn ViewBatch> {
        Box::new(HistoryBatch::default())
    }
}

/// A scale's end, applied after the starts of the same batch.
struct Finish {
    operation_id: Uuid,
    status: &'static str,
    at: chrono::DateTime<chrono::Utc>,
}

#[derive(Default)]
struct HistoryBatch {
    started: BTreeMap<Uuid, ScalingEventRow>,
    finished: Vec<Finish>,
    decisions: Vec<DecisionRow>,
}

impl ViewBatch for HistoryBatch {
    fn load<'a>(
        &'a mut self,
        _conn: &'a mut MySqlConnection,
        _candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        async { Ok(()) }.boxed()
    }

    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        let Some(events) = events_of::<AutoscalingPolicy>(record.events) else {
            return Ok(Vec::new());
        };
        let (policy_id, owner) = (record.header.aggregate_id, &record.header.owner);
        for (index, event) in events.iter().enumerate() {
            match event {
                PolicyEvent::ScalingStarted {
                    operation_id,
                    from,
                    to,
                    reason,
                    at,
                } => {
                    let row = ScalingEventRow {
                        operation_id: *operation_id,
                        policy_id,
                        owner: owner.clone(),
                        current_count: *from,
                        desired_count: *to,
                        reason: reason.as_str().to_owned(),
                        status: "in_progress".to_owned(),
                        started_at: *at,
                        finished_at: None,
                    };
                    self.started.insert(*operation_id, row);
                }
                PolicyEvent::ScalingFinished {
                    operation_id,
                    status,
                    at,
                } => match self.started.get_mut(operation_id) {
                    Some(row) => {
                        row.status = scale_status_text(*status).to_owned();
                        row.finished_at = Some(*at);
                    }
                    None => self.finished.push(Finish {
                        operation_id: *operation_id,
                        status: scale_status_text(*status),
                        at: *at,
                    }),
                },
                PolicyEvent::Evaluated(evaluation) if !evaluation.log.is_empty() => {
                    self.decisions.push(DecisionRow {
                        event_id: record.event_ids.get(index).copied().unwrap_or_default(),
                        policy_id,
                        owner: owner.clone(),
                        evaluated_at: evaluation.at,
                        decision: evaluation.log.clone(),
                    });
                }
                _ => {}
            }
        }
        Ok(Vec::new())
    }

    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let started: Vec<&ScalingEventRow> = self.started.values().collect();
            for chunk in started.chunks(CHUNK) {
                let sql = format!(
                    "INSERT INTO autoscaling_event ({}) VALUES {} \
                     ON DUPLICATE KEY UPDATE status = VALUES(status), finished_at = VALUES(finished_at)",
                    EVENT_COLUMNS.join(", "),
                    views::row::value_rows(EVENT_COLUMNS.len(), chunk.len()),
                );
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for row in chunk {
                    query = row.bind(query);
                }
                query.execute(&mut *conn).await?;
            }
            for finish in &self.finished {
                sqlx::query(
                    "UPDATE autoscaling_event SET status = ?, finished_at = ? WHERE operation_id = ?",
                )
                .bind(finish.status)
                .bind(finish.at)
                .bind(finish.operation_id)
                .execute(&mut *conn)
                .await?;
            }
            for chunk in self.decisions.chunks(CHUNK) {
                let sql = format!(
                    "INSERT IGNORE INTO autoscaler_decision ({}) VALUES {}",
                    DECISION_COLUMNS.join(", "),
                    views::row::value_rows(DECISION_COLUMNS.len(), chunk.len()),
                );
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for row in chunk {
                    query = row.bind(query);
                }
                query.execute(&mut *conn).await?;
            }
            Ok(())
        }
        .boxed()
    }
}
