//! Reads of any collection: MariaDB queries built from the collection's allow-listed SQL
//! fragments and bound values only, and the Redis representation cache. Nothing here
//! writes: the projector owns every row and every cache entry.

use std::time::{Duration, Instant};

use deadpool_redis::redis::AsyncCommands;
use sqlx::MySqlPool;
use uuid::Uuid;

use crate::collection::Listed;
use crate::error::QueryError;
use crate::filter::Condition;
use crate::totals::{Position, Totals};

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
pub async fn cached<R: Listed>(redis: &platform::redis::Pool, prefix: &str, id: Uuid) -> Option<R> {
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

/// One page of a list: up to `limit` rows of `page` in `order_sql` order, and the total
/// of rows `matching` the filter, read in one snapshot so the two agree. For a collection
/// only the projector writes (`cached`: rows it also caches in Redis), the snapshot's
/// read-model position is read first and the total counted only when `totals` holds
/// none for that position; other collections count on every page.
pub async fn page_and_total<R: Listed>(
    pool: &MySqlPool,
    totals: &Totals,
    list: PageQuery<'_>,
) -> Result<(Vec<R>, i64), QueryError> {
    let table = R::COLLECTION.table;
    // The pool's sessions are REPEATABLE READ (`connect_repeatable_read`): the first read
    // fixes the snapshot every later one sees, so the position read first names the rows
    // counted and paged after it.
    let mut tx = pool.begin().await?;
    let now = Instant::now();
    let position: Option<Position> = if R::COLLECTION.cached {
        Some(sqlx::query_as(CHECKPOINTS).fetch_all(&mut *tx).await?)
    } else {
        None
    };
    let total = match position {
        Some(at) => {
            totals
                .total(table, list.matching, at, now, || {
                    count(&mut tx, table, list.matching)
                })
                .await?
        }
        None => count(&mut tx, table, list.matching).await?,
    };
    let sql = format!(
        "SELECT {} FROM {table} WHERE {} ORDER BY {} LIMIT {}",
        R::columns(),
        list.page.sql,
        list.order_sql,
        list.limit
    );
    let rows = sqlx::query_as_with::<_, R, _>(sqlx::AssertSqlSafe(sql), list.page.arguments()?)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((rows, total))
}

/// `COUNT(*)` of `table` rows `matching` the filter, in the transaction's snapshot.
async fn count(
    tx: &mut sqlx::MySqlConnection,
    table: &str,
    matching: &Condition,
) -> Result<i64, QueryError> {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {}", matching.sql);
    let total =
        sqlx::query_scalar_with::<_, i64, _>(sqlx::AssertSqlSafe(sql), matching.arguments()?)
            .fetch_one(tx)
            .await?;
    Ok(total)
}

/// What `page_and_total` reads.
pub struct PageQuery<'a> {
    /// The filter the total counts.
    pub matching: &'a Condition,
    /// `matching` after the cursor: what the page reads.
    pub page: &'a Condition,
    pub order_sql: &'a str,
    pub limit: u64,
}

/// The read-model position: every projection's checkpoints, each committed with its rows.
const CHECKPOINTS: &str = "SELECT projection, partition_id, next_offset \
                           FROM projection_checkpoint ORDER BY projection, partition_id";
