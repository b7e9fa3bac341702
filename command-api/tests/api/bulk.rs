//! `POST /droplets` with `names[]` (api.md §11: "up to 10 with `names[]`"): one droplet
//! and one operation per name, all or nothing; bodies outside the contract are 422 and
//! append nothing; a retry with the same Idempotency-Key replays instead of creating.

use std::collections::BTreeSet;

use contract::envelope::DropletsAccepted;
use domain::droplet::DropletStatus;
use platform::consistency::ConsistencyToken;
use platform::testing::{assert_problem, conforms};
use serde_json::{Value, json};

use crate::helpers::{Log, MEMBER, PARTITIONS, TestApp, droplet_body, spawn_app};
use crate::support::{ALICE, appended, assert_accepted, create_as, creations, header, reaches};

fn bulk(names: Value) -> Value {
    json!({"names": names, "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": ["env:test"]})
}

/// Asserts a bulk 202 for `names`, in order; returns the typed body.
async fn assert_bulk_accepted(
    app: &TestApp,
    response: reqwest::Response,
    names: &[&str],
) -> DropletsAccepted {
    let status = response.status().as_u16();
    let token = header(response.headers(), "consistency-token");
    let body: Value = response.json().await.expect("json");
    assert_eq!(status, 202, "{body:#}");
    let accepted: DropletsAccepted = conforms(&body);
    let got: Vec<&str> = accepted.droplets.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(got, names);
    assert_eq!(accepted.operations.len(), names.len());
    for (droplet, operation) in accepted.droplets.iter().zip(&accepted.operations) {
        assert_eq!((droplet.status.as_str(), droplet.locked), ("new", true));
        assert_eq!(operation.operation_type, "droplet.create");
        assert_eq!(operation.target.id, droplet.id);
        assert_eq!(droplet.pending_operation_id, Some(operation.id));
        assert!(!operation.done);
    }
    let ids: BTreeSet<_> = accepted.droplets.iter().map(|d| d.id).collect();
    assert_eq!(ids.len(), names.len(), "distinct droplets");
    let touched: BTreeSet<i32> = ids.iter().map(|id| app.writer.partition_of(id)).collect();
    let token = ConsistencyToken::parse(&token.expect("a Consistency-Token"), PARTITIONS)
        .expect("a well-formed token");
    assert_eq!(
        token.partitions(),
        touched.into_iter().collect::<Vec<_>>(),
        "one position per partition touched"
    );
    accepted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_create_one_droplet_and_one_operation_each() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let response = create_as(&app, MEMBER, &bulk(json!(["a", "b", "c"]))).await;
    let accepted = assert_bulk_accepted(&app, response, &["a", "b", "c"]).await;
    for (droplet, name) in accepted.droplets.iter().zip(["a", "b", "c"]) {
        assert_eq!(creations(&log, ALICE, name), [droplet.id]);
        assert_eq!((droplet.region.as_str(), droplet.vcpus), ("nyc1", 1));
        assert_eq!(droplet.tags, ["env:test"]);
    }
    app.clock.advance(chrono::Duration::seconds(3));
    for droplet in &accepted.droplets {
        let id = droplet.id.to_string();
        assert!(reaches(&app, &id, DropletStatus::Active).await);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_bodies_outside_the_contract_are_422_and_ten_is_the_limit() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let eleven: Vec<String> = (1..=11).map(|i| format!("web-{i}")).collect();
    let mut both = bulk(json!(["a", "b"]));
    both["name"] = json!("c");
    let cases = [
        (bulk(json!(eleven)), "#/names", "INVALID_NAMES"),
        (bulk(json!([])), "#/names", "INVALID_NAMES"),
        (bulk(json!("a")), "#/names", "INVALID_NAMES"),
        (both, "#/names", "CONFLICTING_FIELDS"),
        (bulk(json!(["a", "b", "a"])), "#/names/2", "DUPLICATE_NAME"),
        (bulk(json!(["a", "-b"])), "#/names/1", "INVALID_NAME"),
        (bulk(json!(["a", 2])), "#/names/1", "INVALID_TYPE"),
    ];
    for (body, pointer, code) in cases {
        let response = create_as(&app, MEMBER, &body).await;
        let problem = assert_problem(response, 422, "VALIDATION_FAILED").await;
        let errors = problem["errors"].as_array().expect("errors[]");
        assert!(
            errors
                .iter()
                .any(|e| e["pointer"] == pointer && e["code"] == code),
            "{body} → {problem:#}"
        );
    }
    assert_eq!(appended(&log), 0, "no droplet, no reservation");
    let ten: Vec<String> = (1..=10).map(|i| format!("web-{i}")).collect();
    let names: Vec<&str> = ten.iter().map(String::as_str).collect();
    let response = create_as(&app, MEMBER, &bulk(json!(ten))).await;
    assert_bulk_accepted(&app, response, &names).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_taken_name_refuses_the_whole_request() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (existing, _) = app.create_droplet("b").await;
    let response = create_as(&app, MEMBER, &bulk(json!(["a", "b", "c"]))).await;
    let problem = assert_problem(response, 409, "ALREADY_EXISTS").await;
    assert_eq!(problem["metadata"]["name"], "b");
    assert_eq!(problem["metadata"]["existing_id"], existing.as_str());
    for name in ["a", "c"] {
        assert!(creations(&log, ALICE, name).is_empty(), "{name} created");
    }
    // "a" was reserved before "b" failed and was given back.
    let response = create_as(&app, MEMBER, &bulk(json!(["a", "c"]))).await;
    assert_bulk_accepted(&app, response, &["a", "c"]).await;
    let single = create_as(&app, MEMBER, &droplet_body("d")).await;
    assert_accepted(&app, single, "droplet.create").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_bulk_request_replays_its_answer() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let send = || {
        app.post("/api/v1/droplets", MEMBER)
            .header("Idempotency-Key", "bulk-1")
            .json(&bulk(json!(["a", "b", "c"])))
            .send()
    };
    let first = send().await.unwrap();
    let second = send().await.unwrap();
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(
        first.headers()["consistency-token"],
        second.headers()["consistency-token"]
    );
    let first = assert_bulk_accepted(&app, first, &["a", "b", "c"]).await;
    let second: Value = second.json().await.unwrap();
    assert_eq!(
        conforms::<DropletsAccepted>(&second),
        first,
        "the same answer"
    );
    for name in ["a", "b", "c"] {
        assert_eq!(creations(&log, ALICE, name).len(), 1, "{name} created once");
    }
}
