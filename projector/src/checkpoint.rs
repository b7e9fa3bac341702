//! The `projection_checkpoint` table: where a projection stands in each partition and
//! which writer claim was valid there. It is written only inside the batch transaction,
//! together with the rows the batch produced, never on its own.

use std::collections::HashMap;

use domain::log_validity::WriterClaim;
use sqlx::{MySqlConnection, MySqlPool};

/// The state of one partition as far as the projection has applied it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checkpoint {
    /// Every record below this offset is applied, ignored or parked.
    pub next_offset: i64,
    /// The current valid writer claim of the partition, if one was seen.
    pub claim: Option<WriterClaim>,
}

/// Loads and locks a partition's checkpoint; a missing one is the start of the log.
pub async fn lock(
    conn: &mut MySqlConnection,
    projection: &str,
    partition: i32,
) -> sqlx::Result<Checkpoint> {
    let row: Option<(i64, Option<u64>, Option<String>)> = sqlx::query_as(
        "SELECT next_offset, claim_epoch, claim_writer FROM projection_checkpoint \
         WHERE projection = ? AND partition_id = ? FOR UPDATE",
    )
    .bind(projection)
    .bind(partition)
    .fetch_optional(conn)
    .await?;
    Ok(
        row.map_or_else(Checkpoint::default, |(next_offset, epoch, writer)| {
            let claim = epoch
                .zip(writer)
                .map(|(epoch, writer_id)| WriterClaim { epoch, writer_id });
            Checkpoint { next_offset, claim }
        }),
    )
}

/// Stores a partition's checkpoint.
pub async fn save(
    conn: &mut MySqlConnection,
    projection: &str,
    partition: i32,
    checkpoint: &Checkpoint,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO projection_checkpoint \
           (projection, partition_id, next_offset, claim_epoch, claim_writer, updated_at) \
         VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) \
         ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset), \
           claim_epoch = VALUES(claim_epoch), claim_writer = VALUES(claim_writer), \
           updated_at = VALUES(updated_at)",
    )
    .bind(projection)
    .bind(partition)
    .bind(checkpoint.next_offset)
    .bind(checkpoint.claim.as_ref().map(|c| c.epoch))
    .bind(checkpoint.claim.as_ref().map(|c| c.writer_id.as_str()))
    .execute(conn)
    .await?;
    Ok(())
}

/// `next_offset` of every partition the projection has a checkpoint for.
pub async fn all(pool: &MySqlPool, projection: &str) -> sqlx::Result<HashMap<i32, i64>> {
    let rows: Vec<(i32, i64)> = sqlx::query_as(
        "SELECT partition_id, next_offset FROM projection_checkpoint WHERE projection = ?",
    )
    .bind(projection)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}
