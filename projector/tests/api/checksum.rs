//! Checksums of the projector's tables, from ordered SELECTs of every column hashed in
//! Rust, to compare two projections of the same log. Read-only.

use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, MySqlPool};
use views::droplet::DropletRow;

/// `(rows, sha256)` of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSum {
    pub rows: usize,
    pub sha256: String,
}

pub async fn droplets(pool: &MySqlPool) -> Vec<DropletRow> {
    let sql = format!(
        "SELECT {} FROM droplet ORDER BY droplet_id",
        views::row::column_list::<DropletRow>()
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .fetch_all(pool)
        .await
        .expect("droplets")
}

pub async fn aggregates(pool: &MySqlPool) -> Vec<(String, String, i32, u64)> {
    sqlx::query_as(
        "SELECT aggregate_id, aggregate_type, partition_id, version FROM projected_aggregate \
         ORDER BY aggregate_id",
    )
    .fetch_all(pool)
    .await
    .expect("aggregates")
}

/// Checksums of `droplet` and `projected_aggregate`.
pub async fn tables(pool: &MySqlPool) -> (TableSum, TableSum) {
    (sum(&droplets(pool).await), sum(&aggregates(pool).await))
}

fn sum<T: serde::Serialize>(rows: &[T]) -> TableSum {
    let mut hasher = Sha256::new();
    for row in rows {
        hasher.update(serde_json::to_vec(row).expect("serializable"));
        hasher.update(b"\n");
    }
    TableSum {
        rows: rows.len(),
        sha256: hex::encode(hasher.finalize()),
    }
}
