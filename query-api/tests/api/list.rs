//! `GET /api/v1/droplets`: keyset pagination under concurrent inserts, totals, filters,
//! shortcuts, ordering, soft-delete hiding, owner scoping and the 400s.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use query_api::page_token::{Cursor, PageTokenKey};
use serde_json::Value;

use crate::test_app::{ADMIN, ALICE, BOB, SECRET, TestApp, assert_problem, droplet, spawn_app};

async fn page(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

fn ids(body: &Value) -> Vec<String> {
    body["droplets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

fn names(body: &Value) -> Vec<String> {
    body["droplets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn pages_never_skip_or_repeat_rows_under_concurrent_inserts() {
    let app = spawn_app().await;
    let base = Utc::now() - Duration::hours(1);
    let mut originals = HashSet::new();
    for i in 0..25 {
        // Groups of three share a timestamp, so the id tiebreak is exercised at page edges.
        let row = droplet(
            "alice",
            &format!("web-{i}"),
            base + Duration::seconds(i / 3),
        );
        app.insert(&row).await;
        originals.insert(row.droplet_id.to_string());
    }
    let first = page(&app, "/api/v1/droplets?page_size=10", ALICE).await;
    assert_eq!(first["meta"]["total"], 25);
    let mut seen: Vec<String> = ids(&first);
    for i in 0..4 {
        app.insert(&droplet("alice", &format!("newer-{i}"), Utc::now()))
            .await;
        app.insert(&droplet(
            "alice",
            &format!("older-{i}"),
            base - Duration::hours(1),
        ))
        .await;
    }
    let mut next = first["links"]["next"].as_str().unwrap().to_owned();
    assert!(next.starts_with("/api/v1/droplets?page_size=10&page_token="));
    loop {
        let body = page(&app, &next, ALICE).await;
        assert_eq!(body["meta"]["total"], 33);
        seen.extend(ids(&body));
        match body.get("next_page_token") {
            Some(token) => {
                next = format!(
                    "/api/v1/droplets?page_size=10&page_token={}",
                    token.as_str().unwrap()
                )
            }
            None => {
                assert!(body["links"].get("next").is_none());
                break;
            }
        }
    }
    let unique: HashSet<_> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a row was repeated");
    assert!(originals.is_subset(&unique), "a row was skipped");
    assert_eq!(
        seen.len(),
        29,
        "25 originals and the 4 older rows inserted behind the cursor"
    );
}

#[tokio::test]
async fn filters_shortcuts_and_orders_select_the_right_rows() {
    let app = spawn_app().await;
    let now = Utc::now();
    let specs = [
        ("web-1", "nyc1", "active", -5),
        ("web-2", "nyc1", "off", -4),
        ("web_x", "sfo3", "active", -3),
        ("db-1", "nyc1", "new", -2),
        ("gone", "nyc1", "deleted", -1),
    ];
    for (name, region, status, age) in specs {
        let mut row = droplet("alice", name, now + Duration::minutes(age));
        row.region = region.into();
        row.status = status.into();
        app.insert(&row).await;
    }
    app.insert(&droplet("bob", "web-bob", now)).await;
    let cases = [
        (
            "filter=region%3D%22nyc1%22%20AND%20(status%3Dactive%20OR%20status%3Doff)",
            vec!["web-2", "web-1"],
        ),
        ("filter=name%3D%22web-*%22", vec!["web-2", "web-1"]),
        ("filter=name%3D%22web_*%22", vec!["web_x"]),
        ("filter=-status%3Dactive", vec!["db-1", "web-2"]),
        ("filter=NOT%20region%3Dnyc1", vec!["web_x"]),
        ("filter=name%3D%22*-1%22", vec!["db-1", "web-1"]),
        ("region=nyc1&status=off", vec!["web-2"]),
        ("name=web-1&filter=region%3Dnyc1", vec!["web-1"]),
        ("order_by=name", vec!["db-1", "web-1", "web-2", "web_x"]),
        ("order_by=name%20desc&page_size=2", vec!["web_x", "web-2"]),
        (
            "order_by=created_at",
            vec!["web-1", "web-2", "web_x", "db-1"],
        ),
        ("show_deleted=true&status=deleted", vec!["gone"]),
    ];
    for (query, expected) in cases {
        let body = page(&app, &format!("/api/v1/droplets?{query}"), ALICE).await;
        assert_eq!(names(&body), expected, "{query}");
    }
    let since = (now - Duration::minutes(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let body = page(
        &app,
        &format!("/api/v1/droplets?filter=created_at%3E%3D%22{since}%22"),
        ALICE,
    )
    .await;
    assert_eq!(names(&body), vec!["db-1", "web_x"]);
    assert_eq!(body["meta"]["total"], 2);
    let per_page = page(&app, "/api/v1/droplets?per_page=1", ALICE).await;
    assert_eq!(ids(&per_page).len(), 1);
    assert_eq!(per_page["meta"]["total"], 4);
    assert!(per_page["next_page_token"].is_string());
}

#[tokio::test]
async fn lists_are_scoped_to_the_owner_and_admins_see_all() {
    let app = spawn_app().await;
    app.insert(&droplet("alice", "a-1", Utc::now())).await;
    app.insert(&droplet("bob", "b-1", Utc::now())).await;
    app.insert(&droplet("bob", "b-2", Utc::now())).await;
    let alice = page(&app, "/api/v1/droplets", ALICE).await;
    assert_eq!(names(&alice), vec!["a-1"]);
    assert!(alice.get("next_page_token").is_none());
    assert_eq!(
        page(&app, "/api/v1/droplets", BOB).await["meta"]["total"],
        2
    );
    assert_eq!(
        page(&app, "/api/v1/droplets", ADMIN).await["meta"]["total"],
        3
    );
}

#[tokio::test]
async fn bad_parameters_are_400_with_the_right_code() {
    let app = spawn_app().await;
    let cases = [
        ("filter=owner%3Dbob", "INVALID_FILTER"),
        ("filter=name%3D", "INVALID_FILTER"),
        ("filter=created_at%3Eyesterday", "INVALID_FILTER"),
        ("page_size=-1", "INVALID_ARGUMENT"),
        ("page_size=ten", "INVALID_ARGUMENT"),
        ("per_page=-5", "INVALID_ARGUMENT"),
        ("order_by=owner", "INVALID_ARGUMENT"),
        ("show_deleted=maybe", "INVALID_ARGUMENT"),
        ("page_token=garbage", "INVALID_PAGE_TOKEN"),
    ];
    for (query, code) in cases {
        let response = app
            .get(&format!("/api/v1/droplets?{query}"), ALICE)
            .send()
            .await
            .unwrap();
        assert_problem(response, 400, code).await;
    }
    let response = app
        .get("/api/v1/droplets?filter=status%3Dactive%20owner%3Dx", ALICE)
        .send()
        .await
        .unwrap();
    let body = assert_problem(response, 400, "INVALID_FILTER").await;
    assert_eq!(body["metadata"]["position"], 14);
}

#[tokio::test]
async fn page_tokens_are_bound_to_their_query_and_expire() {
    let app = spawn_app().await;
    for i in 0..3 {
        app.insert(&droplet("alice", &format!("web-{i}"), Utc::now()))
            .await;
    }
    let first = page(&app, "/api/v1/droplets?page_size=1&status=active", ALICE).await;
    let token = first["next_page_token"].as_str().unwrap().to_owned();
    let reused = app
        .get(
            &format!("/api/v1/droplets?page_size=1&page_token={token}"),
            ALICE,
        )
        .send()
        .await
        .unwrap();
    assert_problem(reused, 400, "INVALID_PAGE_TOKEN").await;
    let reordered = format!("/api/v1/droplets?status=active&order_by=name&page_token={token}");
    assert_problem(
        app.get(&reordered, ALICE).send().await.unwrap(),
        400,
        "INVALID_PAGE_TOKEN",
    )
    .await;
    let other_user = format!("/api/v1/droplets?status=active&page_token={token}");
    assert_problem(
        app.get(&other_user, BOB).send().await.unwrap(),
        400,
        "INVALID_PAGE_TOKEN",
    )
    .await;
    let mut tampered = token.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let path = format!("/api/v1/droplets?status=active&page_token={tampered}");
    assert_problem(
        app.get(&path, ALICE).send().await.unwrap(),
        400,
        "INVALID_PAGE_TOKEN",
    )
    .await;

    let bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
    let mut cursor: Cursor = serde_json::from_slice(&bytes[..bytes.len() - 32]).unwrap();
    cursor.issued_at = (Utc::now() - Duration::days(3) - Duration::minutes(1)).timestamp();
    let old = PageTokenKey::new(SECRET, 72).encode(&cursor);
    let path = format!("/api/v1/droplets?status=active&page_token={old}");
    assert_problem(
        app.get(&path, ALICE).send().await.unwrap(),
        400,
        "PAGE_TOKEN_EXPIRED",
    )
    .await;
    let good = format!("/api/v1/droplets?status=active&page_size=5&page_token={token}");
    assert_eq!(ids(&page(&app, &good, ALICE).await).len(), 2);
}
