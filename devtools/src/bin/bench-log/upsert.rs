//! The catch-up baseline: the same rows the projector writes for N creates (droplet,
//! operation, audit and projected-version rows, each built by the code the projector
//! builds it with), upserted straight into a freshly migrated
//! database with multi-row `INSERT … ON DUPLICATE KEY UPDATE` on one connection at
//! MariaDB's default durability. No Kafka, no decoding, no checkpoints, no cache: the
//! plainest way to get those rows into those tables. It never asserts.

use std::time::Instant;

use anyhow::Context;
use domain::Aggregate;
use domain::droplet::Droplet;
use platform::config::DatabaseSettings;
use projector::kinds::KindCodec;
use projector::views::Applicable;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection, MySqlConnection};
use uuid::Uuid;
use views::StateRow;
use views::audit::{AuditEventRow, COLUMNS as AUDIT_COLUMNS};
use views::droplet::DropletRow;
use views::operation::{COLUMNS as OPERATION_COLUMNS, OperationRow};

use crate::rows;

/// Rows per statement, as the projector's `StateView` writes them.
const CHUNK: usize = 200;
/// Statements per transaction.
const PER_TX: usize = 5;

pub async fn run(url: &str, n: u64, partitions: i32) -> anyhow::Result<Value> {
    let pool = platform::db::connect(&DatabaseSettings {
        url: url.to_owned(),
        max_connections: 2,
    })
    .await?;
    platform::db::migrate(&pool).await?;
    pool.close().await;
    let mut conn = MySqlConnection::connect(url).await?;
    let projection = projector::startup::projection();
    let kind = projection
        .kinds
        .get(Droplet::NAME)
        .context("the projector does not register droplets")?;
    let mut positions = rows::Positions::new(partitions);
    let all = (0..n)
        .map(|i| {
            let created = rows::created(i)?;
            let (partition, offset) = positions.next(created.id);
            Rows::of(&created, partition, offset, kind.as_ref())
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let started = Instant::now();
    for group in all.chunks(CHUNK * PER_TX) {
        let mut tx = conn.begin().await?;
        for chunk in group.chunks(CHUNK) {
            write_chunk(&mut tx, chunk).await?;
        }
        tx.commit().await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(json!({
        "rows": n, "seconds": seconds, "rows_per_second": n as f64 / seconds,
        "rows_per_statement": CHUNK, "statements_per_transaction": PER_TX,
        "tables": ["droplet", "operation", "audit_event", "projected_aggregate"],
    }))
}

/// What projecting one create writes: its droplet row, its operation row, an audit row
/// per event and its projected version (the checkpoint row is per partition, not per
/// record).
struct Rows {
    droplet: DropletRow,
    operation: OperationRow,
    audit: Vec<AuditEventRow>,
    aggregate_id: String,
    partition: i32,
    version: u64,
}

impl Rows {
    fn of(
        created: &rows::Created,
        partition: i32,
        offset: i64,
        kind: &dyn KindCodec,
    ) -> anyhow::Result<Self> {
        let state = created.state();
        let droplet = DropletRow::from_state(&state)
            .ok_or_else(|| anyhow::anyhow!("droplet {} has no row", created.id))?;
        let facts: Vec<_> = created
            .events
            .iter()
            .flat_map(|e| Droplet::operation_facts(e, created.id, rows::OWNER))
            .collect();
        let operation = OperationRow::from_facts(&facts, rows::OWNER)
            .ok_or_else(|| anyhow::anyhow!("create {} has no operation", created.id))?;
        let batch = created.batch(&rows::claim());
        let event_ids: Vec<Uuid> = batch.events.iter().map(|e| e.event_id).collect();
        let record = Applicable {
            partition,
            offset,
            header: &batch.header,
            event_ids: &event_ids,
            raw_events: &batch.events,
            events: &created.events,
            facts: &facts,
            kind,
        };
        Ok(Self {
            droplet,
            operation,
            audit: projector::views::audit::rows_of(&record),
            aggregate_id: created.id.to_string(),
            partition,
            version: created.events.len() as u64,
        })
    }
}

async fn write_chunk(conn: &mut MySqlConnection, chunk: &[Rows]) -> sqlx::Result<()> {
    let sql = plain_upsert(
        DropletRow::TABLE,
        DropletRow::COLUMNS,
        DropletRow::ID_COLUMN,
        chunk.len(),
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for rows in chunk {
        query = rows.droplet.bind(query);
    }
    query.execute(&mut *conn).await?;
    let sql = plain_upsert("operation", OPERATION_COLUMNS, "operation_id", chunk.len());
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for rows in chunk {
        query = rows.operation.bind(query);
    }
    query.execute(&mut *conn).await?;
    let audit: Vec<&AuditEventRow> = chunk.iter().flat_map(|rows| &rows.audit).collect();
    let sql = plain_upsert("audit_event", AUDIT_COLUMNS, "event_id", audit.len());
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for row in audit {
        query = row.bind(query);
    }
    query.execute(&mut *conn).await?;
    let sql = plain_upsert(
        "projected_aggregate",
        AGGREGATE_COLUMNS,
        "aggregate_id",
        chunk.len(),
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for rows in chunk {
        query = query
            .bind(&rows.aggregate_id)
            .bind("droplet")
            .bind(rows.partition)
            .bind(rows.version);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

const AGGREGATE_COLUMNS: &[&str] = &["aggregate_id", "aggregate_type", "partition_id", "version"];

/// `{"droplet_rows": n}` of the database at `url`.
pub async fn count(url: &str) -> anyhow::Result<Value> {
    let mut conn = MySqlConnection::connect(url).await?;
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM droplet")
        .fetch_one(&mut conn)
        .await?;
    Ok(json!({ "droplet_rows": rows }))
}

/// A multi-row `INSERT … ON DUPLICATE KEY UPDATE` of `columns` without version guards:
/// the plainest statement that puts those rows there.
fn plain_upsert(table: &str, columns: &[&str], id_column: &str, rows: usize) -> String {
    let one_row = format!("({})", platform::db::placeholders(columns.len()));
    let updates: Vec<String> = columns
        .iter()
        .filter(|c| **c != id_column)
        .map(|c| format!("{c} = VALUES({c})"))
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES {} ON DUPLICATE KEY UPDATE {}",
        columns.join(", "),
        vec![one_row; rows].join(", "),
        updates.join(", ")
    )
}
