//! Read-your-writes through the consistency token, and the list endpoint over what the
//! projector built from command-api's records.

use devtools::stack::{Stack, StackOptions};
use reqwest::Method;
use serde_json::{Value, json};

fn body(name: &str, region: &str) -> Value {
    json!({"name": name, "region": region, "size": "s-1vcpu-1gb", "image": "debian-12-x64"})
}

async fn create(stack: &Stack, name: &str, region: &str) -> (String, String) {
    let response = stack
        .command(Method::POST, "/api/v1/droplets")
        .json(&body(name, region))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let token = response.headers()["consistency-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let created: Value = response.json().await.unwrap();
    (created["droplet"]["id"].as_str().unwrap().to_owned(), token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_get_with_the_token_sees_the_new_droplet_at_once() {
    let stack = Stack::start(StackOptions::default()).await.unwrap();
    let (id, token) = create(&stack, "web-1", "nyc1").await;
    let response = stack
        .query_after(&format!("/api/v1/droplets/{id}"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("x-consistency").is_none(),
        "not stale"
    );
    assert_eq!(response.headers()["etag"], "\"1\"");
    let droplet: Value = response.json().await.unwrap();
    assert_eq!(
        (droplet["name"].as_str(), droplet["status"].as_str()),
        (Some("web-1"), Some("new"))
    );

    // Provisioning happens on the simulated clock; its effect is read the same way.
    stack.clock.advance(chrono::Duration::seconds(3));
    let token = std::sync::Mutex::new(String::new());
    let off = platform::testing::eventually(std::time::Duration::from_secs(10), || async {
        let action = stack
            .command(Method::POST, &format!("/api/v1/droplets/{id}/actions"))
            .json(&json!({"type": "power_off"}));
        match action.send().await {
            Ok(r) if r.status() == 202 => {
                *token.lock().unwrap() = r.headers()["consistency-token"]
                    .to_str()
                    .unwrap()
                    .to_owned();
                true
            }
            _ => false,
        }
    });
    assert!(off.await, "the droplet became active and was powered off");
    let token = token.lock().unwrap().clone();
    let response = stack
        .query_after(&format!("/api/v1/droplets/{id}"), &token)
        .send()
        .await
        .unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let droplet: Value = response.json().await.unwrap();
    assert_eq!(droplet["status"], "off");
    assert!(
        droplet["networks"]["v4"][0]["ip_address"].is_string(),
        "the address is projected"
    );
    let refreshed = stack
        .query(&format!("/api/v1/droplets/{id}"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(etag, "\"3\"", "created, provisioned, powered off");
    assert_eq!(
        refreshed.status(),
        304,
        "If-None-Match with the current tag is 304"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_filter_and_paginate_what_was_written() {
    let stack = Stack::start(StackOptions {
        provisioner: false,
        ..StackOptions::default()
    })
    .await
    .unwrap();
    let mut tokens = Vec::new();
    for (i, region) in ["nyc1", "ams3", "nyc1", "fra1", "nyc1"].iter().enumerate() {
        tokens.push(create(&stack, &format!("web-{i}"), region).await.1);
    }
    let all_tokens = tokens.join(",");
    let mut names = Vec::new();
    let base = "/api/v1/droplets?page_size=2&order_by=name&filter=region%3D%22nyc1%22";
    let mut path = base.to_owned();
    loop {
        let response = stack.query_after(&path, &all_tokens).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        assert_eq!(page["meta"]["total"], 3);
        names.extend(
            page["droplets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["name"].as_str().unwrap().to_owned()),
        );
        match page.get("next_page_token") {
            Some(next) => path = format!("{base}&page_token={}", next.as_str().unwrap()),
            None => break,
        }
        if names.len() > 3 {
            break;
        }
    }
    assert_eq!(names, ["web-0", "web-2", "web-4"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutations_sent_to_query_api_are_relayed_to_command_api() {
    let stack = Stack::start(StackOptions {
        provisioner: false,
        ..StackOptions::default()
    })
    .await
    .unwrap();
    let url = format!("{}/api/v1/droplets", stack.query_url);
    let response = stack
        .client
        .post(url)
        .bearer_auth(devtools::stack::TOKEN)
        .json(&body("web-9", "lon1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert!(response.headers().contains_key("consistency-token"));
}
