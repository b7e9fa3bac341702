//! Roles on droplet mutations (api.md §2 "Identity"): a viewer gets 403 on every one,
//! checked before the resource is looked up; no or an unknown token is 401. Neither
//! appends anything.

use platform::testing::assert_problem;
use serde_json::{Value, json};

use crate::helpers::{Log, VIEWER, droplet_body, spawn_app};
use crate::support::{active_droplet, appended, droplet};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_may_not_mutate_and_strangers_are_unauthenticated() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let before = appended(&log);
    let unknown = "0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a37";
    let url = |path: &str| format!("{}/api/v1{path}", app.address);
    let bulk = json!({"names": ["a", "b"], "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"});
    let requests = |token: Option<&str>| {
        let c = &app.client;
        let json_body = |r: reqwest::RequestBuilder, body: &Value| {
            r.header("content-type", "application/json")
                .body(body.to_string())
        };
        let mut list = vec![
            json_body(c.post(url("/droplets")), &droplet_body("v-1")),
            json_body(c.post(url("/droplets")), &bulk),
            json_body(
                c.patch(url(&format!("/droplets/{id}"))),
                &json!({"tags": []}),
            ),
            json_body(
                c.patch(url(&format!("/droplets/{id}"))),
                &json!({"name": "v-2"}),
            ),
            json_body(
                c.post(url(&format!("/droplets/{id}/actions"))),
                &json!({"type": "power_off"}),
            ),
            json_body(
                c.post(url(&format!("/droplets/{unknown}/actions"))),
                &json!({"type": "reboot"}),
            ),
            c.delete(url(&format!("/droplets/{id}"))),
            c.delete(url(&format!("/droplets/{unknown}?allow_missing=true"))),
            c.delete(url("/droplets/not-a-uuid?allow_missing=true")),
        ];
        if let Some(token) = token {
            list = list.into_iter().map(|r| r.bearer_auth(token)).collect();
        }
        list
    };
    for request in requests(Some(VIEWER)) {
        assert_problem(request.send().await.unwrap(), 403, "PERMISSION_DENIED").await;
    }
    for request in requests(None) {
        assert_problem(request.send().await.unwrap(), 401, "UNAUTHENTICATED").await;
    }
    for request in requests(Some("not-a-known-token-at-all")) {
        assert_problem(request.send().await.unwrap(), 401, "UNAUTHENTICATED").await;
    }
    assert_eq!(appended(&log), before, "nothing appended");
    let state = droplet(&app, &id).await;
    assert_eq!((state.version, state.name.as_ref()), (2, "web-1"));
}
