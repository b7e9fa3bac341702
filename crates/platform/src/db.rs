//! MariaDB/MySQL pools and the embedded migrations. Only the projector (and later
//! log-consumer for its own table) runs migrations; readers only connect.

use std::time::Duration;

use sqlx::mysql::{MySqlPool, MySqlPoolOptions};

use crate::config::DatabaseSettings;

pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<MySqlPool> {
    Ok(pool_options(settings).connect(&settings.url).await?)
}

/// How long a connection's release proves it alive: acquired within this span of going
/// idle, it is handed out without a ping of its own.
pub const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// The options every pool shares.
///
/// sqlx pings a connection when it is released (always) and again when it is acquired
/// (`test_before_acquire`, on by default): two round trips around every use. A connection
/// acquired straight after its release ping is not pinged again; one idle for longer is,
/// so a connection the server dropped meanwhile is replaced before anyone gets it.
fn pool_options(settings: &DatabaseSettings) -> MySqlPoolOptions {
    MySqlPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= IDLE_BEFORE_PING {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// A pool whose sessions run at READ COMMITTED, for a writer whose transactions never
/// touch the same rows at once (the projector's lanes: one per partition, and every row
/// belongs to one partition). REPEATABLE READ's gap and next-key locks would otherwise
/// make concurrent multi-row upserts into one table wait on each other's neighbouring
/// keys. Ordering within a partition is still kept by the checkpoint row lock.
pub async fn connect_read_committed(settings: &DatabaseSettings) -> anyhow::Result<MySqlPool> {
    connect_at(settings, "READ COMMITTED").await
}

/// A pool whose sessions run at REPEATABLE READ whatever the server's default, for a
/// reader whose transactions read several statements from one snapshot (query-api's
/// lists: a page, its total and the read-model position they belong to).
pub async fn connect_repeatable_read(settings: &DatabaseSettings) -> anyhow::Result<MySqlPool> {
    connect_at(settings, "REPEATABLE READ").await
}

/// A pool whose every session is set to `level` once, when it connects.
async fn connect_at(settings: &DatabaseSettings, level: &'static str) -> anyhow::Result<MySqlPool> {
    let pool = pool_options(settings)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                let sql = format!("SET SESSION TRANSACTION ISOLATION LEVEL {level}");
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(conn).await?;
                Ok(())
            })
        })
        .connect(&settings.url)
        .await?;
    Ok(pool)
}

/// Applies every migration under `migrations/` that has not run yet.
pub async fn migrate(pool: &MySqlPool) -> anyhow::Result<()> {
    sqlx::migrate!("../../migrations").run(pool).await?;
    Ok(())
}

/// Whether the database answers; for `/readyz`.
pub async fn ping(pool: &MySqlPool) -> bool {
    sqlx::query("SELECT 1").execute(pool).await.is_ok()
}

/// `?, ?, …, ?` with `n` placeholders, for `IN (…)` lists and multi-row `VALUES`. Values
/// are always bound, never spliced into the SQL.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Longest `IN (…)` list one statement carries; a longer list takes several statements.
pub const IN_LIST_MAX: usize = 512;

/// `values` cut into `IN (…)` lists of a few fixed lengths (powers of two up to
/// `IN_LIST_MAX`), each filled up by repeating its last value, which `IN` ignores. The
/// same statement text then comes back batch after batch, so the connection's statement
/// cache answers it, instead of the server preparing (and later closing) a statement for
/// every new list length. Empty `values` give no list.
pub fn in_lists<T>(values: &[T]) -> impl Iterator<Item = InList<'_, T>> {
    values.chunks(IN_LIST_MAX).map(|chunk| InList {
        values: chunk,
        len: chunk.len().next_power_of_two(),
    })
}

/// A `SELECT` whose last condition is `<column> IN (…)`, for `fetch_in`.
#[derive(Debug, Clone, Copy)]
pub struct InSelect<'a> {
    /// The statement up to the `IN`, e.g. `SELECT a, b FROM t WHERE scope = ? AND id`.
    pub head: &'a str,
    /// The values of the `?`s in `head`, bound before the list.
    pub scope: &'a [&'a str],
    /// What follows the list, e.g. `GROUP BY id` or `FOR UPDATE`; may be empty.
    pub tail: &'a str,
}

impl<'a> From<&'a str> for InSelect<'a> {
    fn from(head: &'a str) -> Self {
        Self {
            head,
            scope: &[],
            tail: "",
        }
    }
}

impl<'a> From<&'a String> for InSelect<'a> {
    fn from(head: &'a String) -> Self {
        Self::from(head.as_str())
    }
}

/// Every row `select` returns for `values`, one statement per list of `in_lists`.
pub async fn fetch_in<'s, O, V>(
    conn: &mut sqlx::MySqlConnection,
    select: impl Into<InSelect<'s>>,
    values: &[V],
) -> sqlx::Result<Vec<O>>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::mysql::MySqlRow> + Send + Unpin,
    V: for<'q> sqlx::Encode<'q, sqlx::MySql> + sqlx::Type<sqlx::MySql> + Sync,
{
    let select = select.into();
    let mut rows = Vec::new();
    for list in in_lists(values) {
        let sql = format!("{} IN ({}) {}", select.head, list.marks(), select.tail);
        let mut query = sqlx::query_as::<_, O>(sqlx::AssertSqlSafe(sql));
        for scope in select.scope {
            query = query.bind(*scope);
        }
        for value in list.values() {
            query = query.bind(value);
        }
        rows.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}

/// One `IN (…)` list of `in_lists`.
#[derive(Debug, Clone, Copy)]
pub struct InList<'a, T> {
    values: &'a [T],
    len: usize,
}

impl<'a, T> InList<'a, T> {
    /// The list's placeholders, `?, ?, …`.
    pub fn marks(&self) -> String {
        placeholders(self.len)
    }

    /// The values to bind, in placeholder order: the chunk, then its last value again
    /// until the list is full.
    pub fn values(&self) -> impl Iterator<Item = &'a T> + use<'a, T> {
        let fill = self.len - self.values.len();
        self.values
            .iter()
            .chain(self.values.last().into_iter().cycle().take(fill))
    }
}

#[cfg(test)]
mod in_list_tests {
    use super::*;

    fn lists(n: usize) -> Vec<(usize, Vec<usize>)> {
        let values: Vec<usize> = (0..n).collect();
        in_lists(&values)
            .map(|list| {
                let bound: Vec<usize> = list.values().copied().collect();
                assert_eq!(list.marks().matches('?').count(), bound.len());
                (bound.len(), bound)
            })
            .collect()
    }

    #[test]
    fn lists_have_power_of_two_lengths_filled_with_the_last_value() {
        assert!(lists(0).is_empty());
        assert_eq!(lists(1), vec![(1, vec![0])]);
        assert_eq!(lists(3), vec![(4, vec![0, 1, 2, 2])]);
        let long = lists(IN_LIST_MAX + 5);
        let lengths: Vec<usize> = long.iter().map(|(len, _)| *len).collect();
        assert_eq!(lengths, vec![IN_LIST_MAX, 8]);
        let bound: Vec<usize> = long.into_iter().flat_map(|(_, v)| v).collect();
        let mut distinct = bound.clone();
        distinct.dedup();
        assert_eq!(
            distinct,
            (0..IN_LIST_MAX + 5).collect::<Vec<_>>(),
            "every value, in order"
        );
    }
}
