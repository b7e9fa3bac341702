//! The log line row (table `log_lines`): generic over sources — a job's attempt lines
//! (projected from job events, `service` = `worker`) and, later, any service's lines
//! written by log-consumer. `source_key` makes a re-applied source line insert nothing;
//! both writers insert through `insert_ignore`.

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, FromRow, MySqlConnection};
use uuid::Uuid;

use crate::row::{Bound, rfc3339};

/// Columns written on insert (`id` is assigned by the table).
pub const INSERT_COLUMNS: &[&str] = &[
    "service",
    "level",
    "ts",
    "message",
    "job_id",
    "attempt",
    "trace_id",
    "owner",
    "source_key",
];

/// Columns read back.
pub const SELECT_COLUMNS: &str = "id, service, level, ts, message, job_id, attempt, trace_id";

/// The `service` of lines a job's worker reported.
pub const WORKER_SERVICE: &str = "worker";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLogLine {
    pub service: String,
    pub level: String,
    pub ts: DateTime<Utc>,
    pub message: String,
    pub job_id: Option<Uuid>,
    pub attempt: Option<u32>,
    pub trace_id: Option<String>,
    pub owner: Option<String>,
    /// `<event id>/<index>` for lines from the event log.
    pub source_key: Option<String>,
}

impl NewLogLine {
    pub fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(&self.service)
            .bind(&self.level)
            .bind(self.ts)
            .bind(&self.message)
            .bind(self.job_id)
            .bind(self.attempt)
            .bind(&self.trace_id)
            .bind(&self.owner)
            .bind(&self.source_key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct LogLineRow {
    pub id: u64,
    pub service: String,
    pub level: String,
    pub ts: DateTime<Utc>,
    pub message: String,
    pub job_id: Option<Uuid>,
    pub attempt: Option<u32>,
    pub trace_id: Option<String>,
}

impl LogLineRow {
    pub fn to_resource(&self) -> contract::job::LogLine {
        contract::job::LogLine {
            id: self.id,
            service: self.service.clone(),
            level: self.level.clone(),
            ts: rfc3339(self.ts),
            message: self.message.clone(),
            job_id: self.job_id,
            attempt: self.attempt,
            trace_id: self.trace_id.clone(),
        }
    }
}

/// Rows per multi-row `INSERT` (well under MariaDB's placeholder limit).
const INSERT_CHUNK: usize = 200;

/// Inserts `lines`, skipping those whose `source_key` is already there (a re-applied or
/// redelivered source line), in chunks.
pub async fn insert_ignore(conn: &mut MySqlConnection, lines: &[NewLogLine]) -> sqlx::Result<()> {
    for chunk in lines.chunks(INSERT_CHUNK) {
        let sql = format!(
            "INSERT IGNORE INTO log_lines ({}) VALUES {}",
            INSERT_COLUMNS.join(", "),
            crate::row::value_rows(INSERT_COLUMNS.len(), chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for line in chunk {
            query = line.bind(query);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
