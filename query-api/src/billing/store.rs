//! Reads of `usage_interval`: the runs overlapping a time window, of every owner (admins)
//! or of one (members), and the runs of one cluster's nodes. Read-only.

use chrono::{DateTime, Utc};
use platform::auth::{Principal, Role};
use sqlx::MySqlPool;
use uuid::Uuid;
use views::billing::{COLUMNS, TABLE, UsageIntervalRow};

/// Runs that overlap `[from, to)`, visible to `principal`, oldest first.
pub async fn runs_of(
    db: &MySqlPool,
    principal: &Principal,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<UsageIntervalRow>> {
    let admin = principal.role == Role::Admin;
    let sql = format!(
        "SELECT {} FROM {TABLE} WHERE start_time < ? AND (end_time IS NULL OR end_time > ?) \
         AND (? OR owner = ?) ORDER BY start_time, event_id",
        COLUMNS.join(", ")
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(to)
        .bind(from)
        .bind(admin)
        .bind(&principal.id)
        .fetch_all(db)
        .await
}

/// The start of the first run visible to `principal`, if any.
pub async fn first_start(
    db: &MySqlPool,
    principal: &Principal,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let admin = principal.role == Role::Admin;
    let (first,): (Option<DateTime<Utc>>,) =
        sqlx::query_as("SELECT MIN(start_time) FROM usage_interval WHERE (? OR owner = ?)")
            .bind(admin)
            .bind(&principal.id)
            .fetch_one(db)
            .await?;
    Ok(first)
}

/// The runs of `cluster_id`'s nodes that overlap `[from, to)`, oldest first.
pub async fn runs_of_cluster(
    db: &MySqlPool,
    cluster_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<UsageIntervalRow>> {
    let sql = format!(
        "SELECT {} FROM {TABLE} WHERE cluster_id = ? AND start_time < ? \
         AND (end_time IS NULL OR end_time > ?) ORDER BY start_time, event_id",
        COLUMNS.join(", ")
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(cluster_id)
        .bind(to)
        .bind(from)
        .fetch_all(db)
        .await
}
