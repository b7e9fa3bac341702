//! Billing reads on `usage_interval` rows written the way the projector's usage view
//! writes them, with an injected clock: usage per period (scoped to the owner, a month
//! boundary, a price change, hour granularity), invoices and their items, the balance,
//! a cluster's cost (and how it starts over when the clock crosses into a new month),
//! and estimates with their 422s.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use contract::billing::{Balance, ClusterCost, Estimate, InvoiceDetail, InvoicePage, UsagePage};
use platform::clock::ManualClock;
use serde_json::{Value, json};
use uuid::Uuid;
use views::billing::{COLUMNS, UsageIntervalRow};

use crate::test_app::{
    ADMIN, ALICE, BOB, TestApp, assert_problem, cluster, pool, spawn_app_on_clock, spawn_upstream,
};

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("valid instant")
}

fn run(
    owner: &str,
    droplet: u128,
    size: &str,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
) -> UsageIntervalRow {
    UsageIntervalRow {
        event_id: Uuid::now_v7(),
        droplet_id: Uuid::from_u128(droplet),
        owner: owner.into(),
        name: format!("d-{droplet}"),
        region: "nyc1".into(),
        size_slug: size.into(),
        vcpus: 1,
        provider: None,
        cluster_id: None,
        node_pool_id: None,
        start_time: start,
        end_time: end,
        closed_by: end.map(|_| Uuid::now_v7()),
    }
}

async fn insert(app: &TestApp, row: &UsageIntervalRow) {
    let sql = format!(
        "INSERT INTO usage_interval ({}) VALUES ({})",
        COLUMNS.join(", "),
        platform::db::placeholders(COLUMNS.len())
    );
    row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .execute(&app.db)
        .await
        .expect("usage row inserts");
}

async fn spawn_at(now: DateTime<Utc>, granularity: &str) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(now));
    let upstream = spawn_upstream();
    let granularity = granularity.to_owned();
    let app = spawn_app_on_clock(
        move |s| {
            s.command_api_url = upstream;
            s.billing.granularity = granularity;
        },
        clock.clone(),
    )
    .await;
    (app, clock)
}

async fn json<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str, token: &str) -> T {
    let response = app.get(path, token).send().await.expect("request");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.json().await.expect("the contract's shape")
}

/// Alice: a droplet across the October/November boundary and one running since
/// November 1st; Bob: one of his own.
async fn seed(app: &TestApp) {
    insert(
        app,
        &run(
            "alice",
            1,
            "s-1vcpu-1gb",
            at(2026, 10, 31, 22),
            Some(at(2026, 11, 1, 2)),
        ),
    )
    .await;
    insert(
        app,
        &run("alice", 2, "s-1vcpu-2gb", at(2026, 11, 1, 0), None),
    )
    .await;
    insert(app, &run("bob", 3, "s-1vcpu-1gb", at(2026, 11, 2, 0), None)).await;
}

fn amounts(page: &UsagePage) -> Vec<(u128, String, Option<String>)> {
    page.usage
        .iter()
        .map(|u| {
            (
                u.resource_id.as_u128(),
                u.amount.clone(),
                u.end_time.clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn usage_is_metered_per_run_inside_the_period_and_scoped_to_the_owner() {
    let (app, _clock) = spawn_at(at(2026, 11, 11, 0), "second").await;
    seed(&app).await;

    let october: UsagePage = json(&app, "/api/v1/billing/usage?period=2026-10", ALICE).await;
    // 2 h of $6 = 7200 × 6_000_000 / 2_419_200, half up.
    assert_eq!(
        amounts(&october),
        [(1, "0.017857".into(), Some("2026-11-01T00:00:00Z".into()))]
    );
    let november: UsagePage = json(&app, "/api/v1/billing/usage", ALICE).await;
    assert_eq!(
        amounts(&november),
        [
            (1, "0.017857".into(), Some("2026-11-01T02:00:00Z".into())),
            (2, "4.285714".into(), None), // 240 h of $12, still running
        ]
    );
    assert_eq!(november.usage[1].billable_seconds, 864_000);
    assert_eq!(november.usage[1].resource_kind, "droplet");
    assert_eq!(november.usage[1].provider, None);
    assert_eq!(november.next_page_token, None);

    let admin: UsagePage = json(&app, "/api/v1/billing/usage?period=2026-11", ADMIN).await;
    assert_eq!(admin.usage.len(), 3);
    let bob: UsagePage = json(&app, "/api/v1/billing/usage?period=2026-11", BOB).await;
    assert_eq!(amounts(&bob).iter().map(|a| a.0).collect::<Vec<_>>(), [3]);

    let bad = app
        .get("/api/v1/billing/usage?period=2026-13", ALICE)
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400, "INVALID_ARGUMENT").await;
}

#[tokio::test]
async fn a_price_change_splits_usage_into_one_record_per_price() {
    let (app, _clock) = spawn_at(at(2026, 11, 20, 0), "second").await;
    insert(
        &app,
        &run(
            "alice",
            9,
            "c-8vcpu-16gb",
            at(2026, 11, 15, 0),
            Some(at(2026, 11, 17, 0)),
        ),
    )
    .await;
    let page: UsagePage = json(&app, "/api/v1/billing/usage?period=2026-11", ALICE).await;
    let got: Vec<(&str, &str, u64)> = page
        .usage
        .iter()
        .map(|u| (u.start_time.as_str(), u.amount.as_str(), u.billable_seconds))
        .collect();
    // 24 h at $168, then 24 h at $192 from 2026-11-16.
    assert_eq!(
        got,
        [
            ("2026-11-15T00:00:00Z", "6.00", 86_400),
            ("2026-11-16T00:00:00Z", "6.857143", 86_400),
        ]
    );
}

#[tokio::test]
async fn invoices_are_issued_for_ended_months_and_add_up_their_rounded_lines() {
    let (app, _clock) = spawn_at(at(2026, 11, 11, 0), "second").await;
    seed(&app).await;

    let page: InvoicePage = json(&app, "/api/v1/billing/invoices", ALICE).await;
    let got: Vec<(&str, &str, &str)> = page
        .invoices
        .iter()
        .map(|i| (i.id.as_str(), i.status.as_str(), i.amount.as_str()))
        .collect();
    // November: 0.02 + 4.29 (each line rounded to the cent); October: 0.02.
    assert_eq!(
        got,
        [("2026-11", "open", "4.31"), ("2026-10", "issued", "0.02")]
    );

    let october: InvoiceDetail = json(&app, "/api/v1/billing/invoices/2026-10", ALICE).await;
    assert_eq!(october.amount, "0.02");
    assert_eq!(october.items.len(), 1);
    let item = &october.items[0];
    assert_eq!(
        (item.duration, item.duration_unit.as_str()),
        (7_200, "seconds")
    );
    assert_eq!(
        (item.amount.as_str(), item.size.as_str()),
        ("0.02", "s-1vcpu-1gb")
    );
    assert_eq!(item.end_time.as_deref(), Some("2026-11-01T00:00:00Z"));

    let balance: Balance = json(&app, "/api/v1/billing/balance", ALICE).await;
    assert_eq!(balance.month_to_date_usage, "4.31");
    assert_eq!(balance.month_to_date_balance, "4.31");
    assert_eq!(balance.account_balance, "4.33");
    assert_eq!(balance.generated_at, "2026-11-11T00:00:00Z");

    for missing in ["2026-12", "nope", "2026-1"] {
        let response = app
            .get(&format!("/api/v1/billing/invoices/{missing}"), ALICE)
            .send()
            .await
            .unwrap();
        assert_problem(response, 404, "NOT_FOUND").await;
    }
}

#[tokio::test]
async fn hour_granularity_bills_every_started_hour() {
    let (app, _clock) = spawn_at(at(2026, 11, 11, 0), "hour").await;
    let start = at(2026, 11, 3, 10);
    insert(
        &app,
        &run(
            "alice",
            4,
            "s-1vcpu-1gb",
            start,
            Some(start + Duration::minutes(15)),
        ),
    )
    .await;
    let page: UsagePage = json(&app, "/api/v1/billing/usage", ALICE).await;
    assert_eq!(
        (
            page.usage[0].billable_seconds,
            page.usage[0].amount.as_str()
        ),
        (3_600, "0.008929")
    );
    let invoice: InvoiceDetail = json(&app, "/api/v1/billing/invoices/2026-11", ALICE).await;
    assert_eq!(
        (
            invoice.items[0].duration,
            invoice.items[0].duration_unit.as_str()
        ),
        (1, "hours")
    );
    assert_eq!(invoice.amount, "0.01");
}

#[tokio::test]
async fn a_clusters_cost_projects_its_nodes_and_starts_over_in_a_new_month() {
    let (app, clock) = spawn_at(at(2026, 11, 11, 0), "second").await;
    let web = pool("web", 1);
    let row = cluster(
        "alice",
        "shop",
        at(2026, 10, 30, 0),
        std::slice::from_ref(&web),
    );
    app.insert_cluster(&row).await;
    let mut node = run("alice", 5, "s-2vcpu-4gb", at(2026, 11, 1, 0), None);
    node.cluster_id = Some(row.cluster_id);
    node.node_pool_id = Some(web.id);
    insert(&app, &node).await;
    insert(
        &app,
        &run("alice", 6, "s-1vcpu-1gb", at(2026, 11, 1, 0), None),
    )
    .await;
    let path = format!("/api/v1/clusters/{}/cost", row.cluster_id);

    let cost: ClusterCost = json(&app, &path, ALICE).await;
    // 240 h of $24 so far; $24 / 672 an hour; 720 h by month end ≥ 672 h: capped.
    assert_eq!(cost.month_to_date, "8.571429");
    assert_eq!(cost.burn_rate_hourly, "0.035714");
    assert_eq!(cost.projected_month_end, "24.00");
    assert_eq!(cost.as_of, "2026-11-11T00:00:00Z");
    assert_eq!(cost.resources.len(), 1, "only the cluster's nodes");
    assert_eq!(cost.resources[0].node_pool_id, Some(web.id));
    assert!(cost.resources[0].capped);

    clock.advance(Duration::days(20) + Duration::hours(1)); // 2026-12-01T01:00
    let december: ClusterCost = json(&app, &path, ALICE).await;
    assert_eq!(december.month_to_date, "0.035714");
    assert_eq!(december.projected_month_end, "24.00");

    let bob = app.get(&path, BOB).send().await.unwrap();
    assert_problem(bob, 404, "NOT_FOUND").await;
    let unknown = app
        .get(&format!("/api/v1/clusters/{}/cost", Uuid::now_v7()), ADMIN)
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 404, "NOT_FOUND").await;
}

async fn estimate(app: &TestApp, body: Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/billing/estimates", app.address))
        .bearer_auth(ALICE)
        .json(&body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn an_estimate_is_answered_here_and_names_every_bad_field() {
    let (app, _clock) = spawn_at(at(2026, 11, 20, 0), "second").await;
    let response = estimate(
        &app,
        json!({"items": [
            {"kind": "droplet", "size": "s-1vcpu-1gb", "count": 3, "hours": 730},
            {"kind": "droplet", "size": "s-2vcpu-4gb", "count": 1, "hours": 336},
            {"kind": "droplet", "size": "c-8vcpu-16gb", "count": 1}
        ]}),
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let got: Estimate = response.json().await.expect("the contract's shape");
    assert_eq!(got.items[0].amount, "18.00");
    assert!(got.items[0].capped);
    assert_eq!(got.items[1].amount, "12.00");
    assert_eq!(got.items[1].unit_hourly, "0.035714");
    // The price in effect now: $192 since 2026-11-16; hours default to 730.
    assert_eq!(
        (got.items[2].unit_monthly.as_str(), got.items[2].hours),
        ("192.00", 730)
    );
    assert_eq!(got.monthly_total, "222.00");
    assert!(!got.assumptions.is_empty());

    // Fields of the wrong type or name first, then the values of well-formed items.
    let mistyped = estimate(
        &app,
        json!({"items": [{"kind": "droplet", "size": "s-1vcpu-1gb", "count": "3", "colour": "red"}]}),
    )
    .await;
    assert_eq!(
        pointers(mistyped).await,
        ["#/items/0/colour", "#/items/0/count"]
    );
    let out_of_range = estimate(
        &app,
        json!({"items": [
            {"kind": "droplet", "size": "s-1vcpu-1gb", "count": 1},
            {"kind": "volume", "size": "huge", "count": 0, "hours": 800}
        ]}),
    )
    .await;
    assert_eq!(
        pointers(out_of_range).await,
        [
            "#/items/1/kind",
            "#/items/1/size",
            "#/items/1/count",
            "#/items/1/hours"
        ]
    );
    let empty = estimate(&app, json!({"items": []})).await;
    assert_problem(empty, 422, "VALIDATION_FAILED").await;
}

async fn pointers(response: reqwest::Response) -> Vec<String> {
    let problem = assert_problem(response, 422, "VALIDATION_FAILED").await;
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["pointer"].as_str().map(str::to_owned))
        .collect()
}
