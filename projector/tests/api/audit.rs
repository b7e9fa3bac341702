//! The audit view: every valid event becomes one `audit_event` row with the record's
//! header facts and its place in the log; an ignored (stale) batch adds nothing, replay
//! of the same records gives the same rows, and replaying them again adds nothing.

use std::collections::BTreeMap;

use platform::kafka::LogEntry;
use sqlx::MySqlPool;
use uuid::Uuid;
use views::audit::{AuditEventRow, COLUMNS, record_position};

use crate::records::{TestRecord, batch, claim, created, provisioned};
use crate::test_app::{TestEnv, migrated_store, partition_of, wait_for_offsets};

async fn audit_rows(pool: &MySqlPool, id: Uuid) -> Vec<AuditEventRow> {
    let sql = format!(
        "SELECT {} FROM audit_event WHERE aggregate_id = ? ORDER BY stream_position",
        COLUMNS.join(", ")
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(pool)
        .await
        .expect("audit rows")
}

fn entry(record: &TestRecord, offset: i64) -> LogEntry {
    LogEntry {
        partition: record.partition,
        offset,
        key: Some(record.key.as_bytes().to_vec()),
        value: Some(record.value.clone()),
        headers: record
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.as_bytes().to_vec()))
            .collect(),
        timestamp_ms: None,
    }
}

async fn replay(pool: &MySqlPool, projection: &str, entries: &[LogEntry]) {
    projector::replay::replay(
        pool,
        projector::batch::Target {
            name: projection,
            projection: &projector::startup::projection(),
        },
        entries,
    )
    .await
    .expect("replay applies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_valid_event_is_audited_once_with_its_place_in_the_log() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let id = Uuid::now_v7();
    let p = partition_of(&id.to_string());
    let records = [
        claim(p, 1, "w1"),
        batch(p, id, 0, (1, "w1"), &[created(id, "web-1", 1)]),
        batch(p, id, 1, (1, "w1"), &[provisioned(7, 2)]),
        // A stale duplicate of the second batch: the validity rule ignores it.
        batch(p, id, 1, (1, "w1"), &[provisioned(8, 3)]),
    ];
    let mut entries = Vec::new();
    for record in &records {
        let offset = env.produce(record).await;
        entries.push(entry(record, offset));
    }
    let (first, second, last) = (entries[1].offset, entries[2].offset, entries[3].offset);
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;

    let rows = audit_rows(&app.pool, id).await;
    let facts: Vec<(&str, u64, i32, i64, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.event_type.as_str(),
                r.aggregate_version,
                r.partition_id,
                r.log_offset,
                r.stream_position,
            )
        })
        .collect();
    assert_eq!(
        facts,
        vec![
            (
                "droplet.creation_requested",
                1,
                p,
                first,
                record_position(first)
            ),
            ("droplet.provisioned", 2, p, second, record_position(second)),
        ]
    );
    for row in &rows {
        assert_eq!(
            (
                row.aggregate_type.as_str(),
                row.owner.as_str(),
                row.command_name.as_str()
            ),
            ("droplet", "alice", "test")
        );
        assert!(row.schema_version >= 1);
        let summary: serde_json::Value = serde_json::from_str(&row.summary).expect("JSON");
        assert!(summary.is_object(), "{summary}");
        assert!(row.summary.len() <= 1024);
    }

    // The same records through replay give the same rows; a second pass adds none.
    let replayed = migrated_store().await;
    replay(&replayed, views::PROJECTION, &entries).await;
    assert_eq!(audit_rows(&replayed, id).await, rows);
    replay(&replayed, "audit_replayed_again", &entries).await;
    assert_eq!(audit_rows(&replayed, id).await, rows);
}
