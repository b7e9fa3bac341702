//! The `operation` view: folds the operation facts a valid record's events state into
//! one row per operation (`views::operation::OperationRow::apply`, the same fold the
//! command side uses for its 202 snapshots). It never refuses a record.

use std::collections::{BTreeMap, HashMap};

use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::operation::{COLUMNS, OperationRow};

use super::{Applicable, Candidate, View, ViewBatch};
use crate::error::RecordError;
use crate::project::Change;

pub struct OperationView;

impl View for OperationView {
    fn name(&self) -> &'static str {
        "operation"
    }

    fn owns(&self, _aggregate_type: &str) -> bool {
        false
    }

    fn begin(&self) -> Box<dyn ViewBatch> {
        Box::new(OperationBatch::default())
    }
}

#[derive(Default)]
struct OperationBatch {
    rows: HashMap<Uuid, OperationRow>,
    changed: BTreeMap<Uuid, OperationRow>,
}

impl ViewBatch for OperationBatch {
    fn load<'a>(
        &'a mut self,
        conn: &'a mut MySqlConnection,
        candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let mut ids: Vec<Uuid> = candidates
                .iter()
                .flat_map(|c| c.operation_ids.iter().copied())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            for row in load_many(conn, &ids).await? {
                self.rows.insert(row.operation_id, row);
            }
            Ok(())
        }
        .boxed()
    }

    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        let header = record.header;
        let owner = if header.owner.is_empty() {
            &header.principal
        } else {
            &header.owner
        };
        let mut changes = Vec::new();
        for fact in record.facts {
            let current = self.rows.remove(&fact.operation_id);
            let Some(row) = OperationRow::apply(current, fact, owner) else {
                continue;
            };
            changes.push(Change {
                kind: "operation",
                id: row.operation_id.to_string(),
                version: row.version,
                json: serde_json::to_string(&row).map_err(RecordError::park)?,
            });
            self.changed.insert(row.operation_id, row.clone());
            self.rows.insert(row.operation_id, row);
        }
        Ok(changes)
    }

    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let rows: Vec<&OperationRow> = self.changed.values().collect();
            for chunk in rows.chunks(200) {
                let mut query = sqlx::query(AssertSqlSafe(upsert_sql(chunk.len())));
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

pub async fn load_many(
    conn: &mut MySqlConnection,
    ids: &[Uuid],
) -> sqlx::Result<Vec<OperationRow>> {
    let select = format!(
        "SELECT {} FROM operation WHERE operation_id",
        COLUMNS.join(", ")
    );
    platform::db::fetch_in(conn, &select, ids).await
}

fn upsert_sql(rows: usize) -> String {
    let one_row = format!("({})", platform::db::placeholders(COLUMNS.len()));
    let updates: Vec<String> = COLUMNS
        .iter()
        .filter(|c| !matches!(**c, "operation_id" | "version"))
        .map(|c| format!("{c} = IF(VALUES(version) > version, VALUES({c}), {c})"))
        .chain(["version = GREATEST(version, VALUES(version))".to_owned()])
        .collect();
    format!(
        "INSERT INTO operation ({}) VALUES {} ON DUPLICATE KEY UPDATE {}",
        COLUMNS.join(", "),
        vec![one_row; rows].join(", "),
        updates.join(", ")
    )
}
