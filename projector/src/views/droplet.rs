//! The `droplet` view: the row is the aggregate state itself, so it is folded with
//! `domain`'s own `evolve` (one fold everywhere) and written guarded by version. It must
//! never move a row backwards or interpret an event differently from the command side.

use domain::Aggregate;
use domain::droplet::{Droplet, DropletEvent};
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::droplet::{COLUMNS, DropletRow};

use crate::error::RecordError;

/// Folds `events` onto the stored droplet `id` at `from_version` and writes the new row.
pub async fn apply(
    conn: &mut MySqlConnection,
    id: Uuid,
    from_version: u64,
    events: &[DropletEvent],
) -> Result<DropletRow, RecordError> {
    let state = match load(&mut *conn, id).await? {
        Some(row) => row.to_state().map_err(RecordError::park)?,
        None => Droplet::default(),
    };
    if state.version() != from_version {
        return Err(RecordError::park(format!(
            "droplet row is at version {}, the batch starts at {from_version}",
            state.version()
        )));
    }
    let state = events.iter().fold(state, Droplet::evolve);
    let row = DropletRow::from_state(&state)
        .ok_or_else(|| RecordError::park("the events do not create the droplet"))?;
    upsert(conn, &row).await?;
    Ok(row)
}

pub async fn load(conn: &mut MySqlConnection, id: Uuid) -> sqlx::Result<Option<DropletRow>> {
    let sql = format!("SELECT {COLUMNS} FROM droplet WHERE droplet_id = ?");
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Inserts or updates a row; an update only takes effect for a higher version. `version`
/// is assigned last because MySQL evaluates the assignments left to right.
pub async fn upsert(conn: &mut MySqlConnection, row: &DropletRow) -> sqlx::Result<()> {
    let columns: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let placeholders = vec!["?"; columns.len()].join(", ");
    let updates: Vec<String> = columns
        .iter()
        .filter(|c| !matches!(**c, "droplet_id" | "version"))
        .map(|c| format!("{c} = IF(VALUES(version) > version, VALUES({c}), {c})"))
        .chain(["version = GREATEST(version, VALUES(version))".to_owned()])
        .collect();
    let sql = format!(
        "INSERT INTO droplet ({COLUMNS}) VALUES ({placeholders}) ON DUPLICATE KEY UPDATE {}",
        updates.join(", ")
    );
    row.bind_columns(sqlx::query(AssertSqlSafe(sql)))
        .execute(conn)
        .await?;
    Ok(())
}
