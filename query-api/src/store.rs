//! Reads of any collection: MariaDB queries built from the collection's allow-listed SQL
//! fragments and bound values only, and the Redis representation cache. Nothing here
//! writes: the projector owns every row and every cache entry.

use std::time::Duration;

use deadpool_redis::redis::AsyncCommands;
use sqlx::MySqlPool;
use uuid::Uuid;

use crate::collection::Listed;
use crate::error::QueryError;
use crate::filter::Condition;

/// A cache read that takes longer than this is abandoned for MariaDB.
const CACHE_TIMEOUT: Duration = Duration::from_millis(250);

/// One row by id, from MariaDB (gone rows read as absent).
pub async fn find<R: Listed>(pool: &MySqlPool, id: Uuid) -> Result<Option<R>, QueryError> {
    let c = &R::COLLECTION;
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = ?",
        R::columns(),
        c.table,
        c.id_column
    );
    let row: Option<R> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.filter(|r| !r.is_gone()))
}

/// One row by id from the Redis cache; `None` on a miss or any Redis trouble.
pub async fn cached<R: Listed>(redis: &deadpool_redis::Pool, prefix: &str, id: Uuid) -> Option<R> {
    let key = views::notify::cache_key(prefix, R::COLLECTION.kind, &id.to_string());
    let read = async {
        let mut conn = redis.get().await.ok()?;
        let value: Option<String> = conn.get(&key).await.ok()?;
        value
    };
    let value = tokio::time::timeout(CACHE_TIMEOUT, read)
        .await
        .ok()
        .flatten()?;
    match serde_json::from_str::<R>(&value) {
        Ok(row) => Some(row).filter(|r| !r.is_gone()),
        Err(error) => {
            tracing::warn!(%error, "unreadable cache entry; reading MariaDB");
            None
        }
    }
}

/// Up to `limit` rows matching `condition`, in `order_sql` order.
pub async fn page<R: Listed>(
    pool: &MySqlPool,
    condition: &Condition,
    order_sql: &str,
    limit: u64,
) -> Result<Vec<R>, QueryError> {
    let sql = format!(
        "SELECT {} FROM {} WHERE {} ORDER BY {order_sql} LIMIT {limit}",
        R::columns(),
        R::COLLECTION.table,
        condition.sql
    );
    Ok(
        sqlx::query_as_with::<_, R, _>(sqlx::AssertSqlSafe(sql), condition.arguments()?)
            .fetch_all(pool)
            .await?,
    )
}

/// The number of rows matching `condition`.
pub async fn count<R: Listed>(pool: &MySqlPool, condition: &Condition) -> Result<i64, QueryError> {
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE {}",
        R::COLLECTION.table,
        condition.sql
    );
    Ok(
        sqlx::query_scalar_with::<_, i64, _>(sqlx::AssertSqlSafe(sql), condition.arguments()?)
            .fetch_one(pool)
            .await?,
    )
}
