//! `StateView<R>`: the read model whose row is an aggregate's state (droplets, clusters),
//! for any `R: StateRow`. It folds with the domain's own `evolve` (one fold everywhere)
//! onto the stored row and writes rows guarded by version. It must never move a row
//! backwards or interpret an event differently from the command side.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use domain::Aggregate;
use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::StateRow;
use views::row::column_list;

use super::{Applicable, Candidate, View, ViewBatch, stored_ids};
use crate::error::RecordError;
use crate::kinds::events_of;
use crate::project::Change;

/// Rows per statement when writing; keeps statements well under `max_allowed_packet`.
const CHUNK: usize = 200;

pub struct StateView<R>(PhantomData<fn() -> R>);

impl<R> Default for StateView<R> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<R: StateRow> View for StateView<R> {
    fn name(&self) -> &'static str {
        R::TABLE
    }

    fn owns(&self, aggregate_type: &str) -> bool {
        aggregate_type == R::State::NAME
    }

    fn begin(&self) -> Box<dyn ViewBatch> {
        Box::new(StateBatch::<R> {
            states: HashMap::new(),
            changed: BTreeMap::new(),
        })
    }
}

struct StateBatch<R: StateRow> {
    /// Stored (or already folded) states; `Err` for a row that cannot be read back.
    states: HashMap<Uuid, Result<R::State, String>>,
    changed: BTreeMap<Uuid, R>,
}

impl<R: StateRow> ViewBatch for StateBatch<R> {
    fn load<'a>(
        &'a mut self,
        conn: &'a mut MySqlConnection,
        candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let ids = stored_ids(candidates, R::State::NAME);
            for row in load_many::<R>(conn, &ids).await? {
                self.states.insert(row.id(), row.to_state());
            }
            Ok(())
        }
        .boxed()
    }

    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        let header = record.header;
        if header.aggregate_type != R::State::NAME {
            return Ok(Vec::new());
        }
        let id = header.aggregate_id;
        let state = match self.states.get(&id) {
            Some(Ok(state)) => state.clone(),
            Some(Err(reason)) => return Err(RecordError::park(reason)),
            None => R::State::default(),
        };
        if state.version() != header.from_version {
            return Err(RecordError::park(format!(
                "{} row is at version {}, the batch starts at {}",
                R::TABLE,
                state.version(),
                header.from_version
            )));
        }
        let events = events_of::<R::State>(record.events)
            .ok_or_else(|| RecordError::park("the events are of another aggregate type"))?;
        let state = events.iter().fold(state, R::State::evolve);
        let row = R::from_state(&state).ok_or_else(|| {
            RecordError::park(format!("the events do not create the {}", R::TABLE))
        })?;
        let change = Change {
            kind: R::State::NAME,
            id: id.to_string(),
            version: state.version(),
            json: serde_json::to_string(&row).map_err(RecordError::park)?,
        };
        self.states.insert(id, Ok(state));
        self.changed.insert(id, row);
        Ok(vec![change])
    }

    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let rows: Vec<&R> = self.changed.values().collect();
            for chunk in rows.chunks(CHUNK) {
                let sql = upsert_sql::<R>(chunk.len());
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

/// The stored rows of `ids` that exist.
pub async fn load_many<R: StateRow>(
    conn: &mut MySqlConnection,
    ids: &[Uuid],
) -> sqlx::Result<Vec<R>> {
    let select = format!(
        "SELECT {} FROM {} WHERE {}",
        column_list::<R>(),
        R::TABLE,
        R::ID_COLUMN
    );
    platform::db::fetch_in(conn, &select, ids).await
}

/// The stored row of one aggregate, if it exists.
pub async fn load<R: StateRow>(conn: &mut MySqlConnection, id: Uuid) -> sqlx::Result<Option<R>> {
    Ok(load_many::<R>(conn, &[id]).await?.pop())
}

/// `INSERT … ON DUPLICATE KEY UPDATE` where an update only takes effect for a higher
/// version. `version` is assigned last because MySQL evaluates assignments in order.
fn upsert_sql<R: StateRow>(rows: usize) -> String {
    let one_row = format!("({})", platform::db::placeholders(R::COLUMNS.len()));
    let updates: Vec<String> = R::COLUMNS
        .iter()
        .filter(|c| **c != R::ID_COLUMN && **c != "version")
        .map(|c| format!("{c} = IF(VALUES(version) > version, VALUES({c}), {c})"))
        .chain(["version = GREATEST(version, VALUES(version))".to_owned()])
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES {} ON DUPLICATE KEY UPDATE {}",
        R::TABLE,
        column_list::<R>(),
        vec![one_row; rows].join(", "),
        updates.join(", ")
    )
}
