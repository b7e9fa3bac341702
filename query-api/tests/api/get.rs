//! `GET /api/v1/droplets/{id}`: owner scoping, ETag and 304, the partition's consistency
//! token and the Redis cache in front of MariaDB.

use chrono::Utc;
use serde_json::Value;
use views::StateRow;

use crate::test_app::{ADMIN, ALICE, BOB, assert_problem, droplet, spawn_app};

#[tokio::test]
async fn own_droplet_is_returned_with_etag_and_304_on_match() {
    let app = spawn_app().await;
    let row = droplet("alice", "web-1", Utc::now());
    app.insert(&row).await;
    let partition = app.partition_of(row.droplet_id);
    app.checkpoint(partition, 8).await;
    let path = format!("/api/v1/droplets/{}", row.droplet_id);
    // The checkpoint was written behind query-api's back (no notification): the periodic
    // re-read of the checkpoint table picks it up.
    let expected = format!("{partition}:7");
    let known = platform::testing::eventually(std::time::Duration::from_secs(5), || async {
        let response = app.get(&path, ALICE).send().await.unwrap();
        response
            .headers()
            .get("consistency-token")
            .is_some_and(|t| t == expected.as_str())
    });
    assert!(
        known.await,
        "the checkpoint became known without a notification"
    );

    let response = app.get(&path, ALICE).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"3\"");
    assert_eq!(
        response.headers()["consistency-token"],
        format!("{partition}:7").as_str()
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, row.to_resource());

    let cached = app
        .get(&path, ALICE)
        .header("if-none-match", "\"3\"")
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
    assert_eq!(cached.headers()["etag"], "\"3\"");
    assert!(cached.bytes().await.unwrap().is_empty());
    let changed = app
        .get(&path, ALICE)
        .header("if-none-match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
}

#[tokio::test]
async fn other_owners_unknown_and_malformed_ids_are_404() {
    let app = spawn_app().await;
    let row = droplet("bob", "db-1", Utc::now());
    app.insert(&row).await;
    let path = format!("/api/v1/droplets/{}", row.droplet_id);
    assert_problem(
        app.get(&path, ALICE).send().await.unwrap(),
        404,
        "NOT_FOUND",
    )
    .await;
    assert_eq!(app.get(&path, BOB).send().await.unwrap().status(), 200);
    assert_eq!(app.get(&path, ADMIN).send().await.unwrap().status(), 200);
    let unknown = format!("/api/v1/droplets/{}", uuid::Uuid::now_v7());
    assert_problem(
        app.get(&unknown, BOB).send().await.unwrap(),
        404,
        "NOT_FOUND",
    )
    .await;
    let malformed = app
        .get("/api/v1/droplets/not-a-uuid", BOB)
        .send()
        .await
        .unwrap();
    assert_problem(malformed, 404, "NOT_FOUND").await;
}

#[tokio::test]
async fn the_cache_is_read_first_unless_a_consistency_token_is_given() {
    let app = spawn_app().await;
    let row = droplet("alice", "from-db", Utc::now());
    app.insert(&row).await;
    let mut newer = row.clone();
    newer.name = "from-cache".into();
    newer.version = 4;
    app.cache(&newer).await;
    let partition = app.partition_of(row.droplet_id);
    app.checkpoint(partition, 1).await;
    let path = format!("/api/v1/droplets/{}", row.droplet_id);

    let response = app.get(&path, ALICE).send().await.unwrap();
    assert_eq!(response.headers()["etag"], "\"4\"");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["name"], "from-cache");

    let token = format!("{partition}:0");
    let consistent = app
        .get(&path, ALICE)
        .header("x-min-consistency-token", token)
        .send()
        .await
        .unwrap();
    assert!(consistent.headers().get("x-consistency").is_none());
    let body: Value = consistent.json().await.unwrap();
    assert_eq!(body["name"], "from-db");
}
