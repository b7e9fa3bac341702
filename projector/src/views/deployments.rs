//! The deployment view (table `deployment`): one row per deployment, each folded through
//! the domain's `evolve` on a one-deployment ledger — a deployment's state is a fold of
//! its own events only — so rows equal the write model's deployments. It owns the
//! `deployments` aggregate type (there is no per-cluster state row): a row that cannot be
//! read back, or an event about a deployment it has no row for, parks the record.

use std::collections::{BTreeMap, BTreeSet};

use domain::Aggregate;
use domain::deployment::{DeploymentEvent, Deployments};
use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::deployment::row::{COLUMNS, DeploymentRow};

use super::{Applicable, Candidate, View, ViewBatch, stored_ids};
use crate::error::RecordError;
use crate::kinds::events_of;
use crate::project::Change;

const CHUNK: usize = 200;

pub struct DeploymentView;

impl View for DeploymentView {
    fn name(&self) -> &'static str {
        "deployment"
    }

    fn owns(&self, aggregate_type: &str) -> bool {
        aggregate_type == Deployments::NAME
    }

    fn begin(&self) -> Box<dyn ViewBatch> {
        Box::new(DeploymentBatch::default())
    }
}

#[derive(Default)]
struct DeploymentBatch {
    rows: BTreeMap<Uuid, DeploymentRow>,
    changed: BTreeSet<Uuid>,
}

impl ViewBatch for DeploymentBatch {
    fn load<'a>(
        &'a mut self,
        conn: &'a mut MySqlConnection,
        candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let ledgers = stored_ids(candidates, Deployments::NAME);
            let select = format!(
                "SELECT {} FROM deployment WHERE ledger_id",
                COLUMNS.join(", ")
            );
            let rows: Vec<DeploymentRow> = platform::db::fetch_in(conn, &select, &ledgers).await?;
            for row in rows {
                self.rows.insert(row.deployment_id, row);
            }
            Ok(())
        }
        .boxed()
    }

    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        let Some(events) = events_of::<Deployments>(record.events) else {
            return Ok(Vec::new());
        };
        // Fold into copies first: a refused record changes nothing.
        let mut folded: BTreeMap<Uuid, Deployments> = BTreeMap::new();
        for event in events {
            let id = event.deployment_id();
            let ledger = match (folded.remove(&id), self.rows.get(&id), event) {
                (Some(ledger), _, _) => ledger,
                (None, Some(row), _) => row.to_ledger().map_err(RecordError::park)?,
                (None, None, DeploymentEvent::Started(_)) => Deployments::default(),
                (None, None, _) => {
                    return Err(RecordError::park(format!("no deployment {id} to apply to")));
                }
            };
            folded.insert(id, ledger.evolve(event));
        }
        for (id, ledger) in folded {
            let deployment = ledger
                .get(id)
                .ok_or_else(|| RecordError::park(format!("deployment {id} did not fold")))?;
            self.rows
                .insert(id, DeploymentRow::from_ledger(&ledger, deployment));
            self.changed.insert(id);
        }
        Ok(Vec::new())
    }

    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let changed: Vec<&DeploymentRow> = self
                .changed
                .iter()
                .filter_map(|id| self.rows.get(id))
                .collect();
            let updates: Vec<String> = COLUMNS
                .iter()
                .skip(1)
                .map(|c| format!("{c} = VALUES({c})"))
                .collect();
            for chunk in changed.chunks(CHUNK) {
                let sql = format!(
                    "INSERT INTO deployment ({}) VALUES {} ON DUPLICATE KEY UPDATE {}",
                    COLUMNS.join(", "),
                    views::row::value_rows(COLUMNS.len(), chunk.len()),
                    updates.join(", "),
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
