//! Several writers in one consumer group split the partitions; a command sent to any of
//! them is forwarded to the partition's owner (found in the ownership directory) and
//! answered as if sent there.

use serde_json::{Value, json};

use crate::helpers::{Log, MEMBER, droplet_body, settings, spawn_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_reach_the_owner_of_their_partition_from_any_instance() {
    let log = Log::start();
    let first_settings = settings(&log, false);
    let mut second_settings = settings(&log, false);
    second_settings.writer.group_id = first_settings.writer.group_id.clone();
    let first = spawn_with(first_settings).await;
    let second = spawn_with(second_settings).await;
    let owned =
        |app: &crate::helpers::TestApp| app.writer.phases().iter().filter(|p| p.is_some()).count();
    let split = platform::testing::eventually(std::time::Duration::from_secs(60), || async {
        owned(&first) == 2 && owned(&second) == 2
    });
    assert!(split.await, "the group split the 4 partitions");
    first.wait_until_ready().await;

    // Keys route creates to every partition; half of them belong to the other instance.
    let mut ids = Vec::new();
    for i in 0..12 {
        let request = first
            .post("/api/v1/droplets", MEMBER)
            .header("Idempotency-Key", format!("fwd-{i}"));
        let response = request
            .json(&droplet_body(&format!("web-{i}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202, "create {i} answered by its owner");
        let body: Value = response.json().await.unwrap();
        ids.push(body["droplet"]["id"].as_str().unwrap().to_owned());
    }
    assert!(
        first.metric("clustergenie_commands_forwarded_total").await > 0.0,
        "some creates were forwarded"
    );
    for id in &ids {
        let response = second
            .action(id, json!({"type": "rename", "name": "x"}), None)
            .await;
        assert_eq!(
            response.status(),
            409,
            "the owner decided (droplet is locked while new)"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "RESOURCE_LOCKED");
    }
    assert!(second.metric("clustergenie_commands_forwarded_total").await > 0.0);
}

/// Each instance publishes the partitions it serves on the status board
/// (`/observability/partitions` in query-api reads these): together they cover every
/// partition, each once, as `serving` with the instance's own writer id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_instance_publishes_the_partitions_it_serves() {
    let log = Log::start();
    let first_settings = settings(&log, false);
    let mut second_settings = settings(&log, false);
    second_settings.writer.group_id = first_settings.writer.group_id.clone();
    let first = spawn_with(first_settings).await;
    let second = spawn_with(second_settings).await;
    let pool = platform::redis::pool(&platform::config::RedisSettings {
        url: platform::testing::redis_url(),
        key_prefix: log.redis_prefix.clone(),
    })
    .unwrap();
    let board = platform::status::StatusBoard::new(pool, &log.redis_prefix);
    let writers = [
        first.writer.writer_id().to_owned(),
        second.writer.writer_id().to_owned(),
    ];
    let covered = platform::testing::eventually(std::time::Duration::from_secs(60), || async {
        let reports: Vec<contract::observability::Partitions> =
            board.read("partitions").await.unwrap_or_default();
        let mut serving: Vec<i32> = reports
            .iter()
            .flat_map(|r| &r.partitions)
            .filter(|p| p.phase == "serving")
            .filter(|p| p.owner.as_ref().is_some_and(|o| writers.contains(o)))
            .map(|p| p.partition)
            .collect();
        serving.sort_unstable();
        reports.len() == 2 && serving == vec![0, 1, 2, 3]
    });
    assert!(
        covered.await,
        "both instances report, and every partition is served once"
    );
}
