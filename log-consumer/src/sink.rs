//! MariaDB side of shipping: a batch's lines into `log_lines` and its parked records into
//! `log_parked`, in one transaction, both `INSERT IGNORE` on `source_key` so a redelivered
//! batch inserts nothing twice; and the retention purge of what log-consumer wrote. It
//! never touches the projector's job-event lines (`service = 'worker'`).

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, MySqlPool};
use views::job::log::{self, NewLogLine, WORKER_SERVICE};

use crate::batch::Consumed;
use crate::record::LogRecord;

/// Rows per multi-row `INSERT`.
const CHUNK: usize = 200;
/// `log_lines.message` is `TEXT` (64 KiB); longer messages are cut (the full line is in Loki).
const MESSAGE_LIMIT: usize = 16 * 1024;
/// How much of a parked payload is kept.
const PAYLOAD_LIMIT: usize = 64 * 1024;
/// `log_parked.reason` is `VARCHAR(1024)`.
const REASON_LIMIT: usize = 1000;
/// Rows deleted per purge statement, so a purge never holds long locks.
const PURGE_CHUNK: u64 = 5000;

/// A record that cannot be shipped, and why.
#[derive(Debug, Clone)]
pub struct ParkedRecord {
    pub source: Consumed,
    pub reason: String,
}

/// The `log_lines` row of a valid record.
pub fn log_line(record: &LogRecord, source: &Consumed) -> NewLogLine {
    NewLogLine {
        service: record.service.clone(),
        level: record.level.clone(),
        ts: record.timestamp,
        message: cut(&record.message, MESSAGE_LIMIT).to_owned(),
        job_id: record.job_id,
        attempt: record.attempt,
        trace_id: record.trace_id.clone(),
        owner: None,
        source_key: Some(source.source_key()),
    }
}

/// The longest prefix of `text` of at most `limit` bytes that ends on a char boundary.
fn cut(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[derive(Clone)]
pub struct Sink {
    pool: MySqlPool,
}

impl Sink {
    pub fn new(pool: MySqlPool) -> Self {
        Self { pool }
    }

    /// Writes `lines` and `parked` in one transaction; nothing on failure.
    pub async fn write(&self, lines: &[NewLogLine], parked: &[ParkedRecord]) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        log::insert_ignore(&mut tx, lines).await?;
        let now = Utc::now();
        for chunk in parked.chunks(CHUNK) {
            let sql = format!(
                "INSERT IGNORE INTO log_parked (source_key, topic, kafka_partition, \
                 kafka_offset, reason, payload, parked_at) VALUES {}",
                views::row::value_rows(7, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for parked in chunk {
                let payload = parked.source.payload.as_deref().unwrap_or_default();
                query = query
                    .bind(parked.source.source_key())
                    .bind(&parked.source.topic)
                    .bind(parked.source.partition)
                    .bind(parked.source.offset)
                    .bind(cut(&parked.reason, REASON_LIMIT))
                    .bind(&payload[..payload.len().min(PAYLOAD_LIMIT)])
                    .bind(now);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await
    }

    /// Deletes log-consumer's lines older than `cutoff` and records parked before it;
    /// returns how many rows went.
    pub async fn purge(&self, cutoff: DateTime<Utc>) -> sqlx::Result<u64> {
        // The projector's job-event lines are a read model of the log, not ours to purge.
        let lines = format!("DELETE FROM log_lines WHERE ts < ? AND service <> '{WORKER_SERVICE}'");
        let parked = "DELETE FROM log_parked WHERE parked_at < ?".to_owned();
        Ok(self.delete_in_chunks(lines, cutoff).await?
            + self.delete_in_chunks(parked, cutoff).await?)
    }

    /// Runs `sql` (one `?`, the cutoff) with a `LIMIT` until it deletes less than a chunk.
    async fn delete_in_chunks(&self, sql: String, cutoff: DateTime<Utc>) -> sqlx::Result<u64> {
        let sql = format!("{sql} LIMIT {PURGE_CHUNK}");
        let mut purged = 0;
        loop {
            let deleted = sqlx::query(AssertSqlSafe(sql.clone()))
                .bind(cutoff)
                .execute(&self.pool)
                .await?
                .rows_affected();
            purged += deleted;
            if deleted < PURGE_CHUNK {
                return Ok(purged);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_stay_on_char_boundaries() {
        assert_eq!(cut("héllo", 2), "h");
        assert_eq!(cut("héllo", 3), "hé");
        assert_eq!(cut("abc", 10), "abc");
    }
}
