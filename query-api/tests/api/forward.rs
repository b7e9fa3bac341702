//! The relay of mutations to command-api: method, path, query, headers and body arrive
//! intact, the answer comes back unchanged, and an unreachable command-api is a 503.

use serde_json::Value;

use crate::test_app::{ALICE, assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn mutations_are_relayed_unchanged_both_ways() {
    let app = spawn_app().await;
    let body =
        r#"{"name":"web-1","region":"nyc1","size":"s-1vcpu-1gb","image":"ubuntu-22-04-x64"}"#;
    let response = app
        .client
        .post(format!("{}/api/v1/droplets?dry_run=true", app.address))
        .bearer_auth(ALICE)
        .header("content-type", "application/json")
        .header("idempotency-key", "key-123")
        .header("if-match", "\"7\"")
        .header("x-request-id", "req-relay-1")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(response.headers()["x-upstream"], "command-api");
    assert_eq!(response.headers()["consistency-token"], "3:4");
    assert_eq!(response.headers()["x-request-id"], "req-relay-1");
    let echo: Value = response.json().await.unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["path"], "/api/v1/droplets?dry_run=true");
    assert_eq!(echo["body"], body);
    let headers = &echo["headers"];
    assert_eq!(headers["authorization"], format!("Bearer {ALICE}").as_str());
    assert_eq!(headers["idempotency-key"], "key-123");
    assert_eq!(headers["if-match"], "\"7\"");
    assert_eq!(headers["x-request-id"], "req-relay-1");
    assert_eq!(headers["content-type"], "application/json");

    for method in [
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
        reqwest::Method::PUT,
    ] {
        let url = format!(
            "{}/api/v1/droplets/0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a37",
            app.address
        );
        let response = app
            .client
            .request(method.clone(), url)
            .bearer_auth(ALICE)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let echo: Value = response.json().await.unwrap();
        assert_eq!(echo["method"], method.as_str());
    }
}

#[tokio::test]
async fn anonymous_and_oversized_mutations_are_refused_before_relaying() {
    let app = spawn_app().await;
    let anonymous = app
        .client
        .post(format!("{}/api/v1/droplets", app.address))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401, "UNAUTHENTICATED").await;
    let huge = app
        .client
        .post(format!("{}/api/v1/droplets", app.address))
        .bearer_auth(ALICE)
        .body(vec![b'x'; 65 * 1024])
        .send()
        .await
        .unwrap();
    assert_problem(huge, 413, "PAYLOAD_TOO_LARGE").await;
}

#[tokio::test]
async fn an_unreachable_command_api_is_a_503_with_retry_after() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let app = spawn_app_with(|settings| settings.command_api_url = dead).await;
    let response = app
        .client
        .post(format!("{}/api/v1/droplets", app.address))
        .bearer_auth(ALICE)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("retry-after"));
    assert_problem(response, 503, "UNAVAILABLE").await;
}
