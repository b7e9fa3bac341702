//! Comparing tables between two databases (or two schemas of one server) that should
//! hold the same rows: `CHECKSUM TABLE` sums for whole-table equality (tests), and
//! per-row digests computed by the server in one ordered `SELECT` (the CLI's `verify`),
//! which respect the caller's transaction snapshot, can leave out columns that are
//! legitimately different (wall-clock stamps) and name the rows that differ. Read-only;
//! identifiers come from `information_schema`, never from user input.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, MySqlConnection, MySqlPool};

/// `(rows, CHECKSUM TABLE … EXTENDED)` of each of `tables`: equal sums mean the two
/// databases hold byte-identical rows (the schema being the same).
pub async fn table_checksums(
    pool: &MySqlPool,
    tables: &[&str],
) -> BTreeMap<String, (i64, Option<i64>)> {
    let mut sums = BTreeMap::new();
    for table in tables {
        let rows: i64 =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM `{table}`")))
                .fetch_one(pool)
                .await
                .expect("row count");
        let (_, checksum): (String, Option<i64>) =
            sqlx::query_as(AssertSqlSafe(format!("CHECKSUM TABLE `{table}` EXTENDED")))
                .fetch_one(pool)
                .await
                .expect("table checksum");
        sums.insert((*table).to_owned(), (rows, checksum));
    }
    sums
}

/// The base tables of `schema`, by name.
pub async fn base_tables(conn: &mut MySqlConnection, schema: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    )
    .bind(schema)
    .fetch_all(conn)
    .await
}

/// One table's rows as `key → digest of the compared columns`, and a digest of it all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableDigest {
    pub rows: BTreeMap<String, String>,
    pub sha256: String,
}

/// A row present on one side only, or different on the two sides.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowDifference {
    /// The row's primary key (hex of each key column, `|`-separated).
    pub key: String,
    pub left: Option<String>,
    pub right: Option<String>,
}

/// Digests `schema.table` without the `excluded` columns. Rows are keyed by their primary
/// key; a table whose key is excluded (an auto-increment id) is keyed by its content.
pub async fn table_digest(
    conn: &mut MySqlConnection,
    schema: &str,
    table: &str,
    excluded: &[&str],
) -> sqlx::Result<TableDigest> {
    table_digest_where(conn, schema, table, excluded, None).await
}

/// [`table_digest`] of the rows matching `rows` (a fixed SQL condition written by the
/// caller, never user input), e.g. only the rows one writer of a shared table owns.
pub async fn table_digest_where(
    conn: &mut MySqlConnection,
    schema: &str,
    table: &str,
    excluded: &[&str],
    rows: Option<&str>,
) -> sqlx::Result<TableDigest> {
    let columns: Vec<String> = column_names(conn, schema, table, "")
        .await?
        .into_iter()
        .filter(|c| !excluded.contains(&c.as_str()))
        .collect();
    let mut key: Vec<String> = column_names(conn, schema, table, "PRIMARY")
        .await?
        .into_iter()
        .filter(|c| !excluded.contains(&c.as_str()))
        .collect();
    if key.is_empty() {
        key.clone_from(&columns);
    }
    let text = |cols: &[String]| {
        cols.iter()
            .map(|c| format!("IFNULL(HEX(`{c}`), 'NULL')"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let order = key
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let condition = rows.map(|r| format!(" WHERE {r}")).unwrap_or_default();
    let sql = format!(
        "SELECT CONCAT_WS('|', {}), MD5(CONCAT_WS('|', {})) FROM `{schema}`.`{table}`{condition} ORDER BY {order}",
        text(&key),
        text(&columns)
    );
    let rows: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(sql)).fetch_all(conn).await?;
    let mut hasher = Sha256::new();
    for (key, digest) in &rows {
        hasher.update(key.as_bytes());
        hasher.update(b"=");
        hasher.update(digest.as_bytes());
        hasher.update(b"\n");
    }
    Ok(TableDigest {
        rows: rows.into_iter().collect(),
        sha256: hex::encode(hasher.finalize()),
    })
}

/// The columns of `schema.table` in ordinal order; with `constraint`, only that
/// constraint's (`PRIMARY`: the primary key).
async fn column_names(
    conn: &mut MySqlConnection,
    schema: &str,
    table: &str,
    constraint: &str,
) -> sqlx::Result<Vec<String>> {
    let sql = if constraint.is_empty() {
        "SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION"
    } else {
        "SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.KEY_COLUMN_USAGE \
         WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = ? \
         ORDER BY ORDINAL_POSITION"
    };
    let mut query = sqlx::query_scalar(sql).bind(schema).bind(table);
    if !constraint.is_empty() {
        query = query.bind(constraint);
    }
    query.fetch_all(conn).await
}

/// The rows that differ between two digests of one table, in key order.
pub fn differences(left: &TableDigest, right: &TableDigest) -> Vec<RowDifference> {
    let mut keys: Vec<&String> = left.rows.keys().chain(right.rows.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (l, r) = (left.rows.get(key), right.rows.get(key));
            (l != r).then(|| RowDifference {
                key: key.clone(),
                left: l.cloned(),
                right: r.cloned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(rows: &[(&str, &str)]) -> TableDigest {
        TableDigest {
            rows: rows
                .iter()
                .map(|(k, d)| ((*k).to_owned(), (*d).to_owned()))
                .collect(),
            sha256: String::new(),
        }
    }

    #[test]
    fn differences_name_changed_missing_and_extra_rows() {
        let left = digest(&[("01", "a"), ("02", "b"), ("03", "c")]);
        let right = digest(&[("01", "a"), ("02", "B"), ("04", "d")]);
        let keys: Vec<_> = differences(&left, &right)
            .into_iter()
            .map(|d| (d.key, d.left, d.right))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("02".into(), Some("b".into()), Some("B".into())),
                ("03".into(), Some("c".into()), None),
                ("04".into(), None, Some("d".into())),
            ]
        );
    }
}
