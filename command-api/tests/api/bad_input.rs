//! Bad input gets the right problem and status, and nothing reaches the log.

use platform::testing::assert_problem;
use serde_json::json;

use crate::helpers::{Log, MEMBER, VIEWER, spawn_app};

fn non_claim_records(log: &Log) -> usize {
    log.records()
        .iter()
        .filter(|r| r.key.as_deref() != Some(b"claim".as_slice()))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_problems_and_write_nothing() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let url = format!("{}/api/v1/droplets", app.address);
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (app.client.post(&url).json(&json!({"name": "a"})), 401, "UNAUTHENTICATED"),
        (app.client.post(&url).bearer_auth("not-a-known-token-at-all").json(&json!({})), 401, "UNAUTHENTICATED"),
        (app.post("/api/v1/droplets", VIEWER).json(&crate::helpers::droplet_body("a")), 403, "PERMISSION_DENIED"),
        (app.post("/api/v1/droplets", MEMBER).json(&json!({"name": "web-1"})), 422, "VALIDATION_FAILED"),
        (
            app.post("/api/v1/droplets", MEMBER)
                .json(&json!({"name": "web-1", "region": "nyc1", "size": "s-9vcpu-64gb", "image": "debian-12-x64"})),
            422,
            "VALIDATION_FAILED",
        ),
        (
            app.post("/api/v1/droplets", MEMBER)
                .json(&json!({"name": "web-1", "region": "mars1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"})),
            422,
            "VALIDATION_FAILED",
        ),
        (
            app.post("/api/v1/droplets", MEMBER).header("content-type", "application/json").body("{\"name\": "),
            400,
            "INVALID_ARGUMENT",
        ),
        (app.post("/api/v1/droplets", MEMBER).json(&json!([1, 2])), 400, "INVALID_ARGUMENT"),
        (
            app.post("/api/v1/droplets", MEMBER).header("content-type", "text/plain").body("name=web"),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            app.post("/api/v1/droplets", MEMBER).json(&json!({"name": "x".repeat(300 * 1024)})),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            app.post("/api/v1/droplets", MEMBER).header("Idempotency-Key", "").json(&crate::helpers::droplet_body("a")),
            400,
            "INVALID_ARGUMENT",
        ),
        (app.post("/api/v1/droplets/not-a-uuid/actions", MEMBER).json(&json!({"type": "reboot"})), 404, "NOT_FOUND"),
        (app.post("/api/v1/nothing-here", MEMBER).json(&json!({})), 404, "NOT_FOUND"),
    ];
    for (request, expected_status, expected_code) in cases {
        assert_problem(
            request.send().await.unwrap(),
            expected_status,
            expected_code,
        )
        .await;
    }
    assert_eq!(non_claim_records(&log), 0, "no event was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_errors_point_into_the_body() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let body = json!({"id": "mine", "name": "-bad-", "region": "nyc1", "size": "c-8vcpu-16gb", "image": "nope"});
    let response = app
        .post("/api/v1/droplets", MEMBER)
        .json(&body)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422, "VALIDATION_FAILED").await;
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers.len(), 3, "{problem}");
    for pointer in ["#/id", "#/name", "#/image"] {
        assert!(pointers.contains(&pointer), "{pointer} in {pointers:?}");
    }
    assert_eq!(problem["metadata"]["invalid_fields"], 3);
}
