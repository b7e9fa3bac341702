//! MariaDB/MySQL pools and the embedded migrations. Only the projector (and later
//! log-consumer for its own table) runs migrations; readers only connect.

use std::time::Duration;

use sqlx::mysql::{MySqlPool, MySqlPoolOptions};

use crate::config::DatabaseSettings;

pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<MySqlPool> {
    Ok(pool_options(settings).connect(&settings.url).await?)
}

/// The options every pool shares.
fn pool_options(settings: &DatabaseSettings) -> MySqlPoolOptions {
    MySqlPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(5))
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
