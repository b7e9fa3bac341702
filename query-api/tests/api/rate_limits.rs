//! Rate limits as a client meets them on query-api (api.md §8): headers on every answer
//! (200, 404, 429), the 429 problem and `Retry-After`, `GET /rate_limit` consuming
//! nothing, admin-only policy reads, an override applying on the very next request, two
//! instances sharing one Redis never admitting more than the quota, and the per-instance
//! fallback while Redis is unreachable.

use chrono::{SubsecRound, Utc};
use contract::rate_limit::{
    AppliesTo, LimitKey, RateLimitPolicy, RateLimitPolicyPage, RateLimitRule, RateLimitStatus,
};
use deadpool_redis::redis::AsyncCommands;
use domain::Aggregate;
use domain::rate_limit_policy::{PolicyEvent, RateLimitPolicy as Policy, Target};
use platform::ratelimit::store;
use platform::testing::conforms;
use serde_json::Value;
use views::StateRow;
use views::rate_limit_policy::{RateLimitPolicyRow, document_key};

use crate::test_app::{ADMIN, ALICE, BOB, TestApp, assert_problem, spawn_app_with};

fn rule(name: &str, quota: u32, window: u32, burst: Option<u32>) -> RateLimitRule {
    RateLimitRule {
        name: name.into(),
        quota,
        window_seconds: window,
        burst,
        applies_to: AppliesTo::All,
        cost_per_request: 1,
        key: LimitKey::User,
        routes: vec![],
    }
}

/// A query-api whose configured defaults are `rules`, unscaled.
async fn limited_app(rules: Vec<RateLimitRule>) -> TestApp {
    spawn_app_with(|s| {
        s.rate_limit.policies = Some(rules);
        s.rate_limit.quota_scale = None;
    })
    .await
}

/// Does what the projector does with a committed policy change: the row in MariaDB,
/// the same row as the limiter's document in Redis.
async fn project(app: &TestApp, target: Target, rules: &[RateLimitRule]) {
    let at = Utc::now().trunc_subsecs(6);
    let user = match &target {
        Target::Default => None,
        Target::User(id) => Some(id.clone()),
    };
    let rules = serde_json::to_string(rules).unwrap();
    let state = Policy::replay(&[PolicyEvent::Set { target, rules, at }]);
    let row = RateLimitPolicyRow::from_state(&state).unwrap();
    let marks = platform::db::placeholders(RateLimitPolicyRow::COLUMNS.len());
    let columns = views::row::column_list::<RateLimitPolicyRow>();
    let sql = format!("INSERT INTO rate_limit_policy ({columns}) VALUES ({marks})");
    row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .execute(&app.db)
        .await
        .expect("policy row inserts");
    let key = document_key(&app.prefix, user.as_deref());
    let json = serde_json::to_string(&row).unwrap();
    assert!(
        store::publish(&app.redis, &key, row.version, &json)
            .await
            .unwrap()
    );
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn every_answer_carries_the_headers_and_the_excess_is_a_429() {
    let app = limited_app(vec![
        rule("minute", 3, 60, None),
        rule("hour", 100, 3600, None),
    ])
    .await;
    let ok = app.get("/api/v1/regions", ALICE).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        header(&ok, "ratelimit-policy").unwrap(),
        "\"minute\";q=3;w=60, \"hour\";q=100;w=3600"
    );
    assert_eq!(
        header(&ok, "ratelimit").unwrap(),
        "\"minute\";r=2;t=20, \"hour\";r=99;t=36"
    );
    assert_eq!(header(&ok, "ratelimit-limit").unwrap(), "3");
    assert_eq!(header(&ok, "ratelimit-remaining").unwrap(), "2");
    assert_eq!(
        header(&ok, "ratelimit-reset").unwrap(),
        "20",
        "seconds from now"
    );
    let missing = format!("/api/v1/droplets/{}", uuid::Uuid::now_v7());
    let not_found = app.get(&missing, ALICE).send().await.unwrap();
    assert_eq!(header(&not_found, "ratelimit-remaining").unwrap(), "1");
    assert_problem(not_found, 404, "NOT_FOUND").await;
    let unrouted = app.get("/api/v1/nothing-here", ALICE).send().await.unwrap();
    assert_eq!(header(&unrouted, "ratelimit-remaining").unwrap(), "0");
    let limited = app.get("/api/v1/regions", ALICE).send().await.unwrap();
    assert_eq!(
        header(&limited, "retry-after").unwrap(),
        "20",
        "ceil(60/3 s)"
    );
    assert_eq!(
        header(&limited, "ratelimit").unwrap(),
        "\"minute\";r=0;t=20, \"hour\";r=97;t=108"
    );
    let body = assert_problem(limited, 429, "RATE_LIMITED").await;
    assert_eq!(
        body["type"],
        "https://iana.org/assignments/http-problem-types#quota-exceeded"
    );
    assert_eq!(body["violated-policies"], serde_json::json!(["minute"]));
    assert_eq!(body["instance"], "/api/v1/regions");
    let bob = app.get("/api/v1/regions", BOB).send().await.unwrap();
    assert_eq!(bob.status(), 200, "buckets are per user");
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert!(
        header(&health, "ratelimit").is_none(),
        "service routes are not limited"
    );
}

#[tokio::test]
async fn reading_the_limits_consumes_nothing_and_creates_no_state() {
    let app = limited_app(vec![rule("minute", 5, 60, None)]).await;
    for _ in 0..10 {
        let answer = app.get("/api/v1/rate_limit", ALICE).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        assert_eq!(header(&answer, "ratelimit-remaining").unwrap(), "5");
        let status: RateLimitStatus = conforms(&answer.json::<Value>().await.unwrap());
        assert_eq!(
            (status.user_id.as_str(), status.source.as_str()),
            ("alice", "redis")
        );
        assert_eq!(status.policies[0].remaining, 5);
    }
    let mut conn = app.redis.get().await.unwrap();
    let exists: bool = conn
        .exists(format!("{}rl:minute:alice", app.prefix))
        .await
        .unwrap();
    assert!(!exists, "no bucket was created by reading");
    app.get("/api/v1/regions", ALICE).send().await.unwrap();
    let after: RateLimitStatus = app
        .get("/api/v1/rate_limit", ALICE)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after.policies[0].remaining, 4);
    let other = app
        .get("/api/v1/rate_limit?user_id=bob", ALICE)
        .send()
        .await
        .unwrap();
    assert_problem(other, 403, "PERMISSION_DENIED").await;
    let by_admin: RateLimitStatus = app
        .get("/api/v1/rate_limit?user_id=alice", ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_admin.policies[0].remaining, 4);
}

#[tokio::test]
async fn policy_reads_are_for_admins_and_an_override_applies_on_the_next_request() {
    let app = limited_app(vec![rule("minute", 100, 60, None)]).await;
    let anonymous = app
        .client
        .get(format!("{}/api/v1/rate_limit_policies", app.address))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401, "UNAUTHENTICATED").await;
    for path in [
        "/api/v1/rate_limit_policies",
        "/api/v1/rate_limit_policies/default",
        "/api/v1/users/alice/rate_limit_policy",
    ] {
        assert_problem(
            app.get(path, ALICE).send().await.unwrap(),
            403,
            "PERMISSION_DENIED",
        )
        .await;
    }
    let default = app
        .get("/api/v1/rate_limit_policies/default", ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&default, "etag").unwrap(), "\"0\"");
    let default: RateLimitPolicy = conforms(&default.json::<Value>().await.unwrap());
    assert_eq!(
        (default.id.as_str(), default.policies[0].quota),
        ("default", 100)
    );
    let none = app
        .get("/api/v1/users/alice/rate_limit_policy", ADMIN)
        .send()
        .await
        .unwrap();
    assert_problem(none, 404, "NOT_FOUND").await;
    // What the projector makes of command-api's PUT; alice's very next request obeys it.
    let strict = vec![rule("strict", 1, 3600, Some(0))];
    project(&app, Target::User("alice".into()), &strict).await;
    let first = app.get("/api/v1/regions", ALICE).send().await.unwrap();
    assert_eq!(
        header(&first, "ratelimit-policy").unwrap(),
        "\"strict\";q=1;w=3600"
    );
    let second = app.get("/api/v1/regions", ALICE).send().await.unwrap();
    assert_problem(second, 429, "RATE_LIMITED").await;
    assert_eq!(
        app.get("/api/v1/regions", BOB)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let page: RateLimitPolicyPage = conforms(
        &app.get("/api/v1/rate_limit_policies?page_size=1", ADMIN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap(),
    );
    assert_eq!((page.rate_limit_policies.len(), page.meta.total), (1, 2));
    let token = page.next_page_token.expect("a second page");
    let rest: RateLimitPolicyPage = app
        .get(
            &format!("/api/v1/rate_limit_policies?page_token={token}"),
            ADMIN,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        rest.rate_limit_policies[0].user_id.as_deref(),
        Some("alice")
    );
    assert!(rest.next_page_token.is_none());
    let bad = app
        .get("/api/v1/rate_limit_policies?page_token=zz", ADMIN)
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400, "INVALID_PAGE_TOKEN").await;
}

#[tokio::test]
async fn two_instances_on_one_redis_never_admit_more_than_the_quota() {
    const QUOTA: usize = 10;
    let rules = vec![rule("small", QUOTA as u32, 3600, None)];
    let first = limited_app(rules.clone()).await;
    let prefix = first.prefix.clone();
    let second = spawn_app_with(|s| {
        s.rate_limit.policies = Some(rules);
        s.rate_limit.quota_scale = None;
        s.redis.key_prefix = prefix;
    })
    .await;
    let addresses = [first.address.clone(), second.address.clone()];
    let client = first.client.clone();
    let clients = (0..32).map(|n| {
        let url = format!("{}/api/v1/regions", addresses[n % 2]);
        let client = client.clone();
        async move {
            let mut admitted = 0;
            for _ in 0..3 {
                let status = client
                    .get(&url)
                    .bearer_auth(ALICE)
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert!(status == 200 || status == 429, "{status}");
                admitted += usize::from(status == 200);
            }
            admitted
        }
    });
    let admitted: usize = futures::future::join_all(clients).await.into_iter().sum();
    assert!(
        (QUOTA..=QUOTA + 1).contains(&admitted),
        "96 requests over two instances admitted {admitted}, quota {QUOTA}"
    );
}

#[tokio::test]
async fn an_unreachable_redis_falls_back_to_per_instance_limits() {
    let app = spawn_app_with(|s| {
        s.rate_limit.policies = Some(vec![rule("minute", 2, 60, None)]);
        s.rate_limit.quota_scale = None;
        s.rate_limit.redis_url = Some("redis://127.0.0.1:1".into());
    })
    .await;
    let statuses: Vec<u16> = futures::future::join_all((0..3).map(|_| async {
        app.get("/api/v1/regions", ALICE)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }))
    .await;
    let mut sorted = statuses.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [200, 200, 429],
        "the fallback still limits: {statuses:?}"
    );
    let ready = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200, "degraded is still ready");
    let body: Value = ready.json().await.unwrap();
    assert_eq!(
        body["checks"]["rate_limiter"]["status"], "degraded",
        "{body}"
    );
    assert_eq!(body["degraded"], true);
    let status: RateLimitStatus = app
        .get("/api/v1/rate_limit", ALICE)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status.source, "fallback");
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("clustergenie_rate_limit_fallback_active 1"),
        "{metrics}"
    );
    assert!(metrics.contains("outcome=\"limited\""), "{metrics}");
    assert!(
        metrics.contains("route=\"GET /api/v1/regions\""),
        "{metrics}"
    );
    assert!(!metrics.contains("alice"), "no label carries a user id");
}
