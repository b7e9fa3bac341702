//! The droplet lifecycle through HTTP: create, provisioning by the reconciler under a
//! manual clock, actions with ETags, delete, ownership, and restore after a restart.

use std::time::Duration;

use platform::testing::eventually;
use serde_json::json;

use crate::helpers::{Log, MEMBER, OTHER, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_answers_202_with_headers_and_a_snapshot() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let response = app
        .post("/api/v1/droplets", MEMBER)
        .json(&crate::helpers::droplet_body("web-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let token = response.headers()["consistency-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    let id = body["droplet"]["id"].as_str().unwrap();
    assert_eq!(etag, "\"1\"");
    assert_eq!(location, format!("/api/v1/droplets/{id}"));
    assert_eq!(body["droplet"]["status"], "new");
    assert_eq!(body["droplet"]["locked"], true);
    assert_eq!(body["operation"]["type"], "droplet.create");
    let (partition, offset) = token.split_once(':').expect("p:offset");
    assert_eq!(
        partition.parse::<i32>().unwrap(),
        app.writer.partition_of(&id.parse().unwrap())
    );
    let batches = log.batches_of(id);
    assert_eq!(batches.len(), 1, "exactly one record for one command");
    let record = log
        .records()
        .into_iter()
        .find(|r| r.offset.to_string() == offset && r.partition.to_string() == partition);
    assert!(
        record.is_some(),
        "the consistency token points at the record"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provisioner_activates_droplets_when_their_time_comes() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, _) = app.create_droplet("web-1").await;
    // Before the simulated delay nothing happens, whatever the wall clock does.
    assert_eq!(log.batches_of(&id).len(), 1);
    app.clock.advance(chrono::Duration::seconds(3));
    let provisioned = eventually(Duration::from_secs(10), || async {
        log.batches_of(&id).len() == 2
    })
    .await;
    assert!(provisioned, "the provisioner issued MarkProvisioned");
    let response = app.action(&id, json!({"type": "power_off"}), Some(2)).await;
    assert_eq!(response.status(), 202);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["droplet"]["status"], "off");
    assert!(
        body["droplet"]["networks"]["v4"][0]["ip_address"]
            .as_str()
            .unwrap()
            .starts_with("10.1.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_transitions_and_locks_are_409_with_metadata() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, _) = app.create_droplet("web-1").await;
    let locked = app.action(&id, json!({"type": "reboot"}), None).await;
    assert_eq!(locked.status(), 409);
    let problem: serde_json::Value = locked.json().await.unwrap();
    assert_eq!(problem["code"], "RESOURCE_LOCKED");
    app.clock.advance(chrono::Duration::seconds(3));
    assert!(
        eventually(Duration::from_secs(10), || async {
            log.batches_of(&id).len() == 2
        })
        .await
    );
    let invalid = app.action(&id, json!({"type": "power_on"}), None).await;
    assert_eq!(invalid.status(), 409);
    let problem: serde_json::Value = invalid.json().await.unwrap();
    assert_eq!(problem["code"], "INVALID_STATE_TRANSITION");
    assert_eq!(problem["metadata"]["from"], "active");
    assert_eq!(
        problem["metadata"]["allowed_actions"],
        json!([
            "power_off",
            "shutdown",
            "reboot",
            "power_cycle",
            "rename",
            "rebuild",
            "snapshot",
            "migrate",
            "delete"
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_runs_to_deleted_and_other_owners_see_404() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, _) = app.create_droplet("web-1").await;
    let foreign = app
        .delete(&format!("/api/v1/droplets/{id}"), OTHER)
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign.status(),
        404,
        "someone else's droplet does not exist for bob"
    );
    let response = app
        .delete(&format!("/api/v1/droplets/{id}"), MEMBER)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    app.clock.advance(chrono::Duration::seconds(5));
    let deleted = eventually(Duration::from_secs(10), || async {
        log.batches_of(&id)
            .iter()
            .any(|b| b.events[0].event_type == "droplet.deleted")
    })
    .await;
    assert!(
        deleted,
        "deletion completed; the late provisioning was refused"
    );
    let types: Vec<String> = log
        .batches_of(&id)
        .iter()
        .map(|b| b.events[0].event_type.clone())
        .collect();
    assert_eq!(
        types[..3],
        [
            "droplet.creation_requested",
            "droplet.deletion_requested",
            "droplet.deleted"
        ]
    );
    assert!(
        types[3..].iter().all(|t| t == "droplet.name_released"),
        "{types:?}"
    );
    let missing = app.delete(
        "/api/v1/droplets/0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a37?allow_missing=true",
        MEMBER,
    );
    assert_eq!(missing.send().await.unwrap().status(), 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_writer_restores_state_from_the_log() {
    let log = Log::start();
    let first = spawn_app(&log).await;
    let (id, _) = first.create_droplet("web-1").await;
    let renamed_before_restart = first
        .delete(&format!("/api/v1/droplets/{id}"), MEMBER)
        .header("If-Match", "\"1\"");
    assert_eq!(renamed_before_restart.send().await.unwrap().status(), 202);
    drop(first);
    let second = spawn_app(&log).await;
    // Version 2 (deleting) is restored: a stale If-Match is refused, the right one is not.
    let stale = second
        .delete(&format!("/api/v1/droplets/{id}"), MEMBER)
        .header("If-Match", "\"1\"");
    let stale = stale.send().await.unwrap();
    assert_eq!(stale.status(), 412);
    assert_eq!(stale.headers()["etag"], "\"2\"");
}
