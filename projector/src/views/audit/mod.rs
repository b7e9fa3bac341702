//! The audit view (`audit_event`): one row per event of every aggregate type, with the
//! record's header facts (command, principal, owner, position in the log) and a bounded
//! summary (`summary.rs`) that the aggregate's registration in `kinds.rs` renders. Append-only and keyed by event id, so a replayed record
//! writes nothing new; it never refuses a record and never reads another view.

pub(crate) mod summary;

use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{AssertSqlSafe, MySqlConnection};
use views::audit::{AuditEventRow, COLUMNS, event_position};

use super::{Applicable, Candidate, View, ViewBatch};
use crate::error::RecordError;
use crate::project::Change;

/// Rows per `INSERT` statement.
const CHUNK: usize = 200;

pub struct AuditView;

impl View for AuditView {
    fn name(&self) -> &'static str {
        "audit_event"
    }

    fn owns(&self, _aggregate_type: &str) -> bool {
        false
    }

    fn begin(&self) -> Box<dyn ViewBatch> {
        Box::new(AuditBatch::default())
    }
}

#[derive(Default)]
struct AuditBatch {
    rows: Vec<AuditEventRow>,
}

impl ViewBatch for AuditBatch {
    fn load<'a>(
        &'a mut self,
        _conn: &'a mut MySqlConnection,
        _candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        async { Ok(()) }.boxed()
    }

    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        self.rows.extend(rows_of(record));
        Ok(Vec::new())
    }

    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            for chunk in self.rows.chunks(CHUNK) {
                let sql = format!(
                    "INSERT IGNORE INTO audit_event ({}) VALUES {}",
                    COLUMNS.join(", "),
                    views::row::value_rows(COLUMNS.len(), chunk.len())
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

/// The audit rows of one valid record: one per event, in order. Public so `make bench`'s
/// catch-up baseline writes exactly the rows projecting a record writes.
pub fn rows_of(record: &Applicable<'_>) -> Vec<AuditEventRow> {
    let header = record.header;
    let owner = if header.owner.is_empty() {
        &header.principal
    } else {
        &header.owner
    };
    let summaries = record
        .kind
        .summaries(record.events, header.aggregate_id, &header.principal);
    record
        .raw_events
        .iter()
        .enumerate()
        .map(|(index, raw)| AuditEventRow {
            event_id: record.event_ids.get(index).copied().unwrap_or(raw.event_id),
            aggregate_type: header.aggregate_type.clone(),
            aggregate_id: header.aggregate_id,
            event_type: raw.event_type.clone(),
            schema_version: raw.schema_version,
            aggregate_version: header.from_version + index as u64 + 1,
            partition_id: record.partition,
            log_offset: record.offset,
            stream_position: event_position(record.offset, index),
            command_name: header.command_name.clone(),
            principal: header.principal.clone(),
            owner: owner.clone(),
            correlation_id: header.correlation_id.clone(),
            recorded_at: header.recorded_at,
            summary: summaries.get(index).cloned().unwrap_or_else(|| "{}".into()),
        })
        .collect()
}
