//! Releasing parked records (the CLI's `parked retry` and `parked skip`): a parked record
//! and the records of its aggregate queued behind it are taken out of `parked_event` and
//! fed, in their original order, through the very same `project()` as the live path, in
//! one transaction that holds the partition's checkpoint row (so the live lane waits).
//! A record that still cannot be applied is parked again, never dropped; a skip is
//! recorded in `parked_event_skip` (who, why, when, the raw record) before it releases
//! the records behind it. Only the first parked record of an aggregate can be released.

use platform::kafka::LogEntry;
use sqlx::{MySqlConnection, MySqlPool};

use crate::batch::Target;
use crate::checkpoint::{self, Checkpoint};
use crate::project::{Outcome, project};
use crate::workspace::{Decoded, Workspace};

/// What became of one released record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Released {
    pub partition: i32,
    pub offset: i64,
    /// `applied`, `ignored` or `parked`.
    pub outcome: &'static str,
    /// Why it was ignored or parked again.
    pub detail: Option<String>,
}

/// Who skipped a record, and why.
#[derive(Debug, Clone)]
pub struct Skip<'a> {
    pub by: &'a str,
    pub reason: &'a str,
}

/// Why a release was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("there is no parked record {0}")]
    NotFound(u64),
    #[error("parked record {id} is queued behind parked record {first}; release that one first")]
    NotFirst { id: u64, first: u64 },
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Re-applies parked record `id` and the records queued behind it.
pub async fn retry(
    pool: &MySqlPool,
    target: Target<'_>,
    id: u64,
) -> Result<Vec<Released>, ReleaseError> {
    release(pool, target, id, None).await
}

/// Records that parked record `id` is skipped, then re-applies the records queued
/// behind it (which may now be ignored by the validity rule: a skipped batch leaves a
/// hole in its aggregate's versions, and the report says so).
pub async fn skip(
    pool: &MySqlPool,
    target: Target<'_>,
    id: u64,
    skip: Skip<'_>,
) -> Result<Vec<Released>, ReleaseError> {
    release(pool, target, id, Some(skip)).await
}

/// `(id, partition, offset, aggregate id, aggregate type, value)`.
type ParkedRow = (
    u64,
    i32,
    i64,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
);

async fn release(
    pool: &MySqlPool,
    target: Target<'_>,
    id: u64,
    skip: Option<Skip<'_>>,
) -> Result<Vec<Released>, ReleaseError> {
    let name = target.name;
    let mut tx = pool.begin().await?;
    let (_, partition, _, aggregate, _, _) = locate(&mut tx, name, id).await?;
    // Hold the partition's checkpoint row first, as every live batch does: no deadlock,
    // and the lane cannot interleave with the release.
    let mut checkpoint = checkpoint::lock(&mut tx, name, partition).await?;
    let rows = queue(&mut tx, name, id, aggregate.as_deref()).await?;
    if let Some(first) = rows.first().map(|r| r.0).filter(|first| *first != id) {
        return Err(ReleaseError::NotFirst { id, first });
    }
    if let Some(skip) = &skip {
        record_skip(&mut tx, id, skip).await?;
    }
    delete(&mut tx, &rows).await?;
    let entries: Vec<LogEntry> = rows
        .iter()
        .filter(|row| skip.is_none() || row.0 != id)
        .map(entry)
        .collect();
    let released = reapply(&mut tx, target, &mut checkpoint, &entries).await?;
    checkpoint::save(&mut tx, name, partition, &checkpoint).await?;
    tx.commit().await?;
    Ok(released)
}

async fn locate(
    conn: &mut MySqlConnection,
    name: &str,
    id: u64,
) -> Result<ParkedRow, ReleaseError> {
    sqlx::query_as(
        "SELECT parked_event_id, partition_id, record_offset, aggregate_id, aggregate_type, record_value \
         FROM parked_event WHERE projection = ? AND parked_event_id = ?",
    )
    .bind(name)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(ReleaseError::NotFound(id))
}

/// The parked records of `aggregate` in order (just `id` when the record has none).
async fn queue(
    conn: &mut MySqlConnection,
    name: &str,
    id: u64,
    aggregate: Option<&str>,
) -> sqlx::Result<Vec<ParkedRow>> {
    let select = "SELECT parked_event_id, partition_id, record_offset, aggregate_id, aggregate_type, record_value \
                  FROM parked_event WHERE projection = ? AND ";
    match aggregate {
        Some(aggregate) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{select} aggregate_id = ? ORDER BY parked_event_id FOR UPDATE"
            )))
            .bind(name)
            .bind(aggregate)
            .fetch_all(conn)
            .await
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{select} parked_event_id = ? FOR UPDATE"
            )))
            .bind(name)
            .bind(id)
            .fetch_all(conn)
            .await
        }
    }
}

async fn record_skip(conn: &mut MySqlConnection, id: u64, skip: &Skip<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO parked_event_skip \
           (parked_event_id, projection, partition_id, record_offset, aggregate_id, \
            parked_reason, record_value, parked_at, skipped_by, skip_reason, skipped_at) \
         SELECT parked_event_id, projection, partition_id, record_offset, aggregate_id, \
            reason, record_value, parked_at, ?, ?, UTC_TIMESTAMP(6) \
         FROM parked_event WHERE parked_event_id = ?",
    )
    .bind(skip.by)
    .bind(skip.reason)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

async fn delete(conn: &mut MySqlConnection, rows: &[ParkedRow]) -> sqlx::Result<()> {
    for row in rows {
        sqlx::query("DELETE FROM parked_event WHERE parked_event_id = ?")
            .bind(row.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A parked row as the reader delivered it (its key is the aggregate id it was parked under).
fn entry(row: &ParkedRow) -> LogEntry {
    LogEntry {
        partition: row.1,
        offset: row.2,
        key: row.3.as_ref().map(|id| id.as_bytes().to_vec()),
        value: row.5.clone(),
        headers: row
            .4
            .iter()
            .map(|t| ("cg-aggregate-type".to_owned(), t.as_bytes().to_vec()))
            .collect(),
        timestamp_ms: None,
    }
}

async fn reapply(
    conn: &mut MySqlConnection,
    target: Target<'_>,
    checkpoint: &mut Checkpoint,
    entries: &[LogEntry],
) -> sqlx::Result<Vec<Released>> {
    let decoded: Vec<Decoded<'_>> = entries
        .iter()
        .map(|e| Decoded::new(e, &target.projection.kinds))
        .collect();
    let mut ws = Workspace::load(&mut *conn, target.projection, target.name, &decoded).await?;
    let mut released = Vec::with_capacity(decoded.len());
    for record in &decoded {
        let outcome = project(&mut *conn, target.name, &mut ws, checkpoint, record).await?;
        let (outcome, detail) = match outcome {
            Outcome::Applied(_) => ("applied", None),
            Outcome::Ignored(why) => ("ignored", Some(format!("{why:?}"))),
            Outcome::Parked(why) => ("parked", Some(why)),
        };
        released.push(Released {
            partition: record.entry.partition,
            offset: record.entry.offset,
            outcome,
            detail,
        });
    }
    ws.flush(conn).await?;
    Ok(released)
}
