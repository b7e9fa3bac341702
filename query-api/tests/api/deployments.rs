//! `GET /clusters/{id}/deployments` (newest first), `GET /deployments/{id}` and
//! `/clusters/{id}/deployments/{dep_id}` (404 under another cluster or for another
//! owner), and `GET /clusters/{id}/revisions` with `is_active`, on rows written the way
//! the projector's deployment view writes them.

use chrono::{Duration, SubsecRound, Utc};
use contract::deployment::{Deployment, DeploymentPage, RevisionPage};
use domain::Aggregate;
use domain::deployment::strategy::{Bound, Strategy};
use domain::deployment::{DeploymentEvent as E, Deployments, Kind, Spec, Started};
use platform::testing::conforms;
use serde_json::Value;
use uuid::Uuid;
use views::deployment::row::{COLUMNS, DeploymentRow};

use crate::test_app::{ALICE, BOB, TestApp, cluster, pool, spawn_app};

async fn alice_cluster(app: &TestApp) -> Uuid {
    let row = cluster(
        "alice",
        "deploy-c",
        Utc::now() - Duration::hours(1),
        &[pool("p", 2)],
    );
    app.insert_cluster(&row).await;
    row.cluster_id
}

/// Two deployments of `cluster`: revision 1 superseded by revision 2.
async fn history(app: &TestApp, cluster: Uuid) -> (Uuid, Uuid) {
    let ledger = Uuid::now_v7();
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    let at = |minutes: i64| (Utc::now() - Duration::minutes(30 - minutes)).trunc_subsecs(6);
    let started = |id, revision: u32, minutes| {
        E::Started(Box::new(Started {
            id: ledger,
            cluster_id: cluster,
            owner: "alice".into(),
            deployment_id: id,
            revision,
            kind: Kind::Rollout,
            rollback_of: None,
            spec: Spec {
                image: format!("web:{revision}"),
                config_hash: "sha256:0".into(),
                replicas: 3,
                strategy: Strategy::Rolling {
                    max_surge: Bound::Percent(25),
                    max_unavailable: Bound::Percent(25),
                },
                analysis: None,
                auto_rollback: true,
                progress_deadline_seconds: 600,
            },
            skip_analysis: false,
            at: at(minutes),
        }))
    };
    let events = vec![
        started(first, 1, 1),
        E::PromotionStarted {
            deployment_id: first,
            message: "first".into(),
            at: at(2),
        },
        E::Succeeded {
            deployment_id: first,
            at: at(3),
        },
        started(second, 2, 4),
        E::PromotionStarted {
            deployment_id: second,
            message: "promoted".into(),
            at: at(5),
        },
        E::Superseded {
            deployment_id: first,
            by: second,
            at: at(6),
        },
        E::Succeeded {
            deployment_id: second,
            at: at(6),
        },
    ];
    let state = Deployments::replay(&events);
    for d in &state.deployments {
        let row = DeploymentRow::from_ledger(&state, d);
        let marks = platform::db::placeholders(COLUMNS.len());
        let sql = format!(
            "INSERT INTO deployment ({}) VALUES ({marks})",
            COLUMNS.join(", ")
        );
        row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&app.db)
            .await
            .expect("deployment row inserts");
    }
    (first, second)
}

async fn status_of(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let response = app.get(path, token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_clusters_deployments_and_revisions_are_listed_newest_first() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    let (first, second) = history(&app, id).await;
    let (status, body) =
        status_of(&app, &format!("/api/v1/clusters/{id}/deployments"), ALICE).await;
    assert_eq!(status, 200, "{body:#}");
    let page: DeploymentPage = conforms(&body);
    let ids: Vec<Uuid> = page.deployments.iter().map(|d| d.id).collect();
    assert_eq!(ids, vec![second, first]);
    assert_eq!(page.deployments[0].status, "succeeded");
    assert_eq!(page.deployments[0].deployment_kind, "rollout");
    let names: Vec<&str> = page.deployments[0]
        .progress
        .steps
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["batch 1/3", "batch 2/3", "batch 3/3"]);

    let (status, body) = status_of(&app, &format!("/api/v1/clusters/{id}/revisions"), ALICE).await;
    assert_eq!(status, 200, "{body:#}");
    let revisions: RevisionPage = conforms(&body);
    let seen: Vec<(u32, bool)> = revisions
        .revisions
        .iter()
        .map(|r| (r.number, r.is_active))
        .collect();
    assert_eq!(seen, vec![(2, true), (1, false)]);

    let (status, _) = status_of(&app, &format!("/api/v1/clusters/{id}/deployments"), BOB).await;
    assert_eq!(status, 404, "someone else's cluster");
}

#[tokio::test]
async fn one_deployment_is_found_by_id_and_under_its_own_cluster_only() {
    let app = spawn_app().await;
    let id = alice_cluster(&app).await;
    let other = alice_cluster(&app).await;
    let (first, _) = history(&app, id).await;
    for path in [
        format!("/api/v1/deployments/{first}"),
        format!("/api/v1/clusters/{id}/deployments/{first}"),
    ] {
        let (status, body) = status_of(&app, &path, ALICE).await;
        assert_eq!(status, 200, "{path}: {body:#}");
        let deployment: Deployment = conforms(&body);
        assert_eq!(
            (deployment.id, deployment.status.as_str()),
            (first, "superseded")
        );
    }
    for (path, token) in [
        (
            format!("/api/v1/clusters/{other}/deployments/{first}"),
            ALICE,
        ),
        (format!("/api/v1/deployments/{first}"), BOB),
        (format!("/api/v1/deployments/{}", Uuid::now_v7()), ALICE),
    ] {
        let (status, _) = status_of(&app, &path, token).await;
        assert_eq!(status, 404, "{path}");
    }
}
