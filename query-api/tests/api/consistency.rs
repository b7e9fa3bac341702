//! Consistency tokens: a waiting read is released by a checkpoint bump and its
//! notification, a wait that runs out serves stale data with `X-Consistency: stale`, and
//! unparseable tokens are 400s.

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;

use crate::test_app::{ALICE, assert_problem, droplet, spawn_app, spawn_app_with, spawn_upstream};

#[tokio::test]
async fn a_waiting_read_is_released_by_the_projector_catching_up() {
    // The periodic re-check is pushed out of reach: only the notification can wake the waiters.
    let upstream = spawn_upstream();
    let app = spawn_app_with(|settings| {
        settings.consistency.recheck_ms = 60_000;
        settings.command_api_url = upstream;
    })
    .await;
    let row = droplet("alice", "fresh", Utc::now());
    let partition = app.partition_of(row.droplet_id);
    app.checkpoint(partition, 5).await;
    let token = format!("{partition}:9");
    let get = app
        .get(&format!("/api/v1/droplets/{}", row.droplet_id), ALICE)
        .header("x-min-consistency-token", &token)
        .header("prefer", "wait=10")
        .send();
    let list = app
        .get(
            &format!("/api/v1/droplets?consistency_token={token}"),
            ALICE,
        )
        .header("prefer", "wait=10")
        .send();
    let mut get = tokio::spawn(get);
    let list = tokio::spawn(list);
    // Both requests must still be waiting: the projector has not reached offset 9.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut get)
            .await
            .is_err()
    );
    assert!(!list.is_finished());

    app.insert(&row).await;
    app.checkpoint(partition, 10).await;
    app.publish(partition, 10, row.droplet_id).await;
    let released = Instant::now();

    let get = tokio::time::timeout(Duration::from_secs(5), get)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(released.elapsed() < Duration::from_secs(5));
    assert_eq!(get.status(), 200);
    assert!(get.headers().get("x-consistency").is_none());
    assert_eq!(
        get.headers()["consistency-token"],
        format!("{partition}:9").as_str()
    );
    let body: Value = get.json().await.unwrap();
    assert_eq!(body["name"], "fresh");

    let list = tokio::time::timeout(Duration::from_secs(5), list)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(list.status(), 200);
    assert!(list.headers().get("x-consistency").is_none());
    assert_eq!(
        list.headers()["consistency-token"],
        format!("{partition}:9").as_str()
    );
    let body: Value = list.json().await.unwrap();
    assert_eq!(body["droplets"][0]["name"], "fresh");
}

#[tokio::test]
async fn a_wait_that_runs_out_serves_current_data_marked_stale() {
    let app = spawn_app().await;
    let row = droplet("alice", "current", Utc::now());
    app.insert(&row).await;
    let partition = app.partition_of(row.droplet_id);
    app.checkpoint(partition, 5).await;
    let started = Instant::now();
    let response = app
        .get(&format!("/api/v1/droplets/{}", row.droplet_id), ALICE)
        .header("x-min-consistency-token", format!("{partition}:100"))
        .header("prefer", "wait=0.5")
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-consistency"], "stale");
    assert_eq!(
        response.headers()["consistency-token"],
        format!("{partition}:4").as_str()
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["name"], "current");

    let list = app
        .get(
            &format!("/api/v1/droplets?consistency_token={partition}:100"),
            ALICE,
        )
        .header("prefer", "wait=0")
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(list.headers()["x-consistency"], "stale");
}

#[tokio::test]
async fn unparseable_tokens_are_400() {
    let app = spawn_app().await;
    for token in ["garbage", "1:", ":3", "99:1", "1:2;3:4"] {
        let header = app
            .get("/api/v1/droplets", ALICE)
            .header("x-min-consistency-token", token)
            .send()
            .await
            .unwrap();
        assert_problem(header, 400, "INVALID_CONSISTENCY_TOKEN").await;
    }
    let id = uuid::Uuid::now_v7();
    let query = app
        .get(&format!("/api/v1/droplets/{id}?consistency_token=x"), ALICE)
        .send()
        .await
        .unwrap();
    assert_problem(query, 400, "INVALID_CONSISTENCY_TOKEN").await;
}
