//! Provider reads (features.md §2.8): admins list providers (by name or creation time)
//! and read one with `reserved` and `available` derived from the fold; providers are the
//! platform's (owner `system`), so a member's list is empty; a deleted provider reads as
//! gone. Rows are written the way the projector writes them, from the domain's own fold.

use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use contract::provider::{Provider as Resource, ProviderPage};
use domain::Aggregate;
use domain::name::ResourceName;
use domain::provider::{Provider, ProviderEvent, Spec};
use platform::testing::conforms;
use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::provider::ProviderRow;

use crate::test_app::{ADMIN, ALICE, TestApp, assert_problem, spawn_app};

fn at(second: i64) -> DateTime<Utc> {
    (Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0)
        .single()
        .expect("time")
        + chrono::Duration::seconds(second))
    .trunc_subsecs(6)
}

fn row(name: &str, second: i64, reserved: u32, deleted: bool) -> ProviderRow {
    let mut history = vec![ProviderEvent::Registered {
        id: Uuid::now_v7(),
        name: ResourceName::parse(name).expect("valid"),
        spec: Spec {
            regions: vec!["nyc1".into()],
            classes: vec!["standard".into()],
            capacity: 4,
            price_hourly_override: None,
        },
        at: at(second),
    }];
    history.extend((0..reserved).map(|_| ProviderEvent::CapacityReserved {
        droplet_id: Uuid::now_v7(),
        at: at(second),
    }));
    if deleted {
        history.push(ProviderEvent::Deleted { at: at(second) });
    }
    ProviderRow::from_state(&Provider::replay(&history)).expect("registered")
}

async fn insert(app: &TestApp, row: &ProviderRow) {
    let columns = ProviderRow::COLUMNS;
    let sql = format!(
        "REPLACE INTO provider ({}) VALUES ({})",
        columns.join(", "),
        platform::db::placeholders(columns.len())
    );
    row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .execute(&app.db)
        .await
        .expect("row");
}

async fn ok(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, token).send().await.expect("request");
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_list_and_read_providers_with_their_free_slots() {
    let app = spawn_app().await;
    let bravo = row("bravo", 1, 3, false);
    let alpha = row("alpha", 2, 0, false);
    let gone = row("gone", 3, 0, true);
    for r in [&bravo, &alpha, &gone] {
        insert(&app, r).await;
    }
    let page: ProviderPage = conforms(&ok(&app, "/api/v1/providers?order_by=name", ADMIN).await);
    let names: Vec<&str> = page.providers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["alpha", "bravo"]);
    let one: Resource = conforms(
        &ok(
            &app,
            &format!("/api/v1/providers/{}", bravo.provider_id),
            ADMIN,
        )
        .await,
    );
    assert_eq!((one.capacity, one.reserved, one.available), (4, 3, 1));
    let members: ProviderPage = conforms(&ok(&app, "/api/v1/providers", ALICE).await);
    assert!(members.providers.is_empty(), "providers are the platform's");
    let deleted = app
        .get(&format!("/api/v1/providers/{}", gone.provider_id), ADMIN)
        .send()
        .await
        .unwrap();
    assert_problem(deleted, 404, "NOT_FOUND").await;
}
