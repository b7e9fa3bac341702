//! The `projection_checkpoint` table: where a projection stands in each partition and
//! which writer claim was valid there. It is written only inside the batch transaction,
//! together with the rows the batch produced, never on its own.

use std::collections::HashMap;

use domain::log_validity::WriterClaim;
use platform::db::InSelect;
use sqlx::{AssertSqlSafe, MySqlConnection, MySqlPool};

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
    let mut one = lock_many(conn, projection, &[partition]).await?;
    Ok(one.pop().unwrap_or_default())
}

/// Loads and locks the checkpoints of `partitions` with one statement, in the order
/// given; a missing one is the start of the log.
pub async fn lock_many(
    conn: &mut MySqlConnection,
    projection: &str,
    partitions: &[i32],
) -> sqlx::Result<Vec<Checkpoint>> {
    if partitions.is_empty() {
        return Ok(Vec::new());
    }
    let select = InSelect {
        head: "SELECT partition_id, next_offset, claim_epoch, claim_writer \
               FROM projection_checkpoint WHERE projection = ? AND partition_id",
        scope: &[projection],
        tail: "FOR UPDATE",
    };
    let rows: Vec<(i32, i64, Option<u64>, Option<String>)> =
        platform::db::fetch_in(conn, select, partitions).await?;
    let mut found: HashMap<i32, Checkpoint> = rows
        .into_iter()
        .map(|(partition, next_offset, epoch, writer)| {
            let claim = epoch
                .zip(writer)
                .map(|(epoch, writer_id)| WriterClaim { epoch, writer_id });
            (partition, Checkpoint { next_offset, claim })
        })
        .collect();
    Ok(partitions
        .iter()
        .map(|p| found.remove(p).unwrap_or_default())
        .collect())
}

/// Stores a partition's checkpoint.
pub async fn save(
    conn: &mut MySqlConnection,
    projection: &str,
    partition: i32,
    checkpoint: &Checkpoint,
) -> sqlx::Result<()> {
    save_many(conn, projection, &[(partition, checkpoint)]).await
}

/// Stores the checkpoints of several partitions with one statement.
pub async fn save_many(
    conn: &mut MySqlConnection,
    projection: &str,
    checkpoints: &[(i32, &Checkpoint)],
) -> sqlx::Result<()> {
    if checkpoints.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO projection_checkpoint \
           (projection, partition_id, next_offset, claim_epoch, claim_writer, updated_at) \
         VALUES {} \
         ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset), \
           claim_epoch = VALUES(claim_epoch), claim_writer = VALUES(claim_writer), \
           updated_at = VALUES(updated_at)",
        vec!["(?, ?, ?, ?, ?, UTC_TIMESTAMP(6))"; checkpoints.len()].join(", ")
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for (partition, checkpoint) in checkpoints {
        query = query
            .bind(projection)
            .bind(*partition)
            .bind(checkpoint.next_offset)
            .bind(checkpoint.claim.as_ref().map(|c| c.epoch))
            .bind(checkpoint.claim.as_ref().map(|c| c.writer_id.as_str()));
    }
    query.execute(conn).await?;
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
