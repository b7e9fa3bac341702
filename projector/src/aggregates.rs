//! The `projected_aggregate` table: each aggregate's version as far as the valid log
//! goes, the input of the validity rule's version check. Shared by every view so they
//! all agree on which batches are valid; it never moves a version backwards.

use sqlx::MySqlConnection;

/// The aggregate's current version; 0 for one never seen.
pub async fn version(conn: &mut MySqlConnection, aggregate_id: &str) -> sqlx::Result<u64> {
    let row: Option<(u64,)> =
        sqlx::query_as("SELECT version FROM projected_aggregate WHERE aggregate_id = ?")
            .bind(aggregate_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map_or(0, |(version,)| version))
}

/// Records that the aggregate reached `version`.
pub async fn advance(
    conn: &mut MySqlConnection,
    aggregate_id: &str,
    aggregate_type: &str,
    partition: i32,
    version: u64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO projected_aggregate (aggregate_id, aggregate_type, partition_id, version) \
         VALUES (?, ?, ?, ?) \
         ON DUPLICATE KEY UPDATE version = GREATEST(version, VALUES(version))",
    )
    .bind(aggregate_id)
    .bind(aggregate_type)
    .bind(partition)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(())
}
