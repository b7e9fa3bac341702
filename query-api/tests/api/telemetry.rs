//! `GET /clusters/{id}/metrics` (paging newest first, `type` and `since` filters, owner
//! scope, never writes) and `GET /clusters/{id}/health` (healthy, warning, critical,
//! stale samples ignored, unknown → 404), on rows written the way the projector's
//! samples subscription writes them.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use contract::telemetry::{ClusterHealth, MetricSamplePage};
use serde_json::Value;
use uuid::Uuid;

use crate::test_app::{ALICE, BOB, TestApp, cluster, pool, spawn_app};

/// Writes one sample and moves the latest forward, as the projector does.
async fn sample(
    app: &TestApp,
    cluster_id: Uuid,
    node: Uuid,
    metric: &str,
    value: f64,
    at: DateTime<Utc>,
) -> Uuid {
    let id = Uuid::now_v7();
    let unit = if metric == "network" { "Mbps" } else { "%" };
    let at = at.trunc_subsecs(6);
    sqlx::query(
        "INSERT INTO metric_sample (sample_id, cluster_id, node_id, metric_type, value, unit, sampled_at, source) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 'api')",
    )
    .bind(id)
    .bind(cluster_id)
    .bind(node)
    .bind(metric)
    .bind(value)
    .bind(unit)
    .bind(at)
    .execute(&app.db)
    .await
    .expect("sample inserts");
    sqlx::query(
        "REPLACE INTO metric_latest (cluster_id, node_id, metric_type, value, unit, sampled_at, sample_id) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(cluster_id)
    .bind(node)
    .bind(metric)
    .bind(value)
    .bind(unit)
    .bind(at)
    .bind(id)
    .execute(&app.db)
    .await
    .expect("latest upserts");
    id
}

async fn alice_cluster(app: &TestApp) -> Uuid {
    let row = cluster(
        "alice",
        "metrics-c",
        Utc::now() - Duration::hours(1),
        &[pool("p", 2)],
    );
    app.insert_cluster(&row).await;
    row.cluster_id
}

async fn health(app: &TestApp, id: Uuid) -> ClusterHealth {
    let response = app
        .get(&format!("/api/v1/clusters/{id}/health"), ALICE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    platform::testing::conforms(&response.json::<Value>().await.unwrap())
}

#[tokio::test]
async fn health_without_samples_is_healthy() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    let h = health(&app, id).await;
    assert_eq!((h.status.as_str(), h.issues.len()), ("healthy", 0));
    assert_eq!((h.window.as_str(), h.window_seconds), ("PT300S", 300));
}

#[tokio::test]
async fn hot_cpu_is_a_warning_with_evidence() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    let node = Uuid::now_v7();
    sample(&app, id, node, "cpu", 85.5, Utc::now()).await;
    sample(&app, id, node, "memory", 40.0, Utc::now()).await;
    let h = health(&app, id).await;
    assert_eq!(h.status, "warning");
    assert_eq!(h.issues.len(), 1);
    let issue = &h.issues[0];
    assert_eq!(
        (issue.metric.as_str(), issue.value, issue.threshold),
        ("cpu", 85.5, 80.0)
    );
    assert_eq!((issue.node_id, issue.severity.as_str()), (node, "warning"));
}

#[tokio::test]
async fn full_memory_or_disk_is_critical_and_never_downgraded_by_cpu() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    sample(
        &app,
        id,
        a,
        "memory",
        91.0,
        Utc::now() - Duration::seconds(30),
    )
    .await;
    sample(&app, id, a, "cpu", 10.0, Utc::now()).await;
    sample(&app, id, b, "disk", 95.0, Utc::now()).await;
    sample(&app, id, b, "cpu", 88.0, Utc::now()).await;
    let h = health(&app, id).await;
    assert_eq!(h.status, "critical");
    let severities: Vec<&str> = h.issues.iter().map(|i| i.severity.as_str()).collect();
    assert_eq!(severities, ["critical", "critical", "warning"]);
}

#[tokio::test]
async fn samples_outside_the_window_do_not_count() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    sample(
        &app,
        id,
        Uuid::now_v7(),
        "disk",
        99.0,
        Utc::now() - Duration::minutes(6),
    )
    .await;
    assert_eq!(health(&app, id).await.status, "healthy");
}

#[tokio::test]
async fn unknown_or_foreign_clusters_are_not_found() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    for path in [
        format!("/api/v1/clusters/{}/health", Uuid::now_v7()),
        format!("/api/v1/clusters/{}/metrics", Uuid::now_v7()),
        "/api/v1/clusters/not-a-uuid/health".to_owned(),
    ] {
        let response = app.get(&path, ALICE).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    for path in [
        format!("/api/v1/clusters/{id}/health"),
        format!("/api/v1/clusters/{id}/metrics"),
    ] {
        let response = app.get(&path, BOB).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path} for bob");
    }
}

async fn page(app: &TestApp, path: &str) -> MetricSamplePage {
    let response = app.get(path, ALICE).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{path}");
    platform::testing::conforms(&response.json::<Value>().await.unwrap())
}

#[tokio::test]
async fn metrics_page_newest_first_and_filter_by_type_and_since() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    let other = alice_cluster(&app).await;
    let node = Uuid::now_v7();
    let t0 = Utc::now() - Duration::minutes(10);
    let mut ids = Vec::new();
    for i in 0..5 {
        let metric = if i % 2 == 0 { "cpu" } else { "network" };
        ids.push(
            sample(
                &app,
                id,
                node,
                metric,
                f64::from(i) * 10.0,
                t0 + Duration::minutes(i.into()),
            )
            .await,
        );
    }
    sample(&app, other, node, "cpu", 1.0, t0).await;
    let base = format!("/api/v1/clusters/{id}/metrics");
    let first = page(&app, &format!("{base}?page_size=2")).await;
    assert_eq!(first.meta.total, 5);
    let mut seen: Vec<Uuid> = first.metrics.iter().map(|m| m.id).collect();
    let mut next = first.links.next.clone();
    while let Some(link) = next {
        let p = page(&app, &link).await;
        seen.extend(p.metrics.iter().map(|m| m.id));
        next = p.links.next.clone();
    }
    ids.reverse();
    assert_eq!(seen, ids, "newest first, every sample once");
    let cpu = page(&app, &format!("{base}?type=cpu")).await;
    assert_eq!(cpu.meta.total, 3);
    assert!(
        cpu.metrics
            .iter()
            .all(|m| m.metric_type == "cpu" && m.unit == "%")
    );
    let since = (t0 + Duration::minutes(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let recent = page(&app, &format!("{base}?since={since}")).await;
    assert_eq!(recent.meta.total, 2);
    let bad = app
        .get(&format!("{base}?type=cpu_usage"), ALICE)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM metric_sample")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 6, "reads never write");
}
