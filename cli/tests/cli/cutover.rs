//! Rebuild and cutover under a running projector: the log arrives in three parts — before
//! the rebuild, between rebuild and cutover (the live projector applies it to the old
//! tables, the cutover catches the new version up), and after the cutover (only the live
//! projector applies it, now to the new tables). Afterwards the live read models equal a
//! rebuild of the whole log, the control table names the new version live, the old
//! tables sit in their own schema, and the projector never stopped.

use std::collections::BTreeMap;

use cli::args::{Command, Selection};
use platform::kafka::LogEntry;

use crate::world::{World, droplets, ends, fixture, insert_log_sink_rows, log_sink_lines};

/// The records of each partition split at the given fractions of its length.
fn thirds(entries: &[LogEntry]) -> [Vec<LogEntry>; 3] {
    let mut by_partition: BTreeMap<i32, Vec<LogEntry>> = BTreeMap::new();
    for e in entries {
        by_partition.entry(e.partition).or_default().push(e.clone());
    }
    let mut parts: [Vec<LogEntry>; 3] = Default::default();
    for records in by_partition.values() {
        let n = records.len();
        let (a, b) = (n / 3, (2 * n) / 3);
        parts[0].extend_from_slice(&records[..a]);
        parts[1].extend_from_slice(&records[a..b]);
        parts[2].extend_from_slice(&records[b..]);
    }
    parts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuilt_version_goes_live_under_a_running_projector() {
    let world = World::new().await;
    let recording = fixture();
    let [first, second, third] = thirds(&recording);
    let live = world.spawn_projector().await;
    world.produce(&first).await;
    world.wait_for_live(&ends(&first)).await;

    let built = world
        .run(Command::Replay {
            version: None,
            selection: Selection::default(),
        })
        .await;
    let version = built.json["version"]["version"].as_u64().unwrap() as u32;
    assert_eq!(version, 1);
    assert_eq!(built.json["version"]["state"], "ready");
    assert_eq!(built.json["totals"]["read"], first.len());

    world.produce(&second).await;
    insert_log_sink_rows(&world.pool, "logs.command-api:0:7").await;
    let cut = world.run(Command::Cutover { version }).await;
    assert_eq!(
        (cut.json["live"].as_u64(), cut.json["retired"].as_u64()),
        (Some(1), Some(0)),
        "{}",
        cut.text
    );

    world.produce(&third).await;
    world.wait_for_live(&ends(&recording)).await;
    assert_eq!(
        log_sink_lines(&world.pool).await,
        ["logs.command-api:0:7"],
        "log-consumer's lines follow the live table"
    );
    let parked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_parked")
        .fetch_one(&world.pool)
        .await
        .unwrap();
    assert_eq!(parked, 1, "log_parked stays in the primary schema");
    let again = world.run(Command::Cutover { version }).await;
    assert_eq!(again.json["already_live"], true, "{}", again.text);
    let verified = world.run(Command::Verify { keep: false }).await;
    assert!(verified.ok, "{}", verified.text);
    assert_eq!(droplets(&world.pool).await.len(), 3);

    let versions = world.run(Command::Versions).await;
    let states: Vec<(u64, String)> = versions.json["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_u64().unwrap(),
                v["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![(0, "retired".to_owned()), (1, "live".to_owned())]
    );
    // The retired tables hold what the old live tables held: the first two parts at most.
    let retired_schema = versions.json["versions"][0]["schema_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let retired = sqlx::MySqlPool::connect(&format!(
        "{}/{retired_schema}",
        platform::testing::database_server_url()
    ))
    .await
    .unwrap();
    let retired_checkpoints = cli::versions::checkpoints(&retired).await.unwrap();
    let before_third = ends(&[first.clone(), second.clone()].concat());
    assert!(
        retired_checkpoints
            .iter()
            .all(|(p, at)| *at <= before_third.get(p).copied().unwrap_or(0)),
        "the retired tables stopped before the third part: {retired_checkpoints:?}"
    );
    live.stop().await;
}

/// The live path never advances a checkpoint over records it has not seen: a batch that
/// starts past the checkpoint (as after a swap to a version a few records behind) is
/// refused without writing anything, and applies once the gap is filled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_path_refuses_a_batch_that_starts_past_its_checkpoint() {
    let world = World::new().await;
    let recording: Vec<LogEntry> = fixture().into_iter().filter(|e| e.partition == 1).collect();
    assert!(recording.len() > 4);
    let projection = projector::startup::projection();
    let target = projector::batch::Target::live(&projection);
    let (head, tail) = recording.split_at(2);
    let refused = projector::batch::apply_live(&world.pool, target, 1, &tail[1..]).await;
    assert!(
        refused.is_err(),
        "a batch past the checkpoint must be refused"
    );
    assert!(
        cli::versions::checkpoints(&world.pool)
            .await
            .unwrap()
            .is_empty()
    );

    projector::batch::apply_live(&world.pool, target, 1, head)
        .await
        .unwrap();
    let still = projector::batch::apply_live(&world.pool, target, 1, &tail[1..]).await;
    assert!(still.is_err(), "offset {} is still missing", tail[0].offset);
    projector::batch::apply_live(&world.pool, target, 1, tail)
        .await
        .unwrap();
    let at = cli::versions::checkpoints(&world.pool).await.unwrap();
    assert_eq!(
        at.get(&1).copied(),
        Some(recording.last().unwrap().offset + 1)
    );
}
