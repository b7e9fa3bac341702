//! The `droplet` view: the row is the aggregate state itself, so it is folded with
//! `domain`'s own `evolve` (one fold everywhere) and written guarded by version. It must
//! never move a row backwards or interpret an event differently from the command side.

use domain::Aggregate;
use domain::droplet::{Droplet, DropletEvent};
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::droplet::{COLUMNS, DropletRow};

use crate::error::RecordError;

/// Rows per statement when writing; keeps statements well under `max_allowed_packet`.
const CHUNK: usize = 200;

/// Folds `events` onto `state`, which must stand at `from_version`.
pub fn fold(
    state: Droplet,
    from_version: u64,
    events: &[DropletEvent],
) -> Result<Droplet, RecordError> {
    if state.version() != from_version {
        let at = state.version();
        return Err(RecordError::park(format!(
            "droplet row is at version {at}, the batch starts at {from_version}"
        )));
    }
    let state = events.iter().fold(state, Droplet::evolve);
    if !state.exists() {
        return Err(RecordError::park("the events do not create the droplet"));
    }
    Ok(state)
}

/// The stored rows of `ids` that exist.
pub async fn load_many(conn: &mut MySqlConnection, ids: &[Uuid]) -> sqlx::Result<Vec<DropletRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = platform::db::placeholders(ids.len());
    let sql = format!("SELECT {COLUMNS} FROM droplet WHERE droplet_id IN ({marks})");
    let mut query = sqlx::query_as(AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(conn).await
}

/// Inserts or updates rows; an update only takes effect for a higher version. `version`
/// is assigned last because MySQL evaluates the assignments left to right.
pub async fn upsert_many<'a>(
    conn: &mut MySqlConnection,
    states: impl Iterator<Item = &'a Droplet>,
) -> sqlx::Result<()> {
    let rows: Vec<DropletRow> = states.filter_map(DropletRow::from_state).collect();
    for chunk in rows.chunks(CHUNK) {
        let mut query = sqlx::query(AssertSqlSafe(upsert_sql(chunk.len())));
        for row in chunk {
            query = row.bind_columns(query);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

fn upsert_sql(rows: usize) -> String {
    let columns: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let one_row = format!("({})", platform::db::placeholders(columns.len()));
    let updates: Vec<String> = columns
        .iter()
        .filter(|c| !matches!(**c, "droplet_id" | "version"))
        .map(|c| format!("{c} = IF(VALUES(version) > version, VALUES({c}), {c})"))
        .chain(["version = GREATEST(version, VALUES(version))".to_owned()])
        .collect();
    format!(
        "INSERT INTO droplet ({COLUMNS}) VALUES {} ON DUPLICATE KEY UPDATE {}",
        vec![one_row; rows].join(", "),
        updates.join(", ")
    )
}

/// The stored row of one droplet, if it exists.
pub async fn load(conn: &mut MySqlConnection, id: Uuid) -> sqlx::Result<Option<DropletRow>> {
    Ok(load_many(conn, &[id]).await?.pop())
}
