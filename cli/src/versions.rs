//! Read-model versions. A version N is a schema `<primary>_v<N>` on the same server,
//! created with the same migrations; the control table `read_model_version` (in the
//! primary schema) records each version's state and scope. The live version's tables sit
//! in the primary schema itself, so query-api and the projector never change their
//! connection: `swap` makes a version live with one atomic multi-table `RENAME TABLE`,
//! moving the previously live tables into their own version's schema. It never touches
//! the tables that belong to the primary schema alone (migrations, this control table,
//! the skip record).

use std::collections::BTreeMap;

use anyhow::Context;
use platform::config::DatabaseSettings;
use serde::Serialize;
use sqlx::{AssertSqlSafe, MySqlConnection, MySqlPool};

/// Tables that stay in the primary schema whatever version is live (`log_parked` is
/// log-consumer's, the metric tables the samples subscription's: neither is a read model
/// of the event log).
pub const PRIMARY_ONLY: [&str; 6] = [
    "_sqlx_migrations",
    "read_model_version",
    "parked_event_skip",
    "log_parked",
    // Node telemetry is not folded from the event log: a rebuild cannot recreate it.
    "metric_sample",
    "metric_latest",
];

/// The primary database: its pool and its name.
#[derive(Clone)]
pub struct Primary {
    pub pool: MySqlPool,
    pub schema: String,
    settings: DatabaseSettings,
}

/// One row of the control table.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Version {
    pub version: u32,
    pub schema_name: String,
    pub state: String,
    pub scope: String,
    pub live_since: Option<chrono::DateTime<chrono::Utc>>,
    pub note: Option<String>,
}

impl Version {
    /// Where this version's tables are now: the primary schema while it is live.
    pub fn location<'a>(&'a self, primary: &'a Primary) -> &'a str {
        if self.state == "live" {
            &primary.schema
        } else {
            &self.schema_name
        }
    }
}

impl Primary {
    /// Connects to the primary schema and brings it up to date with the migrations.
    pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let (_, schema) = split_url(&settings.url)?;
        let pool = platform::db::connect_read_committed(settings)
            .await
            .context("Failed to connect to MariaDB")?;
        platform::db::migrate(&pool).await?;
        Ok(Self {
            pool,
            schema,
            settings: settings.clone(),
        })
    }

    pub fn schema_of(&self, version: u32) -> String {
        format!("{}_v{version}", self.schema)
    }

    /// A pool on `schema` of the same server (READ COMMITTED, as the projector's).
    pub async fn pool_on(&self, schema: &str) -> anyhow::Result<MySqlPool> {
        let (base, _) = split_url(&self.settings.url)?;
        let settings = DatabaseSettings {
            url: with_database(&self.settings.url, &base, schema),
            max_connections: self.settings.max_connections,
        };
        platform::db::connect_read_committed(&settings)
            .await
            .with_context(|| format!("Failed to connect to schema {schema}"))
    }

    /// Every version, by number.
    pub async fn versions(&self) -> sqlx::Result<Vec<Version>> {
        sqlx::query_as(
            "SELECT version, schema_name, state, scope, live_since, note \
             FROM read_model_version ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await
    }

    pub async fn version(&self, version: u32) -> anyhow::Result<Version> {
        self.versions()
            .await?
            .into_iter()
            .find(|v| v.version == version)
            .with_context(|| format!("there is no read-model version {version}"))
    }

    /// The live version's row, registering the primary's tables as version 0 the first
    /// time (they were built by the projector before versions existed).
    pub async fn live(&self) -> anyhow::Result<Version> {
        sqlx::query(
            "INSERT IGNORE INTO read_model_version \
               (version, schema_name, state, scope, created_at, updated_at, note) \
             SELECT 0, ?, 'live', 'full', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), \
                    'the read models the projector built before versions existed' \
             FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM read_model_version WHERE state = 'live')",
        )
        .bind(self.schema_of(0))
        .execute(&self.pool)
        .await?;
        let live = self
            .versions()
            .await?
            .into_iter()
            .find(|v| v.state == "live");
        live.context("no live read-model version")
    }

    /// Creates (or opens) version `version`'s schema, migrated, and its control row; a
    /// partial run marks the version partial for good.
    pub async fn open(&self, version: u32, scope: &str) -> anyhow::Result<MySqlPool> {
        let live = self.live().await?;
        anyhow::ensure!(
            live.version != version,
            "version {version} is live: the live projector maintains it"
        );
        let schema = self.schema_of(version);
        sqlx::query(AssertSqlSafe(format!(
            "CREATE DATABASE IF NOT EXISTS `{schema}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        )))
        .execute(&self.pool)
        .await?;
        let pool = self.pool_on(&schema).await?;
        platform::db::migrate(&pool).await?;
        sqlx::query(
            "INSERT INTO read_model_version \
               (version, schema_name, state, scope, created_at, updated_at) \
             VALUES (?, ?, 'building', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)) \
             ON DUPLICATE KEY UPDATE state = IF(state = 'retired', state, 'building'), \
               scope = IF(VALUES(scope) = 'full', scope, 'partial'), updated_at = VALUES(updated_at)",
        )
        .bind(version)
        .bind(&schema)
        .bind(scope)
        .execute(&self.pool)
        .await?;
        Ok(pool)
    }

    /// The next unused version number.
    pub async fn next_version(&self) -> anyhow::Result<u32> {
        self.live().await?;
        let max: Option<u32> = sqlx::query_scalar("SELECT MAX(version) FROM read_model_version")
            .fetch_one(&self.pool)
            .await?;
        Ok(max.map_or(1, |m| m + 1))
    }

    pub async fn set_state(&self, version: u32, state: &str) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE read_model_version SET state = ?, updated_at = UTC_TIMESTAMP(6), \
               live_since = IF(? = 'live', UTC_TIMESTAMP(6), live_since) WHERE version = ?",
        )
        .bind(state)
        .bind(state)
        .bind(version)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Drops a version's schema and control row (scratch versions of `verify`).
    pub async fn drop_version(&self, version: u32) -> sqlx::Result<()> {
        let schema = self.schema_of(version);
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS `{schema}`")))
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM read_model_version WHERE version = ? AND state <> 'live'")
            .bind(version)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The read-model tables of `schema` (everything but the primary-only tables).
    pub async fn model_tables(&self, schema: &str) -> sqlx::Result<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        Ok(platform::checksum::base_tables(&mut conn, schema)
            .await?
            .into_iter()
            .filter(|t| !PRIMARY_ONLY.contains(&t.as_str()))
            .collect())
    }

    /// Swaps `incoming`'s tables into the primary schema and the primary's current tables
    /// into `outgoing`, in one atomic `RENAME TABLE` (readers see one set or the other).
    pub async fn swap(&self, incoming: &str, outgoing: &str) -> anyhow::Result<Vec<String>> {
        let tables = self.model_tables(incoming).await?;
        let live = self.model_tables(&self.schema).await?;
        anyhow::ensure!(
            tables == live,
            "{incoming} and the live schema hold different tables ({tables:?} vs {live:?}): \
             run the same migrations first"
        );
        let residue = self.model_tables(outgoing).await?;
        anyhow::ensure!(
            residue.is_empty(),
            "{outgoing} still holds tables {residue:?}; it must be empty to receive the live ones"
        );
        let primary = &self.schema;
        let moves: Vec<String> = tables
            .iter()
            .flat_map(|t| {
                [
                    format!("`{primary}`.`{t}` TO `{outgoing}`.`{t}`"),
                    format!("`{incoming}`.`{t}` TO `{primary}`.`{t}`"),
                ]
            })
            .collect();
        sqlx::query(AssertSqlSafe(format!("RENAME TABLE {}", moves.join(", "))))
            .execute(&self.pool)
            .await?;
        self.carry_log_sink_lines(outgoing).await?;
        Ok(tables)
    }

    /// `log_lines` is shared: beside the projector's job-event lines (rebuilt in every
    /// version) it holds the lines log-consumer wrote, which no rebuild reproduces. They
    /// follow the live table across a swap; `source_key` makes the copy idempotent, and a
    /// line log-consumer writes meanwhile lands in the new live table directly.
    async fn carry_log_sink_lines(&self, outgoing: &str) -> sqlx::Result<()> {
        let columns = views::job::log::INSERT_COLUMNS.join(", ");
        let primary = &self.schema;
        let sql = format!(
            "INSERT IGNORE INTO `{primary}`.`log_lines` ({columns}) SELECT {columns} \
             FROM `{outgoing}`.`log_lines` WHERE service <> ? ORDER BY id"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(views::job::log::WORKER_SERVICE)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Makes sure `schema` exists and is migrated for nothing: an empty schema that can
    /// receive tables (the retiring version's).
    pub async fn ensure_schema(&self, schema: &str) -> sqlx::Result<()> {
        sqlx::query(AssertSqlSafe(format!(
            "CREATE DATABASE IF NOT EXISTS `{schema}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        )))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// `next_offset` per partition of the projection's checkpoints in `pool`.
pub async fn checkpoints(pool: &MySqlPool) -> sqlx::Result<BTreeMap<i32, i64>> {
    Ok(projector::checkpoint::all(pool, views::PROJECTION)
        .await?
        .into_iter()
        .collect())
}

/// The same, read on one connection (inside its transaction's snapshot).
pub async fn checkpoints_in(
    conn: &mut MySqlConnection,
    schema: &str,
) -> sqlx::Result<BTreeMap<i32, i64>> {
    let rows: Vec<(i32, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT partition_id, next_offset FROM `{schema}`.projection_checkpoint WHERE projection = ?"
    )))
    .bind(views::PROJECTION)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// `(url without the database, database)` of a `mysql://…/<database>[?…]` URL.
fn split_url(url: &str) -> anyhow::Result<(String, String)> {
    let (path, _) = url.split_once('?').unwrap_or((url, ""));
    let (base, database) = path
        .rsplit_once('/')
        .filter(|(base, db)| base.contains("//") && !base.ends_with('/') && !db.is_empty())
        .context("the database URL names no database (mysql://…/<database>)")?;
    Ok((base.to_owned(), database.to_owned()))
}

fn with_database(url: &str, base: &str, database: &str) -> String {
    match url.split_once('?') {
        Some((_, query)) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_url_differs_only_in_its_database() {
        let url = "mysql://u:p@db:3306/clustergenie?ssl-mode=disabled";
        let (base, db) = split_url(url).unwrap();
        assert_eq!(
            (base.as_str(), db.as_str()),
            ("mysql://u:p@db:3306", "clustergenie")
        );
        assert_eq!(
            with_database(url, &base, "clustergenie_v2"),
            "mysql://u:p@db:3306/clustergenie_v2?ssl-mode=disabled"
        );
        assert!(split_url("mysql://u@db:3306").is_err());
        assert!(split_url("mysql://u@db:3306/").is_err());
    }
}
