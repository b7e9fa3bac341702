//! `GET /clusters/{id}/diagnoses` (newest first, paged, owner scope) and
//! `GET /clusters/{id}/diagnoses/{diag_id}` (the insights with their rendered
//! recommendation; 404 for unknown or foreign clusters and for a diagnosis of another
//! cluster), on rows written the way the projector's state view writes them.

use chrono::{Duration, SubsecRound, Utc};
use contract::diagnosis::{Diagnosis as Resource, DiagnosisPage};
use domain::diagnosis::{Change, Diagnosis, Insight, ObjectRef, Recommendation, Severity, Trigger};
use platform::testing::conforms;
use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::diagnosis::DiagnosisRow;

use crate::test_app::{ALICE, BOB, TestApp, cluster, pool, spawn_app};

async fn alice_cluster(app: &TestApp) -> Uuid {
    let row = cluster(
        "alice",
        "diag-c",
        Utc::now() - Duration::hours(1),
        &[pool("p", 2)],
    );
    app.insert_cluster(&row).await;
    row.cluster_id
}

/// Inserts a diagnosis of `cluster` recorded `minutes_ago`.
async fn recorded(app: &TestApp, cluster: Uuid, minutes_ago: i64) -> Uuid {
    let pool_id = Uuid::now_v7();
    let state = Diagnosis {
        id: Uuid::now_v7(),
        cluster_id: cluster,
        owner: "alice".into(),
        requested_by: "alice".into(),
        trigger: Some(Trigger::Request {
            operation_id: Uuid::now_v7(),
        }),
        source: "rules".into(),
        insights: vec![Insight {
            check: "pool_memory_pressure".into(),
            category: "capacity".into(),
            severity: Severity::Error,
            title: "Memory pressure on pool p".into(),
            message: "hot".into(),
            evidence: None,
            object: ObjectRef {
                kind: "node_pool".into(),
                id: pool_id,
                name: "p".into(),
            },
            recommendation: Recommendation {
                action: "scale_node_pool".into(),
                change: Some(Change::ScalePool { pool_id, count: 3 }),
            },
        }],
        recorded_at: Some((Utc::now() - Duration::minutes(minutes_ago)).trunc_subsecs(6)),
        version: 1,
    };
    let row = DiagnosisRow::from_state(&state).expect("row");
    let marks = platform::db::placeholders(DiagnosisRow::COLUMNS.len());
    let columns = views::row::column_list::<DiagnosisRow>();
    let sql = format!("INSERT INTO diagnosis ({columns}) VALUES ({marks})");
    row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .execute(&app.db)
        .await
        .expect("diagnosis row inserts");
    state.id
}

async fn status_of(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let response = app.get(path, token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_history_is_newest_first_and_paged() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    let other = alice_cluster(&app).await;
    let mut ids = Vec::new();
    for minutes_ago in [30, 20, 10] {
        ids.push(recorded(&app, id, minutes_ago).await);
    }
    recorded(&app, other, 5).await;
    let base = format!("/api/v1/clusters/{id}/diagnoses");
    let (status, body) = status_of(&app, &format!("{base}?page_size=2"), ALICE).await;
    assert_eq!(status, 200);
    let first: DiagnosisPage = conforms(&body);
    assert_eq!(first.meta.total, 3);
    let (_, body) = status_of(
        &app,
        first.links.next.as_deref().expect("a next page"),
        ALICE,
    )
    .await;
    let second: DiagnosisPage = conforms(&body);
    let seen: Vec<Uuid> = first
        .diagnoses
        .iter()
        .chain(&second.diagnoses)
        .map(|d| d.id)
        .collect();
    assert_eq!(seen, ids.iter().rev().copied().collect::<Vec<_>>());
    let recommendation = &first.diagnoses[0].insights[0].recommendation;
    assert_eq!(
        recommendation.request_hint.as_ref().expect("hint").method,
        "PATCH"
    );
    assert_eq!(
        recommendation.job_request.as_ref().expect("job")["args"]["desired"],
        3
    );
}

#[tokio::test]
async fn one_diagnosis_is_found_under_its_own_cluster_only() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    let other = alice_cluster(&app).await;
    let diag = recorded(&app, id, 1).await;
    let (status, body) = status_of(
        &app,
        &format!("/api/v1/clusters/{id}/diagnoses/{diag}"),
        ALICE,
    )
    .await;
    assert_eq!(status, 200);
    let resource: Resource = conforms(&body);
    assert_eq!(
        (resource.id, resource.cluster_id, resource.counts.error),
        (diag, id, 1)
    );
    for (path, token) in [
        (format!("/api/v1/clusters/{other}/diagnoses/{diag}"), ALICE),
        (
            format!("/api/v1/clusters/{id}/diagnoses/{}", Uuid::now_v7()),
            ALICE,
        ),
        (
            format!("/api/v1/clusters/{}/diagnoses", Uuid::now_v7()),
            ALICE,
        ),
        (format!("/api/v1/clusters/{id}/diagnoses"), BOB),
        (format!("/api/v1/clusters/{id}/diagnoses/{diag}"), BOB),
    ] {
        assert_eq!(status_of(&app, &path, token).await.0, 404, "{path}");
    }
}
