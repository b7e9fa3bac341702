//! `/readyz` reflects Kafka and Loki: ready with both up, not ready (naming Loki) once
//! the Loki receiver is gone; with pushing off, Loki is reported degraded and the service
//! stays ready while lines still reach `log_lines`.

use crate::receiver::Receiver;
use crate::support::{World, eventually, record};

#[tokio::test]
async fn readyz_goes_not_ready_when_loki_is_down() {
    let loki = Receiver::start();
    let world = World::new(&["command-api"], &loki.url).await;
    let app = world.start().await;
    let body = eventually("ready", || async {
        let (status, body) = app.get("/readyz").await;
        (status == 200).then_some(body)
    })
    .await;
    let body: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["checks"]["kafka"]["status"], "up");
    assert_eq!(body["checks"]["loki"]["status"], "up");
    assert_eq!(body["checks"]["mariadb"]["status"], "up");

    loki.stop().await;
    let body = eventually("not ready", || async {
        let (status, body) = app.get("/readyz").await;
        (status == 503).then_some(body)
    })
    .await;
    let body: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["checks"]["loki"]["status"], "down");
    assert_eq!(body["checks"]["kafka"]["status"], "up");
    app.stop().await;
}

#[tokio::test]
async fn with_loki_off_lines_still_reach_log_lines_and_the_service_is_ready() {
    let world = World::new(&["command-api"], "").await;
    world
        .produce(
            "command-api",
            &[record(
                "command-api",
                "info",
                "2026-12-05T10:00:00Z",
                "only MariaDB",
                "",
            )],
        )
        .await;
    let app = world.start().await;
    eventually("the line in log_lines", || async {
        (world.log_lines().await.len() == 1).then_some(())
    })
    .await;
    let body = eventually("ready", || async {
        let (status, body) = app.get("/readyz").await;
        (status == 200).then_some(body)
    })
    .await;
    let body: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["checks"]["loki"]["status"], "degraded");
    let (status, metrics) = app.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("http_server_request_duration_seconds_count"),
        "{metrics}"
    );
    eventually("offsets committed", || async {
        (world.committed("command-api") == Some(1)).then_some(())
    })
    .await;
    app.stop().await;
}
