//! The audit feed end to end: a droplet created through command-api shows up on the live
//! `/events:stream` of query-api (fed by the real projector's notifications) and in the
//! `/events` list, with the same event ids; its provisioning follows live.

use std::time::Duration;

use devtools::stack::{Stack, StackOptions};
use reqwest::Method;
use serde_json::{Value, json};

/// Reads the stream until an `audit` event satisfies `wanted`; fails after 30 s.
async fn audit_until(
    response: &mut reqwest::Response,
    buffer: &mut String,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                if !block.contains("event: audit") {
                    continue;
                }
                let data = block
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .expect("an audit event has data");
                let event: Value = serde_json::from_str(data).expect("JSON");
                if wanted(&event) {
                    return event;
                }
            }
            let chunk = response.chunk().await.expect("chunk").expect("stream open");
            buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .expect("the event arrived in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_droplet_streams_live_and_lists_in_the_audit_feed() {
    let stack = Stack::start(StackOptions::default()).await.unwrap();
    let mut stream = stack.query("/api/v1/events:stream").send().await.unwrap();
    assert_eq!(stream.status(), 200);
    let mut buffer = String::new();
    while !buffer.contains("event: ready") {
        let chunk = stream.chunk().await.unwrap().expect("ready");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }

    let response = stack
        .command(Method::POST, "/api/v1/droplets")
        .json(&json!({"name": "audit-1", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let token = response.headers()["consistency-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let created: Value = response.json().await.unwrap();
    let id = created["droplet"]["id"].as_str().unwrap().to_owned();

    let live = audit_until(&mut stream, &mut buffer, |e| e["aggregate"]["id"] == id).await;
    assert_eq!(live["type"], "droplet.creation_requested");
    assert_eq!(live["aggregate"]["kind"], "droplet");
    assert_eq!(live["aggregate_version"], 1);

    let listed: Value = stack
        .query_after(&format!("/api/v1/events?aggregate_id={id}"), &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&Value> = listed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["id"])
        .collect();
    assert!(ids.contains(&&live["id"]), "{listed:#}");

    // Provisioning runs on the simulated clock; its event follows on the same stream.
    stack.clock.advance(chrono::Duration::seconds(3));
    let provisioned = audit_until(&mut stream, &mut buffer, |e| {
        e["aggregate"]["id"] == id && e["type"] == "droplet.provisioned"
    })
    .await;
    assert!(provisioned["aggregate_version"].as_u64().unwrap() >= 2);
}
