//! A zombie writer's append, seen from the read side: the projector ignores the batch
//! stamped with a superseded claim, so the read model never shows it.

use std::time::Duration;

use devtools::stack::{Stack, StackOptions};
use domain::record::Record;
use platform::testing::{eventually, read_topic};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_projector_ignores_a_zombie_batch() {
    let mut stack = Stack::start(StackOptions {
        provisioner: false,
        ..StackOptions::default()
    })
    .await
    .unwrap();
    let body =
        json!({"name": "web-1", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"});
    let created: Value = stack
        .command(Method::POST, "/api/v1/droplets")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["droplet"]["id"].as_str().unwrap().to_owned();

    let zombie = stack.writers[0].clone();
    zombie.pause_reader(true);
    let stale_url = stack.command_url.clone();
    stack.start_command_api().await.unwrap();
    let request = stack
        .client
        .delete(format!("{stale_url}/api/v1/droplets/{id}"))
        .bearer_auth(devtools::stack::TOKEN)
        .header("If-Match", "\"1\"")
        .send();
    let pending = tokio::spawn(request);
    let batches = || {
        read_topic(&stack.brokers, &stack.topic())
            .into_iter()
            .filter(|e| matches!(proto::decode_record(e.value.as_deref().unwrap_or_default()), Ok(Record::Batch(b)) if b.header.aggregate_id.to_string() == id))
            .collect::<Vec<_>>()
    };
    assert!(
        eventually(Duration::from_secs(10), || async { batches().len() == 2 }).await,
        "zombie batch appended"
    );
    zombie.pause_reader(false);
    assert_eq!(
        pending.await.unwrap().unwrap().status(),
        503,
        "no 2xx for the zombie's client"
    );

    let zombie_record = batches().pop().unwrap();
    let token = format!("{}:{}", zombie_record.partition, zombie_record.offset);
    let response = stack
        .query_after(&format!("/api/v1/droplets/{id}"), &token)
        .send()
        .await
        .unwrap();
    assert!(
        response.headers().get("x-consistency").is_none(),
        "the projector passed the zombie record"
    );
    let droplet: Value = response.json().await.unwrap();
    assert_eq!(
        (droplet["version"].as_u64(), droplet["status"].as_str()),
        (Some(1), Some("new"))
    );
}
