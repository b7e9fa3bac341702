//! The `projected_aggregate` table: each aggregate's version as far as the valid log
//! goes, the input of the validity rule's version check. Shared by every view so they
//! all agree on which batches are valid; it never moves a version backwards.

use std::collections::{BTreeMap, HashMap};

use sqlx::{AssertSqlSafe, MySqlConnection};

/// The current versions of `aggregate_ids` (absent ones were never seen).
pub async fn versions(
    conn: &mut MySqlConnection,
    aggregate_ids: &[String],
) -> sqlx::Result<HashMap<String, u64>> {
    if aggregate_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let select = "SELECT aggregate_id, version FROM projected_aggregate WHERE aggregate_id";
    let versions: Vec<(String, u64)> = platform::db::fetch_in(conn, select, aggregate_ids).await?;
    Ok(versions.into_iter().collect())
}

/// Records every aggregate's new version in one statement.
pub async fn advance_many(
    conn: &mut MySqlConnection,
    advanced: &BTreeMap<String, (String, i32, u64)>,
) -> sqlx::Result<()> {
    if advanced.is_empty() {
        return Ok(());
    }
    let rows = vec!["(?, ?, ?, ?)"; advanced.len()].join(", ");
    let sql = format!(
        "INSERT INTO projected_aggregate (aggregate_id, aggregate_type, partition_id, version) VALUES {rows} \
         ON DUPLICATE KEY UPDATE version = GREATEST(version, VALUES(version))"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for (id, (kind, partition, version)) in advanced {
        query = query.bind(id).bind(kind).bind(*partition).bind(*version);
    }
    query.execute(conn).await?;
    Ok(())
}
