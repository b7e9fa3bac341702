//! Applying one reader batch of samples: in one transaction, skip what the partition's
//! checkpoint already covers, insert each sample once (`INSERT IGNORE` on `sample_id`),
//! move `metric_latest` forward only for a newer sample, and save the checkpoint. A record
//! that does not decode is logged and counted as skipped — telemetry is not the log of
//! record, and one bad sample must not stop the others.

use domain::telemetry::MetricSample;
use platform::kafka::LogEntry;
use sqlx::MySqlPool;

use crate::checkpoint::{self, Checkpoint};

/// What one batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub inserted: u64,
    pub skipped: u64,
    pub next_offset: i64,
}

pub async fn apply(
    pool: &MySqlPool,
    projection: &str,
    partition: i32,
    records: &[LogEntry],
) -> sqlx::Result<Applied> {
    let mut tx = pool.begin().await?;
    let current = checkpoint::lock(&mut tx, projection, partition).await?;
    let fresh: Vec<&LogEntry> = records
        .iter()
        .filter(|r| r.offset >= current.next_offset)
        .collect();
    let Some(last) = fresh.last() else {
        tx.rollback().await?;
        return Ok(Applied {
            next_offset: current.next_offset,
            ..Applied::default()
        });
    };
    let next_offset = last.offset + 1;
    let mut applied = Applied {
        next_offset,
        ..Applied::default()
    };
    for record in fresh {
        match proto::decode_sample(record.value.as_deref().unwrap_or_default()) {
            Ok(sample) => applied.inserted += insert(&mut tx, &sample).await?,
            Err(error) => {
                applied.skipped += 1;
                tracing::warn!(%error, partition, offset = record.offset, "undecodable sample skipped");
            }
        }
    }
    let saved = Checkpoint {
        next_offset,
        claim: None,
    };
    checkpoint::save(&mut tx, projection, partition, &saved).await?;
    tx.commit().await?;
    Ok(applied)
}

/// Inserts one sample (0 when its id is known) and moves the latest forward.
pub async fn insert(conn: &mut sqlx::MySqlConnection, sample: &MetricSample) -> sqlx::Result<u64> {
    let inserted = sqlx::query(
        "INSERT IGNORE INTO metric_sample \
           (sample_id, cluster_id, node_id, metric_type, value, unit, sampled_at, source) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(sample.sample_id)
    .bind(sample.cluster_id)
    .bind(sample.node_id)
    .bind(sample.metric.as_str())
    .bind(sample.value)
    .bind(sample.unit())
    .bind(sample.at)
    .bind(sample.source.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // Assignments run left to right: `sampled_at` last, so every condition still sees
    // the row's old time. Ties go to the larger sample id, so the order of arrival
    // never matters.
    sqlx::query(
        "INSERT INTO metric_latest \
           (cluster_id, node_id, metric_type, value, unit, sampled_at, sample_id) \
         VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON DUPLICATE KEY UPDATE \
           value = IF((VALUES(sampled_at) > sampled_at OR (VALUES(sampled_at) = sampled_at AND VALUES(sample_id) > sample_id)), VALUES(value), value), \
           sample_id = IF((VALUES(sampled_at) > sampled_at OR (VALUES(sampled_at) = sampled_at AND VALUES(sample_id) > sample_id)), VALUES(sample_id), sample_id), \
           sampled_at = GREATEST(VALUES(sampled_at), sampled_at)",
    )
    .bind(sample.cluster_id)
    .bind(sample.node_id)
    .bind(sample.metric.as_str())
    .bind(sample.value)
    .bind(sample.unit())
    .bind(sample.at)
    .bind(sample.sample_id)
    .execute(&mut *conn)
    .await?;
    Ok(inserted)
}
