//! Bounds the diagnosis history: after a batch that recorded diagnoses, every cluster they
//! belong to keeps its newest `views::diagnosis::HISTORY_PER_CLUSTER` rows (by
//! `recorded_at`) and loses the older ones. Runs after the diagnosis state view wrote the
//! new rows (views flush in registration order); never refuses a record.

use std::collections::BTreeSet;

use domain::diagnosis::{Diagnosis, DiagnosisEvent};
use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::MySqlConnection;
use uuid::Uuid;
use views::diagnosis::HISTORY_PER_CLUSTER;

use super::{Applicable, Candidate, View, ViewBatch};
use crate::error::RecordError;
use crate::kinds::events_of;
use crate::project::Change;

pub struct DiagnosisHistoryView;

impl View for DiagnosisHistoryView {
    fn name(&self) -> &'static str {
        "diagnosis_history"
    }

    fn owns(&self, _aggregate_type: &str) -> bool {
        false
    }

    fn begin(&self) -> Box<dyn ViewBatch> {
        Box::new(HistoryBatch::default())
    }
}

#[derive(Default)]
struct HistoryBatch {
    clusters: BTreeSet<Uuid>,
}

/// Deletes what is older than the cluster's `HISTORY_PER_CLUSTER`-th newest row; with
/// fewer rows the bound is NULL and nothing goes.
const TRIM: &str = "DELETE FROM diagnosis WHERE cluster_id = ? AND recorded_at < (\
    SELECT bound.recorded_at FROM (SELECT recorded_at FROM diagnosis WHERE cluster_id = ? \
    ORDER BY recorded_at DESC LIMIT 1 OFFSET ?) AS bound)";

impl ViewBatch for HistoryBatch {
    fn load<'a>(
        &'a mut self,
        _conn: &'a mut MySqlConnection,
        _candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        async { Ok(()) }.boxed()
    }

    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        if let Some(events) = events_of::<Diagnosis>(record.events) {
            for DiagnosisEvent::Recorded(run) in events {
                self.clusters.insert(run.cluster_id);
            }
        }
        Ok(Vec::new())
    }

    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            for cluster_id in &self.clusters {
                sqlx::query(TRIM)
                    .bind(cluster_id)
                    .bind(cluster_id)
                    .bind(HISTORY_PER_CLUSTER - 1)
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(())
        }
        .boxed()
    }
}
