//! Fixture replay: a recording of `cluster-events` (`tests/fixtures/droplets.records.jsonl`,
//! one JSON object per record) is produced to a fresh topic, projected live, and the
//! resulting tables are snapshotted. The same records fed through `replay` without Kafka
//! must produce the same tables. Any recording in that format (`platform::kafka::fixture`)
//! works.

use std::collections::BTreeMap;

use platform::kafka::LogEntry;
use serde_json::json;
use sqlx::MySqlPool;

use crate::checksum;
use crate::records::TestRecord;
use crate::test_app::{TestEnv, checkpoints, migrated_store, wait_for_offsets};

const FIXTURE: &str = include_str!("../fixtures/droplets.records.jsonl");

fn recording() -> Vec<LogEntry> {
    platform::kafka::fixture::parse(FIXTURE).expect("the fixture is a record file")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_log_projects_to_the_snapshotted_tables() {
    let lines = recording();
    let partitions = lines.iter().map(|l| l.partition).max().expect("records") + 1;
    let env = TestEnv::with_partitions(partitions);
    let app = env.spawn_app().await;
    let mut ends = BTreeMap::new();
    for line in &lines {
        let record = TestRecord {
            partition: line.partition,
            key: String::from_utf8(line.key.clone().unwrap_or_default()).expect("text key"),
            value: line.value.clone().unwrap_or_default(),
            headers: line
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        String::from_utf8(v.clone()).expect("text header"),
                    )
                })
                .collect(),
        };
        ends.insert(line.partition, env.produce(&record).await + 1);
    }
    wait_for_offsets(&app.pool, &ends).await;
    let live = tables(&app.pool).await;
    insta::assert_json_snapshot!(live);

    // The same recording through replay, with no Kafka and no Redis involved.
    let replayed = migrated_store().await;
    let entries = lines;
    projector::replay::replay(
        &replayed,
        projector::batch::Target::live(&projector::startup::projection()),
        &entries,
    )
    .await
    .unwrap();
    assert_eq!(tables(&replayed).await, live);
    app.stop().await;
}

/// Every table the projector writes, in a stable order, without wall-clock columns.
async fn tables(pool: &MySqlPool) -> serde_json::Value {
    let parked: Vec<(i32, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT partition_id, record_offset, aggregate_id, reason FROM parked_event \
         ORDER BY partition_id, record_offset",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let claims: Vec<(i32, Option<u64>, Option<String>)> = sqlx::query_as(
        "SELECT partition_id, claim_epoch, claim_writer FROM projection_checkpoint ORDER BY partition_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    json!({
        "droplets": checksum::droplets(pool).await,
        "projected_aggregates": checksum::aggregates(pool).await,
        "parked": parked,
        "checkpoints": checkpoints(pool).await,
        "claims": claims,
    })
}

/// The recording split into one run per partition, each in offset order.
fn runs_of(entries: &[LogEntry]) -> BTreeMap<i32, Vec<LogEntry>> {
    let mut runs: BTreeMap<i32, Vec<LogEntry>> = BTreeMap::new();
    for entry in entries {
        runs.entry(entry.partition).or_default().push(entry.clone());
    }
    runs
}

/// A lane applies the waiting batches of all its partitions in one transaction: the
/// tables are exactly those of a partition-by-partition replay, a second application
/// writes nothing, and a transaction in which one partition would skip records is
/// refused as a whole (nothing written for any partition).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_partitions_in_one_transaction_project_exactly_once() {
    let entries = recording();
    let projection = projector::startup::projection();
    let target = projector::batch::Target::live(&projection);
    let per_partition = migrated_store().await;
    projector::replay::replay(&per_partition, target, &entries)
        .await
        .unwrap();

    let together = migrated_store().await;
    let runs = runs_of(&entries);
    assert!(runs.len() > 1, "the recording spans several partitions");
    let slices: Vec<projector::batch::Run<'_>> =
        runs.iter().map(|(p, r)| (*p, r.as_slice())).collect();
    let (head, tail): (Vec<_>, Vec<_>) = slices
        .iter()
        .map(|(p, r)| ((*p, &r[..1]), (*p, &r[1..])))
        .unzip();
    let refused = projector::batch::apply_live_runs(&together, target, &tail).await;
    assert!(refused.is_err(), "every run starts past its checkpoint");
    assert!(
        checkpoints(&together).await.is_empty(),
        "nothing was written"
    );

    let first = projector::batch::apply_live_runs(&together, target, &head)
        .await
        .unwrap();
    assert!(first.iter().all(|r| r.advanced));
    let rest = projector::batch::apply_live_runs(&together, target, &tail)
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|r| r.partition).collect::<Vec<_>>(),
        runs.keys().copied().collect::<Vec<_>>(),
        "one report per run, in order"
    );
    assert_eq!(tables(&together).await, tables(&per_partition).await);

    let again = projector::batch::apply_live_runs(&together, target, &slices)
        .await
        .unwrap();
    assert!(again.iter().all(|r| !r.advanced && r.applied == 0));
    assert_eq!(tables(&together).await, tables(&per_partition).await);
}
