//! Reads of the droplet read model: MariaDB queries and the Redis representation cache.
//! Queries are built from allow-listed SQL fragments and bound values only. Nothing here
//! writes: the projector owns every row and every cache entry.

use std::time::Duration;

use anyhow::Context;
use deadpool_redis::redis::AsyncCommands;
use sqlx::MySqlPool;
use uuid::Uuid;
use views::droplet::{COLUMNS, DropletRow};

use crate::filter::Condition;

/// A cache read that takes longer than this is abandoned for MariaDB.
const CACHE_TIMEOUT: Duration = Duration::from_millis(250);

/// One droplet by id, from MariaDB.
pub async fn find(pool: &MySqlPool, id: Uuid) -> anyhow::Result<Option<DropletRow>> {
    let sql = format!("SELECT {COLUMNS} FROM droplet WHERE droplet_id = ?");
    sqlx::query_as::<_, DropletRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await
        .context("Failed to read a droplet")
}

/// One droplet by id from the Redis cache; `None` on a miss or any Redis trouble.
pub async fn cached(redis: &deadpool_redis::Pool, prefix: &str, id: Uuid) -> Option<DropletRow> {
    let key = views::notify::cache_key(prefix, "droplet", &id.to_string());
    let read = async {
        let mut conn = redis.get().await.ok()?;
        let value: Option<String> = conn.get(&key).await.ok()?;
        value
    };
    let value = tokio::time::timeout(CACHE_TIMEOUT, read)
        .await
        .ok()
        .flatten()?;
    match serde_json::from_str(&value) {
        Ok(row) => Some(row),
        Err(error) => {
            tracing::warn!(%error, "unreadable droplet cache entry; reading MariaDB");
            None
        }
    }
}

/// Up to `limit` rows matching `condition`, in `order_sql` order.
pub async fn page(
    pool: &MySqlPool,
    condition: &Condition,
    order_sql: &str,
    limit: u64,
) -> anyhow::Result<Vec<DropletRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM droplet WHERE {} ORDER BY {order_sql} LIMIT {limit}",
        condition.sql
    );
    sqlx::query_as_with::<_, DropletRow, _>(sqlx::AssertSqlSafe(sql), condition.arguments()?)
        .fetch_all(pool)
        .await
        .context("Failed to list droplets")
}

/// The number of rows matching `condition`.
pub async fn count(pool: &MySqlPool, condition: &Condition) -> anyhow::Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM droplet WHERE {}", condition.sql);
    sqlx::query_scalar_with::<_, i64, _>(sqlx::AssertSqlSafe(sql), condition.arguments()?)
        .fetch_one(pool)
        .await
        .context("Failed to count droplets")
}
