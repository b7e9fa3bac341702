//! Operation reads (api.md §9/§11): `GET /api/v1/operations/{id}` (`Retry-After` while
//! running, `result` or `error` once done, owner scoping), the operation list and its
//! filters, `GET /droplets/{id}/operations`, and the long-poll `:wait` (ends at its
//! timeout, is woken by the projector's change notification, validates and caps its
//! timeout). Every body is held to the published contract.

use std::time::{Duration, Instant};

use chrono::Utc;
use contract::envelope::OperationPage;
use contract::operation::Operation;
use contract::problem::Problem;
use platform::testing::conforms;
use serde_json::Value;
use uuid::Uuid;
use views::operation::OperationRow;

use crate::test_app::{
    ADMIN, ALICE, BOB, TestApp, assert_problem, droplet, finish, operation, spawn_app,
    spawn_app_with, spawn_upstream,
};

/// An operation row on `target` whose id lives in the target's partition, as command-api
/// mints them.
fn operation_on(
    app: &TestApp,
    owner: &str,
    op_type: &str,
    target: (&str, Uuid),
    status: &str,
) -> OperationRow {
    let mut row = operation(owner, op_type, target, status, Utc::now());
    let partition = app.partition_of(target.1);
    while app.partition_of(row.operation_id) != partition {
        row.operation_id = Uuid::now_v7();
    }
    row
}

async fn ok(app: &TestApp, path: &str, token: &str) -> (reqwest::header::HeaderMap, Value) {
    let response = app.get(path, token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

fn ids(page: &OperationPage) -> Vec<Uuid> {
    page.operations.iter().map(|o| o.id).collect()
}

#[tokio::test]
async fn a_running_operation_asks_to_be_polled_again() {
    let app = spawn_app().await;
    for (op_type, kind, retry_after) in [
        ("droplet.create", "droplet", "1"),
        ("cluster.create", "cluster", "5"),
        ("node_pool.scale", "cluster", "3"),
    ] {
        let row = operation_on(&app, "alice", op_type, (kind, Uuid::now_v7()), "running");
        app.upsert_operation(&row).await;
        let path = format!("/api/v1/operations/{}", row.operation_id);
        let (headers, body) = ok(&app, &path, ALICE).await;
        let typed: Operation = conforms(&body);
        assert_eq!(body, row.to_resource());
        assert_eq!(headers["retry-after"], retry_after, "{op_type}");
        assert_eq!(headers["etag"], format!("\"{}\"", row.version).as_str());
        assert!(!typed.done);
        assert_eq!(typed.status, "running");
        assert!(typed.result.is_none() && typed.error.is_none());
        assert!(typed.completed_at.is_none());
        assert_eq!(typed.target.id, row.target_id);
    }
}

#[tokio::test]
async fn a_finished_operation_carries_its_result_or_its_error() {
    let app = spawn_app().await;
    let target = ("droplet", Uuid::now_v7());
    let succeeded = operation_on(&app, "alice", "droplet.create", target, "succeeded");
    let failed = operation_on(&app, "alice", "droplet.create", target, "failed");
    let cancelled = operation_on(&app, "alice", "droplet.resize", target, "cancelled");
    for row in [&succeeded, &failed, &cancelled] {
        app.upsert_operation(row).await;
    }

    let path = format!("/api/v1/operations/{}", succeeded.operation_id);
    let (headers, body) = ok(&app, &path, ALICE).await;
    let typed: Operation = conforms(&body);
    assert!(headers.get("retry-after").is_none(), "done: no Retry-After");
    assert!(typed.done);
    assert_eq!(typed.status, "succeeded");
    let result = typed.result.expect("a succeeded operation has a result");
    assert_eq!((result.kind.as_str(), result.id), target);
    assert!(typed.error.is_none());
    assert!(typed.completed_at.is_some());
    assert_eq!(typed.progress.percent, 100);

    let path = format!("/api/v1/operations/{}", failed.operation_id);
    let (headers, body) = ok(&app, &path, ALICE).await;
    let typed: Operation = conforms(&body);
    assert!(headers.get("retry-after").is_none());
    assert!(typed.done);
    assert_eq!(typed.status, "failed");
    assert!(typed.result.is_none());
    let problem: Problem = conforms(&body["error"]);
    assert_eq!(problem.code, "PROVISIONING_FAILED");
    assert_eq!(problem.detail.as_deref(), Some("no capacity in nyc1"));
    assert!(
        problem.type_uri.ends_with("/provisioning-failed"),
        "{}",
        problem.type_uri
    );

    let path = format!("/api/v1/operations/{}", cancelled.operation_id);
    let (headers, body) = ok(&app, &path, ALICE).await;
    let typed: Operation = conforms(&body);
    assert!(headers.get("retry-after").is_none());
    assert!(typed.done && typed.result.is_none() && typed.error.is_none());
}

#[tokio::test]
async fn other_owners_unknown_and_malformed_operation_ids_are_404() {
    let app = spawn_app().await;
    let row = operation_on(
        &app,
        "bob",
        "droplet.create",
        ("droplet", Uuid::now_v7()),
        "running",
    );
    app.upsert_operation(&row).await;
    let path = format!("/api/v1/operations/{}", row.operation_id);
    assert_problem(
        app.get(&path, ALICE).send().await.unwrap(),
        404,
        "NOT_FOUND",
    )
    .await;
    assert_eq!(app.get(&path, BOB).send().await.unwrap().status(), 200);
    assert_eq!(app.get(&path, ADMIN).send().await.unwrap().status(), 200);
    for path in [
        format!("/api/v1/operations/{}", Uuid::now_v7()),
        "/api/v1/operations/not-a-uuid".to_owned(),
    ] {
        assert_problem(app.get(&path, BOB).send().await.unwrap(), 404, "NOT_FOUND").await;
    }
}

#[tokio::test]
async fn operation_lists_are_scoped_and_filter_by_status_and_target() {
    let app = spawn_app().await;
    let base = Utc::now() - chrono::Duration::hours(1);
    let target = Uuid::now_v7();
    let mut rows = Vec::new();
    for (i, (owner, status)) in [
        ("alice", "running"),
        ("alice", "succeeded"),
        ("alice", "running"),
        ("bob", "running"),
    ]
    .into_iter()
    .enumerate()
    {
        let on = if i == 2 { target } else { Uuid::now_v7() };
        let at = base + chrono::Duration::minutes(i as i64);
        let row = operation(owner, "droplet.create", ("droplet", on), status, at);
        app.upsert_operation(&row).await;
        rows.push(row);
    }
    let (_, body) = ok(&app, "/api/v1/operations", ALICE).await;
    let page: OperationPage = conforms(&body);
    assert_eq!(
        ids(&page),
        vec![
            rows[2].operation_id,
            rows[1].operation_id,
            rows[0].operation_id
        ],
        "Alice's only, newest first"
    );
    assert_eq!(page.meta.total, 3);
    assert_eq!(body["operations"][1], rows[1].to_resource());

    let (_, body) = ok(
        &app,
        "/api/v1/operations?filter=status%3D%22running%22",
        ALICE,
    )
    .await;
    let running: OperationPage = conforms(&body);
    assert_eq!(
        ids(&running),
        vec![rows[2].operation_id, rows[0].operation_id]
    );
    assert_eq!(running.meta.total, 2);
    let (_, body) = ok(&app, "/api/v1/operations?status=succeeded", ALICE).await;
    let succeeded: OperationPage = conforms(&body);
    assert_eq!(ids(&succeeded), vec![rows[1].operation_id]);
    let (_, body) = ok(
        &app,
        &format!("/api/v1/operations?filter=target.id%3D%22{target}%22"),
        ALICE,
    )
    .await;
    let on_target: OperationPage = conforms(&body);
    assert_eq!(ids(&on_target), vec![rows[2].operation_id]);

    let (_, body) = ok(&app, "/api/v1/operations", ADMIN).await;
    let admin: OperationPage = conforms(&body);
    assert_eq!(admin.meta.total, 4);
    let (_, body) = ok(&app, "/api/v1/operations?page_size=2", ALICE).await;
    let first: OperationPage = conforms(&body);
    assert_eq!(first.operations.len(), 2);
    assert!(first.next_page_token.is_some() && first.links.next.is_some());
}

#[tokio::test]
async fn a_droplets_operations_are_its_own_only() {
    let app = spawn_app().await;
    let mine = droplet("alice", "web-1", Utc::now());
    let other = droplet("alice", "web-2", Utc::now());
    app.insert(&mine).await;
    app.insert(&other).await;
    let base = Utc::now() - chrono::Duration::minutes(10);
    let create = operation(
        "alice",
        "droplet.create",
        ("droplet", mine.droplet_id),
        "succeeded",
        base,
    );
    let resize = operation(
        "alice",
        "droplet.resize",
        ("droplet", mine.droplet_id),
        "running",
        base + chrono::Duration::minutes(1),
    );
    let elsewhere = operation(
        "alice",
        "droplet.create",
        ("droplet", other.droplet_id),
        "running",
        base,
    );
    for row in [&create, &resize, &elsewhere] {
        app.upsert_operation(row).await;
    }
    let path = format!("/api/v1/droplets/{}/operations", mine.droplet_id);
    let (_, body) = ok(&app, &path, ALICE).await;
    let page: OperationPage = conforms(&body);
    assert_eq!(
        ids(&page),
        vec![resize.operation_id, create.operation_id],
        "newest first"
    );
    assert_eq!(page.meta.total, 2);
    assert!(
        page.operations
            .iter()
            .all(|o| o.target.id == mine.droplet_id)
    );

    let (_, body) = ok(&app, &format!("{path}?status=running"), ALICE).await;
    let running: OperationPage = conforms(&body);
    assert_eq!(ids(&running), vec![resize.operation_id]);

    assert_problem(app.get(&path, BOB).send().await.unwrap(), 404, "NOT_FOUND").await;
    let unknown = format!("/api/v1/droplets/{}/operations", Uuid::now_v7());
    assert_problem(
        app.get(&unknown, ALICE).send().await.unwrap(),
        404,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn a_wait_on_a_running_operation_ends_at_its_timeout() {
    let app = spawn_app().await;
    let row = operation_on(
        &app,
        "alice",
        "droplet.create",
        ("droplet", Uuid::now_v7()),
        "running",
    );
    app.upsert_operation(&row).await;
    let started = Instant::now();
    let response = app
        .get(
            &format!("/api/v1/operations/{}:wait?timeout=1s", row.operation_id),
            ALICE,
        )
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(
        response.headers()["etag"],
        format!("\"{}\"", row.version).as_str()
    );
    let body: Value = response.json().await.unwrap();
    let typed: Operation = conforms(&body);
    assert!(!typed.done);
    assert_eq!(body, row.to_resource());
}

#[tokio::test]
async fn a_wait_is_woken_by_the_projector_finishing_the_operation() {
    // The periodic checkpoint re-read is pushed out of reach: only the change
    // notification can wake the waiter.
    let upstream = spawn_upstream();
    let app = spawn_app_with(|settings| {
        settings.consistency.recheck_ms = 60_000;
        settings.command_api_url = upstream;
    })
    .await;
    assert!(app.subscribed().await, "query-api listens for changes");
    let target = Uuid::now_v7();
    let mut row = operation_on(
        &app,
        "alice",
        "droplet.create",
        ("droplet", target),
        "running",
    );
    app.upsert_operation(&row).await;
    let path = format!("/api/v1/operations/{}:wait?timeout=30s", row.operation_id);
    let started = Instant::now();
    let mut wait = tokio::spawn(app.get(&path, ALICE).send());
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut wait)
            .await
            .is_err(),
        "a running operation keeps the wait open"
    );

    // The projector finishes the operation; before it announces the commit the waiter
    // has no reason to look again.
    finish(&mut row, "succeeded");
    app.upsert_operation(&row).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut wait)
            .await
            .is_err(),
        "waiting does not poll the database"
    );
    app.publish(app.partition_of(target), 1, target).await;

    let response = tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("the notification ends the wait")
        .unwrap()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("retry-after").is_none());
    let body: Value = response.json().await.unwrap();
    let typed: Operation = conforms(&body);
    assert!(typed.done);
    assert_eq!(typed.status, "succeeded");
    assert_eq!(typed.result.map(|r| r.id), Some(target));
    assert_eq!(body, row.to_resource());
}

#[tokio::test]
async fn wait_timeouts_are_validated_and_capped() {
    let app = spawn_app().await;
    let target = ("droplet", Uuid::now_v7());
    let done = operation_on(&app, "alice", "droplet.create", target, "succeeded");
    app.upsert_operation(&done).await;
    let running = operation_on(&app, "alice", "droplet.resize", target, "running");
    app.upsert_operation(&running).await;
    let wait = |id: Uuid, timeout: &str| format!("/api/v1/operations/{id}:wait?timeout={timeout}");

    for timeout in ["garbage", "-1s", "10h"] {
        let response = app
            .get(&wait(running.operation_id, timeout), ALICE)
            .send()
            .await
            .unwrap();
        assert_problem(response, 400, "INVALID_ARGUMENT").await;
    }

    // A capped (5 min → 60 s) wait on a finished operation answers at once.
    let started = Instant::now();
    let (headers, body) = ok(&app, &wait(done.operation_id, "5m"), ALICE).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(headers.get("retry-after").is_none());
    let typed: Operation = conforms(&body);
    assert!(typed.done);
    assert_eq!(body, done.to_resource());

    let started = Instant::now();
    let (_, body) = ok(&app, &wait(running.operation_id, "0"), ALICE).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!conforms::<Operation>(&body).done);

    let bobs = operation_on(&app, "bob", "droplet.create", target, "succeeded");
    app.upsert_operation(&bobs).await;
    for path in [
        wait(bobs.operation_id, "0.2"),
        wait(Uuid::now_v7(), "0.2"),
        "/api/v1/operations/not-a-uuid:wait?timeout=1s".to_owned(),
    ] {
        let response = app.get(&path, ALICE).send().await.unwrap();
        assert_problem(response, 404, "NOT_FOUND").await;
    }
}
