//! `GET /api/v1/observability/logs` and `/observability/grafana`: log lines of one trace
//! across services (oldest first, keyset pages), narrowed by job and service, owner-scoped
//! for members and complete for admins; bad filters are 400 problems; the Grafana URL is
//! the configured one, or null.

use contract::job::LogLinePage;
use contract::observability::GrafanaLinks;
use platform::testing::conforms;
use serde_json::Value;
use uuid::Uuid;
use views::job::log::{self, NewLogLine};

use crate::test_app::{ADMIN, ALICE, BOB, TestApp, assert_problem, spawn_app, spawn_app_with};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const OTHER_TRACE: &str = "00f067aa0ba902b700f067aa0ba902b7";

async fn put_line(
    app: &TestApp,
    service: &str,
    trace: &str,
    owner: Option<&str>,
    job: Option<Uuid>,
) {
    let line = NewLogLine {
        service: service.into(),
        level: "info".into(),
        ts: chrono::Utc::now(),
        message: format!("{service} line"),
        job_id: job,
        attempt: job.map(|_| 1),
        trace_id: Some(trace.into()),
        owner: owner.map(str::to_owned),
        source_key: Some(Uuid::now_v7().to_string()),
    };
    let sql = format!(
        "INSERT INTO log_lines ({}) VALUES ({})",
        log::INSERT_COLUMNS.join(", "),
        platform::db::placeholders(log::INSERT_COLUMNS.len())
    );
    line.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .execute(&app.db)
        .await
        .expect("log line");
}

async fn page(app: &TestApp, path: &str, token: &str) -> LogLinePage {
    let response = app.get(path, token).send().await.expect("request");
    assert_eq!(response.status(), 200, "{path}");
    conforms(&response.json::<Value>().await.expect("json"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_across_services_paged_and_scoped() {
    let app = spawn_app().await;
    let job = Uuid::now_v7();
    put_line(&app, "command-api", TRACE, Some("alice"), None).await;
    put_line(&app, "projector", TRACE, Some("alice"), None).await;
    put_line(&app, "worker", TRACE, Some("alice"), Some(job)).await;
    put_line(&app, "command-api", TRACE, None, None).await;
    put_line(&app, "command-api", OTHER_TRACE, Some("alice"), None).await;

    let path = format!("/api/v1/observability/logs?trace_id={TRACE}&page_size=2");
    let first = page(&app, &path, ADMIN).await;
    let services: Vec<&str> = first.lines.iter().map(|l| l.service.as_str()).collect();
    assert_eq!(services, ["command-api", "projector"], "oldest first");
    assert_eq!(first.meta.total, 4);
    let next = first.links.next.clone().expect("a next page");
    let second = page(&app, &next, ADMIN).await;
    assert_eq!(second.lines.len(), 2);
    assert!(second.next_page_token.is_none());
    assert!(
        second
            .lines
            .iter()
            .all(|l| l.trace_id.as_deref() == Some(TRACE))
    );

    let mine = page(
        &app,
        &format!("/api/v1/observability/logs?trace_id={TRACE}"),
        ALICE,
    )
    .await;
    assert_eq!(
        mine.lines.len(),
        3,
        "a member sees only lines of her own resources"
    );
    let none = page(
        &app,
        &format!("/api/v1/observability/logs?trace_id={TRACE}"),
        BOB,
    )
    .await;
    assert!(none.lines.is_empty());

    let narrowed =
        format!("/api/v1/observability/logs?trace_id={TRACE}&job_id={job}&service=worker");
    let lines = page(&app, &narrowed, ALICE).await.lines;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].job_id, Some(job));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_filters_are_problems() {
    let app = spawn_app().await;
    for query in [
        "",
        "?trace_id=XYZ",
        "?trace_id=4BF92F3577B34DA6A3CE929D0E0E4736",
        "?job_id=nope",
        "?service=Command%20API",
        "?service=worker&page_size=-1",
    ] {
        let path = format!("/api/v1/observability/logs{query}");
        assert_problem(
            app.get(&path, ADMIN).send().await.expect("request"),
            400,
            "INVALID_ARGUMENT",
        )
        .await;
    }
    let path = "/api/v1/observability/logs?service=worker&page_token=zz";
    assert_problem(
        app.get(path, ADMIN).send().await.expect("request"),
        400,
        "INVALID_PAGE_TOKEN",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grafana_is_where_it_is_configured() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/observability/grafana", ALICE)
        .send()
        .await
        .expect("request");
    let links: GrafanaLinks = conforms(&response.json::<Value>().await.expect("json"));
    assert_eq!(
        (links.url, links.demo_dashboard.as_str()),
        (None, "cg-demo")
    );

    let app = spawn_app_with(|s| s.grafana_url = Some("http://grafana.example:3000".into())).await;
    let response = app
        .get("/api/v1/observability/grafana", ALICE)
        .send()
        .await
        .expect("request");
    let links: GrafanaLinks = conforms(&response.json::<Value>().await.expect("json"));
    assert_eq!(links.url.as_deref(), Some("http://grafana.example:3000"));
}
