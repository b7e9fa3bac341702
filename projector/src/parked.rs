//! The `parked_event` table, a sequenced dead-letter: a record that cannot be applied is
//! kept with its reason and raw value, and later records of the same aggregate park
//! behind it. Parking never stops the partition; it never deletes or retries anything.

use std::collections::HashMap;

use platform::db::InSelect;
use sqlx::{AssertSqlSafe, MySqlConnection};

/// Longest aggregate id the table can hold; longer (garbage) keys are not recorded.
const MAX_AGGREGATE_ID: usize = 64;

/// One record to park.
#[derive(Debug, Clone, Copy)]
pub struct ParkedRecord<'a> {
    pub partition: i32,
    pub offset: i64,
    pub aggregate_id: Option<&'a str>,
    /// From the batch header, else the record's `cg-aggregate-type` header.
    pub aggregate_type: Option<&'a str>,
    pub reason: &'a str,
    pub value: Option<&'a [u8]>,
}

/// The id of the first parked record of `aggregate_id`, if it has one.
pub async fn first_for(
    conn: &mut MySqlConnection,
    projection: &str,
    aggregate_id: &str,
) -> sqlx::Result<Option<u64>> {
    let row: Option<(u64,)> = sqlx::query_as(
        "SELECT parked_event_id FROM parked_event WHERE projection = ? AND aggregate_id = ? \
         ORDER BY parked_event_id LIMIT 1",
    )
    .bind(projection)
    .bind(aggregate_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// The first parked record of each of `aggregate_ids` that has one.
pub async fn first_for_many(
    conn: &mut MySqlConnection,
    projection: &str,
    aggregate_ids: &[String],
) -> sqlx::Result<HashMap<String, u64>> {
    if aggregate_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let select = InSelect {
        head: "SELECT aggregate_id, MIN(parked_event_id) FROM parked_event \
               WHERE projection = ? AND aggregate_id",
        scope: &[projection],
        tail: "GROUP BY aggregate_id",
    };
    let first: Vec<(String, u64)> = platform::db::fetch_in(conn, select, aggregate_ids).await?;
    Ok(first.into_iter().collect())
}

/// Parks a record; parking the same position twice keeps the first entry.
pub async fn park(
    conn: &mut MySqlConnection,
    projection: &str,
    record: ParkedRecord<'_>,
) -> sqlx::Result<()> {
    let aggregate_id = record
        .aggregate_id
        .filter(|id| !id.is_empty() && id.len() <= MAX_AGGREGATE_ID);
    sqlx::query(
        "INSERT INTO parked_event \
           (projection, partition_id, record_offset, aggregate_type, aggregate_id, reason, \
            record_value, parked_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) \
         ON DUPLICATE KEY UPDATE parked_event_id = parked_event_id",
    )
    .bind(projection)
    .bind(record.partition)
    .bind(record.offset)
    .bind(
        record
            .aggregate_type
            .filter(|t| t.len() <= MAX_AGGREGATE_ID),
    )
    .bind(aggregate_id)
    .bind(record.reason)
    .bind(record.value)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many records are parked and how long the oldest has waited, in seconds (0 when none).
pub async fn summary(pool: &sqlx::MySqlPool, projection: &str) -> sqlx::Result<(i64, f64)> {
    let (count, oldest): (i64, Option<f64>) = sqlx::query_as(
        "SELECT COUNT(*), \
           CAST(TIMESTAMPDIFF(MICROSECOND, MIN(parked_at), UTC_TIMESTAMP(6)) / 1e6 AS DOUBLE) \
         FROM parked_event WHERE projection = ?",
    )
    .bind(projection)
    .fetch_one(pool)
    .await?;
    Ok((count, oldest.unwrap_or(0.0).max(0.0)))
}

/// A page of parked records of `projection` after `after_id`, oldest first.
pub async fn list(
    pool: &sqlx::MySqlPool,
    projection: &str,
    after_id: u64,
    limit: u32,
) -> sqlx::Result<Vec<views::parked::ParkedEventRow>> {
    let sql = format!(
        "SELECT {} FROM parked_event p WHERE p.projection = ? AND p.parked_event_id > ? \
         ORDER BY p.parked_event_id LIMIT ?",
        views::parked::SELECT
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(projection)
        .bind(after_id)
        .bind(limit)
        .fetch_all(pool)
        .await
}
