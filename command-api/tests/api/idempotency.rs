//! Idempotency-Key (api.md §5): a retry replays the stored outcome and appends nothing;
//! the same key with another body is refused; domain rejections are remembered.

use serde_json::{Value, json};

use crate::helpers::{Log, MEMBER, droplet_body, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_twice_appends_once_and_replays_the_response() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let send = || {
        app.post("/api/v1/droplets", MEMBER)
            .header("Idempotency-Key", "key-1")
            .json(&droplet_body("web-1"))
            .send()
    };
    let first = send().await.unwrap();
    let second = send().await.unwrap();
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (202, 202)
    );
    assert!(first.headers().get("idempotent-replayed").is_none());
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    for header in ["etag", "location", "consistency-token"] {
        assert_eq!(
            first.headers()[header],
            second.headers()[header],
            "{header} differs"
        );
    }
    let (a, b) = (first.bytes().await.unwrap(), second.bytes().await.unwrap());
    assert_eq!(a, b, "identical bodies");
    let id = serde_json::from_slice::<Value>(&a).unwrap()["droplet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(log.batches_of(&id).len(), 1, "one event for two requests");
    let creates = log
        .records()
        .iter()
        .filter(|r| {
            r.headers
                .iter()
                .any(|(k, v)| k == "cg-event-types" && v == b"droplet.creation_requested")
        })
        .count();
    assert_eq!(creates, 1, "one droplet for two requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_with_another_body_is_422() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let first = app
        .post("/api/v1/droplets", MEMBER)
        .header("Idempotency-Key", "key-2")
        .json(&droplet_body("web-1"));
    assert_eq!(first.send().await.unwrap().status(), 202);
    let other = app
        .post("/api/v1/droplets", MEMBER)
        .header("Idempotency-Key", "key-2")
        .json(&droplet_body("web-2"));
    let response = other.send().await.unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "IDEMPOTENCY_KEY_REUSED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_rejection_is_replayed_for_the_same_key() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, _) = app.create_droplet("web-1").await;
    let path = format!("/api/v1/droplets/{id}/actions");
    let send = || {
        app.post(&path, MEMBER)
            .header("Idempotency-Key", "key-3")
            .json(&json!({"type": "reboot"}))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 409);
    // The droplet becomes active meanwhile; the retry still gets the remembered answer.
    app.clock.advance(chrono::Duration::seconds(3));
    let provisioned = platform::testing::eventually(std::time::Duration::from_secs(10), || async {
        log.batches_of(&id).len() == 2
    });
    assert!(provisioned.await);
    let second = send().await.unwrap();
    assert_eq!(second.status(), 409);
    let problem: Value = second.json().await.unwrap();
    assert_eq!(problem["code"], "RESOURCE_LOCKED");
}
