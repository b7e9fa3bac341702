//! The limiter against a real Redis (`CG_TEST_REDIS_URL`, default 127.0.0.1:6379), with
//! the worked numbers of api.md §8. Each test uses its own key prefix and never flushes
//! anything; a missing Redis fails the tests rather than skipping them.

use contract::rate_limit::{AppliesTo, LimitKey, RateLimitRule};
use deadpool_redis::redis::{self, AsyncCommands};

use super::store;
use super::{Limiter, Mode, RateLimitSettings, Subject, Verdict};
use crate::metrics::Metrics;

fn redis_url() -> String {
    std::env::var("CG_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn prefix() -> String {
    format!(
        "cg:test:{}:",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// Where a binary would put policy documents (it derives them from the aggregate id).
fn document_key(prefix: &str, user: Option<&str>) -> String {
    format!("{prefix}rate_limit_policy:{}", user.unwrap_or("default"))
}

/// A document as the projector and command-api write it: a row with rules as JSON text.
fn row(version: u64, deleted: bool, rules: &[RateLimitRule]) -> String {
    serde_json::json!({
        "version": version,
        "deleted": deleted,
        "policies": serde_json::to_string(rules).unwrap(),
    })
    .to_string()
}

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

async fn limiter(prefix: &str, rules: Vec<RateLimitRule>) -> Limiter {
    let settings = RateLimitSettings {
        policies: Some(rules),
        // A loaded test machine must not push the limiter into its fallback.
        redis_timeout_ms: Some(5_000),
        ..RateLimitSettings::default()
    };
    let limiter = Limiter::new(
        &settings,
        &redis_url(),
        prefix,
        document_key,
        &Metrics::new().unwrap(),
    )
    .expect("limiter builds");
    let mut conn = limiter.redis().get().await.unwrap_or_else(|e| {
        panic!(
            "Redis must be running at {} (make test starts it): {e}",
            redis_url()
        )
    });
    let _: String = redis::cmd("PING").query_async(&mut conn).await.unwrap();
    limiter
}

fn subject<'a>(user: &'a str, route: &'a str) -> Subject<'a> {
    Subject {
        user,
        cluster: None,
        mutation: route.starts_with("POST"),
        route,
        mode: Mode::Consume,
    }
}

const READ: &str = "GET /api/v1/droplets";

async fn admitted_in_a_row(
    limiter: &Limiter,
    subject: &Subject<'_>,
    max: usize,
) -> (usize, Verdict) {
    for n in 0..max {
        let verdict = limiter.check(subject).await;
        assert!(!verdict.fallback, "Redis decided");
        if verdict.limited {
            return (n, verdict);
        }
    }
    panic!("never limited within {max} requests");
}

#[tokio::test]
async fn a_fresh_key_admits_burst_plus_one_back_to_back() {
    let limiter = limiter(&prefix(), vec![rule("minute", 250, 60, Some(50))]).await;
    let started = std::time::Instant::now();
    let first = limiter.check(&subject("alice", READ)).await;
    assert_eq!(
        first.rules[0].remaining, 50,
        "burst 50: 50 more after the first"
    );
    let (admitted, denied) = admitted_in_a_row(&limiter, &subject("alice", READ), 100).await;
    // T = 60/250 s = 0.24 s: on a loaded machine the bucket refills while we ask.
    let refilled = (started.elapsed().as_micros() / 240_000) as usize;
    assert!(
        (51..=51 + refilled).contains(&(admitted + 1)),
        "burst + 1 = 51 requests at once (+{refilled} refilled), got {}",
        admitted + 1
    );
    let retry = denied.rules[0].retry_after_us;
    assert!(
        (1..=240_000).contains(&retry),
        "at most T = 0.24 s, got {retry} µs"
    );
    assert_eq!(denied.retry_after_seconds(), 1);
    assert_eq!(denied.violated(), ["minute"]);
}

#[tokio::test]
async fn an_omitted_burst_is_quota_minus_one() {
    let limiter = limiter(&prefix(), vec![rule("small", 5, 60, None)]).await;
    let (admitted, denied) = admitted_in_a_row(&limiter, &subject("bob", READ), 20).await;
    assert_eq!(admitted, 5, "τ = window: the whole quota at once");
    assert_eq!(
        denied.retry_after_seconds(),
        12,
        "then one every 60/5 = 12 s"
    );
    assert_eq!(denied.rules[0].remaining, 0);
}

#[tokio::test]
async fn parity_buckets_key_by_cluster_and_route() {
    let mut diagnoses = rule("diagnoses", 12, 60, Some(4));
    diagnoses.applies_to = AppliesTo::Mutations;
    diagnoses.key = LimitKey::Cluster;
    diagnoses.routes = vec!["POST /api/v1/clusters/{id}/diagnoses".into()];
    let limiter = limiter(&prefix(), vec![diagnoses]).await;
    let route = "POST /api/v1/clusters/{id}/diagnoses";
    let on = |cluster| Subject {
        cluster: Some(cluster),
        ..subject("alice", route)
    };
    let (admitted, denied) = admitted_in_a_row(&limiter, &on("c-1"), 20).await;
    assert_eq!(admitted, 5, "capacity 5 like the original's bucket");
    assert_eq!(denied.retry_after_seconds(), 5, "refills at 0.2/s");
    let other = limiter
        .check(&Subject {
            user: "bob",
            ..on("c-2")
        })
        .await;
    assert!(!other.limited && other.rules[0].remaining == 4);
    let elsewhere = limiter
        .check(&subject("alice", "POST /api/v1/droplets"))
        .await;
    assert!(elsewhere.rules.is_empty(), "other routes are not counted");
}

#[tokio::test]
async fn a_denied_request_consumes_nothing_from_any_policy() {
    let prefix = prefix();
    let limiter = limiter(
        &prefix,
        vec![rule("big", 1000, 3600, None), rule("tiny", 1, 60, Some(0))],
    )
    .await;
    assert!(!limiter.check(&subject("carol", READ)).await.limited);
    let mut conn = limiter.redis().get().await.unwrap();
    let key = format!("{prefix}rl:big:carol");
    let before: (String, i64) = (
        conn.get(&key).await.unwrap(),
        conn.pttl(&key).await.unwrap(),
    );
    let denied = limiter.check(&subject("carol", READ)).await;
    assert!(denied.limited);
    assert_eq!(denied.violated(), ["tiny"]);
    let after: String = conn.get(&key).await.unwrap();
    assert_eq!(after, before.0, "the big bucket's TAT is untouched");
    let big = denied.rules.iter().find(|r| r.name == "big").unwrap();
    assert_eq!(
        big.remaining, 999,
        "and still reports what the first request left"
    );
}

#[tokio::test]
async fn a_peek_reports_without_creating_state() {
    let prefix = prefix();
    let limiter = limiter(&prefix, vec![rule("slow", 250, 6000, Some(50))]).await;
    let peek = Subject {
        mode: Mode::Peek,
        ..subject("dave", READ)
    };
    for _ in 0..3 {
        let verdict = limiter.check(&peek).await;
        assert_eq!(
            (verdict.rules[0].remaining, verdict.rules[0].reset_us),
            (51, 0)
        );
    }
    let mut conn = limiter.redis().get().await.unwrap();
    let exists: bool = conn.exists(format!("{prefix}rl:slow:dave")).await.unwrap();
    assert!(!exists, "peeking never creates limiter state");
    limiter.check(&subject("dave", READ)).await;
    assert_eq!(limiter.check(&peek).await.rules[0].remaining, 50);
    let ttl: i64 = conn.pttl(format!("{prefix}rl:slow:dave")).await.unwrap();
    assert!(
        (23_000..=24_000).contains(&ttl),
        "the bucket cg:..:rl:<policy>:<key> lives T = 24 s, {ttl}"
    );
}

#[tokio::test]
async fn a_stored_document_applies_on_the_next_request_and_never_goes_back() {
    let prefix = prefix();
    let limiter = limiter(&prefix, vec![rule("minute", 250, 60, Some(50))]).await;
    assert!(!limiter.check(&subject("erin", READ)).await.limited);
    let key = limiter.keys().user("erin");
    let strict = [rule("strict", 1, 60, Some(0))];
    let written = store::publish(limiter.redis(), &key, 2, &row(2, false, &strict)).await;
    assert!(written.unwrap());
    let first = limiter.check(&subject("erin", READ)).await;
    assert_eq!((first.version, first.rules[0].name.as_str()), (2, "strict"));
    assert!(limiter.check(&subject("erin", READ)).await.limited);
    assert!(
        !limiter.check(&subject("frank", READ)).await.limited,
        "others keep the defaults"
    );
    let older = store::publish(limiter.redis(), &key, 1, &row(1, false, &[])).await;
    assert!(
        !older.unwrap(),
        "an older document never replaces a newer one"
    );
    store::publish(limiter.redis(), &key, 3, &row(3, true, &strict))
        .await
        .unwrap();
    let after_delete = limiter.check(&subject("erin", READ)).await;
    assert_eq!(
        after_delete.rules[0].name, "minute",
        "a deleted override falls back"
    );
    let defaults = [rule("house", 7, 60, None)];
    let default_key = limiter.keys().default_key().to_owned();
    store::publish(limiter.redis(), &default_key, 1, &row(1, false, &defaults))
        .await
        .unwrap();
    let with_stored_defaults = limiter.check(&subject("erin", READ)).await;
    assert_eq!(
        (
            with_stored_defaults.version,
            with_stored_defaults.rules[0].name.as_str()
        ),
        (1, "house")
    );
}

#[tokio::test]
async fn a_flushed_script_is_loaded_again() {
    let limiter = limiter(&prefix(), vec![rule("slow", 250, 6000, Some(50))]).await;
    limiter.check(&subject("gina", READ)).await;
    limiter.forget_script_for_test();
    let verdict = limiter.check(&subject("gina", READ)).await;
    assert!(!verdict.fallback && verdict.rules[0].remaining == 49);
}

#[tokio::test]
async fn an_unreachable_redis_falls_back_and_says_so() {
    let settings = RateLimitSettings {
        policies: Some(vec![rule("tiny", 2, 60, None)]),
        redis_url: Some("redis://127.0.0.1:1".into()),
        ..RateLimitSettings::default()
    };
    let limiter = Limiter::new(
        &settings,
        &redis_url(),
        &prefix(),
        document_key,
        &Metrics::new().unwrap(),
    )
    .unwrap();
    let outcomes: Vec<bool> = futures::future::join_all(
        (0..3).map(|_| async { limiter.check(&subject("hank", READ)).await }),
    )
    .await
    .iter()
    .map(|v| {
        assert!(v.fallback);
        v.limited
    })
    .collect();
    assert_eq!(outcomes.iter().filter(|l| !**l).count(), 2);
    assert!(limiter.is_degraded() && limiter.readiness().degraded && limiter.readiness().up);
}

#[test]
fn settings_come_from_toml_and_the_environment() {
    #[derive(serde::Deserialize)]
    struct Settings {
        #[serde(default)]
        rate_limit: RateLimitSettings,
    }
    let base = r#"
        [[rate_limit.policies]]
        name = "minute"
        quota = 10
        window_seconds = 60
    "#;
    // A variable no other test reads, set only for the duration of this load.
    unsafe { std::env::set_var("CG_RATE_LIMIT__QUOTA_SCALE", "1000") };
    let loaded: Settings = crate::config::load(base).expect("settings load");
    unsafe { std::env::remove_var("CG_RATE_LIMIT__QUOTA_SCALE") };
    let rules = loaded.rate_limit.rules().unwrap();
    assert_eq!((rules[0].quota, rules[0].burst), (10_000, Some(9_999)));
    let empty: Settings = crate::config::load("").expect("the section may be left out");
    assert_eq!(empty.rate_limit.rules().unwrap().len(), 5);
}

/// A Redis of this test's own, on a free port, stopped when dropped.
struct OwnRedis {
    child: std::process::Child,
    port: u16,
}

impl OwnRedis {
    fn start(port: u16) -> Self {
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server must be installed (make test installs it)");
        Self { child, port }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_limiter_falls_back_while_redis_is_down_and_returns_when_it_is_back() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redis = OwnRedis::start(port);
    let settings = RateLimitSettings {
        policies: Some(vec![rule("minute", 250, 60, Some(50))]),
        redis_url: Some(redis.url()),
        ..RateLimitSettings::default()
    };
    let metrics = Metrics::new().unwrap();
    let limiter = Limiter::new(&settings, &redis_url(), &prefix(), document_key, &metrics).unwrap();
    let ask = async || limiter.check(&subject("ivan", READ)).await;
    until("the private Redis to answer", async || {
        !ask().await.fallback
    })
    .await;
    drop(redis);
    until("the fallback", async || ask().await.fallback).await;
    assert!(limiter.readiness().degraded);
    assert!(
        metrics
            .encode()
            .contains("clustergenie_rate_limit_fallback_active 1")
    );
    let _back = OwnRedis::start(port);
    until("Redis again", async || !ask().await.fallback).await;
    assert!(!limiter.readiness().degraded && !limiter.is_degraded());
    assert!(
        metrics
            .encode()
            .contains("clustergenie_rate_limit_fallback_active 0")
    );
}
