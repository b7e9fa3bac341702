//! Integration tests replaying a recorded Kafka topic (issue 9 item 6): the multi-aggregate
//! recording `tests/fixtures/world.records.jsonl` (`record-world`: droplets, clusters and
//! pools, jobs, rate-limit policies, name reservations, a stale-writer segment and a poison
//! record) is imported into a fresh topic and projected by the real projector. The read
//! models equal the checked-in snapshot (per-table row digests, parked records); a second
//! fresh replay is identical; and a replay whose projector is killed at seeded random
//! points (its task aborted mid-batch, a new one started) ends identical too.

use std::collections::BTreeMap;

use cli::args::Command;
use platform::checksum::table_digest;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::world::{World, ends};

const WORLD: &str = include_str!("../fixtures/world.records.jsonl");

/// Every read-model table as `{rows, sha256}`, plus the parked records in order.
async fn snapshot(world: &World) -> Value {
    let primary = world.ctx.primary().await.unwrap();
    let mut conn = world.pool.acquire().await.unwrap();
    let mut tables = BTreeMap::new();
    for table in primary.model_tables(&primary.schema).await.unwrap() {
        let digest = table_digest(
            &mut conn,
            &primary.schema,
            &table,
            cli::commands::verify::excluded(&table),
        )
        .await
        .unwrap();
        tables.insert(
            table,
            json!({"rows": digest.rows.len(), "sha256": digest.sha256}),
        );
    }
    let parked: Vec<(i32, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT partition_id, record_offset, aggregate_type, reason FROM parked_event \
         ORDER BY partition_id, record_offset",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let parked: Vec<_> = parked
        .into_iter()
        .map(|(p, offset, kind, reason)| {
            let reason = if reason.starts_with("blocked by parked record ") {
                "blocked by parked record <head>".to_owned()
            } else {
                reason
            };
            (p, offset, kind, reason)
        })
        .collect();
    json!({"tables": tables, "parked": parked})
}

async fn imported_world() -> (World, BTreeMap<i32, i64>) {
    let world = World::new().await;
    let recording = platform::kafka::fixture::parse(WORLD).expect("a record file");
    assert!(
        recording.len() >= 300,
        "hundreds of records: {}",
        recording.len()
    );
    world
        .run(Command::Import {
            input: world.record_file(&recording),
            topic: world.topic(),
            create: None,
        })
        .await;
    (world, ends(&recording))
}

async fn projected_once() -> (World, Value) {
    let (world, ends) = imported_world().await;
    let live = world.spawn_projector().await;
    world.wait_for_live(&ends).await;
    live.stop().await;
    let snapshot = snapshot(&world).await;
    (world, snapshot)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_topic_replays_to_the_snapshot_and_again_identically() {
    let (world, first) = projected_once().await;
    insta::assert_json_snapshot!("world", first);
    // The CLI's own check agrees: the live tables equal a rebuild, table by table.
    let verified = world.run(Command::Verify { keep: false }).await;
    assert!(verified.ok, "{}", verified.text);
    let (_, second) = projected_once().await;
    assert_eq!(second, first, "a second replay of the same log differs");
}

/// The log arrives in seeded random chunks; after each, the projector is killed (its task
/// aborted, mid-batch or not) once it has applied a seeded random share of what exists,
/// and a new one resumes from the checkpoints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_with_the_projector_killed_at_random_points_is_identical() {
    let (_, expected) = projected_once().await;
    let world = World::new().await;
    let recording = platform::kafka::fixture::parse(WORLD).expect("a record file");
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut cuts: Vec<usize> = (0..4)
        .map(|_| rng.random_range(1..recording.len()))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut produced = 0;
    for cut in cuts {
        let live = world.spawn_projector().await;
        world.produce(&recording[produced..cut]).await;
        let at = rng.random_range(produced as i64 + 1..=cut as i64);
        let reached = platform::testing::eventually(crate::world::DEADLINE, || async {
            let done = cli::versions::checkpoints(&world.pool)
                .await
                .unwrap_or_default();
            done.values().sum::<i64>() >= at
        })
        .await;
        assert!(reached, "the projector did not get to {at} records");
        live.kill();
        produced = cut;
    }
    let live = world.spawn_projector().await;
    world.produce(&recording[produced..]).await;
    world.wait_for_live(&ends(&recording)).await;
    live.stop().await;
    assert_eq!(snapshot(&world).await, expected);
}
