//! Authentication, service routes, unknown routes and the SPA fallback.

use serde_json::Value;

use crate::test_app::{ALICE, assert_problem, spawn_app};

#[tokio::test]
async fn api_routes_need_a_valid_bearer_token() {
    let app = spawn_app().await;
    let anonymous = app
        .client
        .get(format!("{}/api/v1/droplets", app.address))
        .header("x-request-id", "req-123")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    let body = assert_problem(anonymous, 401, "UNAUTHENTICATED").await;
    assert_eq!(body["request_id"], "req-123");
    assert_eq!(body["instance"], "/api/v1/droplets");
    let wrong = app
        .get("/api/v1/droplets/x", "not-a-known-token-at-all")
        .send()
        .await
        .unwrap();
    assert_problem(wrong, 401, "UNAUTHENTICATED").await;
}

#[tokio::test]
async fn service_routes_answer_without_a_token() {
    let app = spawn_app().await;
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["checks"]["mariadb"]["status"], "up");
    assert_eq!(ready["checks"]["redis"]["status"], "up");
    app.get("/api/v1/droplets", ALICE).send().await.unwrap();
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(
        metrics
            .text()
            .await
            .unwrap()
            .contains("http_server_request_duration_seconds_count")
    );
}

#[tokio::test]
async fn unknown_api_routes_are_404_problems_and_client_routes_get_the_spa() {
    let app = spawn_app().await;
    let unknown = app.get("/api/v1/nothing-here", ALICE).send().await.unwrap();
    assert_problem(unknown, 404, "NOT_FOUND").await;
    let other = app.get("/api/v2/droplets", ALICE).send().await.unwrap();
    assert_problem(other, 404, "NOT_FOUND").await;
    for path in ["/", "/droplets/some-id"] {
        let page = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert!(page.text().await.unwrap().contains("ClusterGenie SPA"));
    }
}
