//! `GET /api/v1/observability/parked_events` (api.md §11): admins see the parked records
//! oldest first with reason, aggregate, position, age and the records queued behind each,
//! keyset-paged; anyone else gets 403, a bad page token 400. Rows are written as the
//! projector parks them.

use contract::observability::ParkedEventPage;
use platform::testing::conforms;

use crate::test_app::{ADMIN, ALICE, TestApp, assert_problem, spawn_app};

const AGGREGATE: &str = "01a21fde-d67c-70db-b322-a5f0a122051e";

async fn park(app: &TestApp, offset: i64, aggregate: Option<&str>, reason: &str) {
    sqlx::query(
        "INSERT INTO parked_event (projection, partition_id, record_offset, aggregate_type, \
           aggregate_id, reason, record_value, parked_at) \
         VALUES (?, 2, ?, 'droplet', ?, ?, X'FF', UTC_TIMESTAMP(6) - INTERVAL 90 SECOND)",
    )
    .bind(views::PROJECTION)
    .bind(offset)
    .bind(aggregate)
    .bind(reason)
    .execute(&app.db)
    .await
    .expect("parked row");
}

async fn page(app: &TestApp, query: &str) -> ParkedEventPage {
    let response = app
        .get(
            &format!("/api/v1/observability/parked_events{query}"),
            ADMIN,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    conforms(&response.json().await.unwrap())
}

#[tokio::test]
async fn admins_page_through_parked_records_with_their_queues() {
    let app = spawn_app().await;
    park(
        &app,
        7,
        Some(AGGREGATE),
        "undecodable record: bad wire type",
    )
    .await;
    park(&app, 9, Some(AGGREGATE), "blocked by parked record 1").await;
    park(&app, 12, None, "undecodable record: truncated").await;

    let first = page(&app, "?page_size=1").await;
    assert_eq!(first.meta.total, 3);
    let head = &first.parked_events[0];
    assert_eq!((head.partition, head.offset), (2, 7));
    assert_eq!(head.aggregate_id.as_deref(), Some(AGGREGATE));
    assert_eq!(head.aggregate_type.as_deref(), Some("droplet"));
    assert_eq!(head.queued_behind, 1);
    assert!(head.age_seconds >= 89.0, "{}", head.age_seconds);
    let token = first.next_page_token.expect("more pages");

    let rest = page(&app, &format!("?page_size=5&page_token={token}")).await;
    let offsets: Vec<i64> = rest.parked_events.iter().map(|p| p.offset).collect();
    assert_eq!(offsets, vec![9, 12]);
    assert_eq!(rest.parked_events[0].queued_behind, 0);
    assert!(rest.next_page_token.is_none());
}

#[tokio::test]
async fn parked_records_are_for_admins_only_and_tokens_are_checked() {
    let app = spawn_app().await;
    let path = "/api/v1/observability/parked_events";
    let denied = app.get(path, ALICE).send().await.unwrap();
    assert_problem(denied, 403, "PERMISSION_DENIED").await;
    let bad = app
        .get(&format!("{path}?page_token=zz"), ADMIN)
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400, "INVALID_PAGE_TOKEN").await;
    let unauthenticated = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
}
