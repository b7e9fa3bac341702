//! The admin policy writes of api.md §8/§11 on command-api and their effect on the very
//! next request: 401/403 before anything, 428 without `If-Match`, 422 with pointers,
//! 412 on a stale version, 200 with the new `ETag`; a user's override limits that
//! user's next mutation, and deleting it restores the defaults.

use contract::rate_limit::RateLimitPolicy;
use platform::testing::{assert_problem, conforms};
use serde_json::{Value, json};

use crate::helpers::{ADMIN, Log, MEMBER, OTHER, spawn_app};

fn put(
    app: &crate::helpers::TestApp,
    path: &str,
    token: &str,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::RequestBuilder {
    let mut request = app
        .client
        .put(format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_writes_are_admin_only_conditional_and_validated() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let path = "/api/v1/rate_limit_policies/default";
    let good =
        json!({"policies": [{"name": "minute", "quota": 500, "window_seconds": 60, "burst": 99}]});
    let anonymous = app
        .client
        .put(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401, "UNAUTHENTICATED").await;
    assert_problem(
        put(&app, path, MEMBER, Some("\"0\""), &good)
            .send()
            .await
            .unwrap(),
        403,
        "PERMISSION_DENIED",
    )
    .await;
    assert_problem(
        put(&app, path, ADMIN, None, &good).send().await.unwrap(),
        428,
        "PRECONDITION_REQUIRED",
    )
    .await;
    let bad = json!({"policies": [{"name": "Minute!", "quota": 0, "window_seconds": 60, "extra": 1}], "id": 3});
    let invalid = assert_problem(
        put(&app, path, ADMIN, Some("\"0\""), &bad)
            .send()
            .await
            .unwrap(),
        422,
        "VALIDATION_FAILED",
    )
    .await;
    let pointers: Vec<&str> = invalid["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["#/id", "#/policies/0/extra"]);
    let ranges = json!({"policies": [{"name": "Minute!", "quota": 0, "window_seconds": 60}]});
    let invalid = assert_problem(
        put(&app, path, ADMIN, Some("\"0\""), &ranges)
            .send()
            .await
            .unwrap(),
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(invalid["errors"][0]["pointer"], "#/policies/0/name");
    assert_eq!(invalid["errors"][1]["pointer"], "#/policies/0/quota");
    let stale = put(&app, path, ADMIN, Some("\"5\""), &good)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&stale, "etag").as_deref(), Some("\"0\""));
    let stale = assert_problem(stale, 412, "PRECONDITION_FAILED").await;
    assert_eq!(stale["metadata"]["current_version"], 0);
    let stored = put(&app, path, ADMIN, Some("\"0\""), &good)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 200);
    assert_eq!(header(&stored, "etag").as_deref(), Some("\"1\""));
    let doc: RateLimitPolicy = conforms(&stored.json::<Value>().await.unwrap());
    assert_eq!(
        (doc.id.as_str(), doc.version, doc.policies[0].quota),
        ("default", 1, 500)
    );
    let next = app
        .delete("/api/v1/droplets/not-a-uuid?allow_missing=true", OTHER)
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&next, "ratelimit-policy").as_deref(),
        Some("\"minute\";q=500;w=60"),
        "the next request obeys it"
    );
    let same = put(&app, path, ADMIN, Some("\"1\""), &good)
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&same, "etag").as_deref(),
        Some("\"1\""),
        "the same rules change nothing"
    );
    let other = json!({"policies": [{"name": "minute", "quota": 600, "window_seconds": 60}]});
    let again = put(&app, path, ADMIN, Some("*"), &other)
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&again, "etag").as_deref(),
        Some("\"2\""),
        "* replaces any version"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_override_limits_the_next_request_until_it_is_deleted() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let path = "/api/v1/users/alice/rate_limit_policy";
    let strict = json!({"policies": [{"name": "strict", "quota": 1, "window_seconds": 3600, "burst": 0,
        "applies_to": "mutations"}]});
    let stored = put(&app, path, ADMIN, Some("\"0\""), &strict)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 200);
    let mutate = || {
        app.delete("/api/v1/droplets/not-a-uuid?allow_missing=true", MEMBER)
            .send()
    };
    let first = mutate().await.unwrap();
    assert_eq!(
        header(&first, "ratelimit").as_deref(),
        Some("\"strict\";r=0;t=3600")
    );
    let limited = mutate().await.unwrap();
    assert_eq!(header(&limited, "retry-after").as_deref(), Some("3600"));
    let body = assert_problem(limited, 429, "RATE_LIMITED").await;
    assert_eq!(body["violated-policies"], json!(["strict"]));
    let bob = app
        .delete("/api/v1/droplets/not-a-uuid?allow_missing=true", OTHER)
        .send()
        .await
        .unwrap();
    assert_ne!(bob.status(), 429, "only alice is overridden");
    let stale = app
        .delete(path, ADMIN)
        .header("if-match", "\"7\"")
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "PRECONDITION_FAILED").await;
    assert_problem(
        app.delete(path, OTHER).send().await.unwrap(),
        403,
        "PERMISSION_DENIED",
    )
    .await;
    assert_eq!(app.delete(path, ADMIN).send().await.unwrap().status(), 204);
    assert_problem(
        app.delete(path, ADMIN).send().await.unwrap(),
        404,
        "NOT_FOUND",
    )
    .await;
    let restored = mutate().await.unwrap();
    assert_ne!(restored.status(), 429, "the defaults apply again");
    assert!(
        header(&restored, "ratelimit-policy")
            .unwrap()
            .starts_with("\"minute\";q=250000;w=60")
    );
}
