//! `PATCH /droplets/{id}` (api.md §2 "Partial update", §6, §11): metadata only, answered
//! 200 with the bare droplet; If-Match, field checks, media types, ownership and the
//! per-owner uniqueness of names all hold, and a refused patch appends nothing.

use domain::droplet::DropletStatus;
use platform::testing::{assert_problem, conforms};
use serde_json::{Value, json};

use crate::helpers::{Log, MEMBER, OTHER, droplet_body, spawn_app};
use crate::support::{
    ALICE, active_droplet, appended, assert_accepted, create_as, creations, droplet, header, patch,
    reaches,
};

const MERGE_PATCH: &str = "application/merge-patch+json";
const JSON: &str = "application/json";

/// Asserts a 200 with the bare droplet and an ETag equal to its version; returns it.
async fn assert_ok(response: reqwest::Response) -> Value {
    let status = response.status().as_u16();
    let etag = header(response.headers(), "etag");
    let body: Value = response.json().await.expect("json");
    assert_eq!(status, 200, "{body:#}");
    let droplet: contract::droplet::Droplet = conforms(&body);
    assert_eq!(etag, Some(format!("\"{}\"", droplet.version)));
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_renames_and_retags_with_either_media_type() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let body = json!({"name": "web-2", "tags": ["env:prod", "team:core"]});
    let first = assert_ok(patch(&app, &id, MEMBER, MERGE_PATCH, &body, Some(2)).await).await;
    assert_eq!(first["name"], "web-2");
    assert_eq!(first["tags"], json!(["env:prod", "team:core"]));
    assert_eq!(first["status"], "active", "a patch never changes status");
    assert_eq!(first["version"], 4, "renamed and tags_changed");
    assert_eq!(first["locked"], false);

    let second = assert_ok(patch(&app, &id, MEMBER, JSON, &json!({"tags": []}), None).await).await;
    assert_eq!(second["tags"], json!([]));
    assert_eq!(second["name"], "web-2", "omitted fields stay as they are");
    assert!(second["version"].as_u64() > first["version"].as_u64());

    let batches = log.batches_of(&id);
    let updates: Vec<Vec<&str>> = batches
        .iter()
        .filter(|b| b.header.command_name == "droplet.update")
        .map(|b| b.events.iter().map(|e| e.event_type.as_str()).collect())
        .collect();
    assert_eq!(
        updates,
        [
            vec!["droplet.renamed", "droplet.tags_changed"],
            vec!["droplet.tags_changed"]
        ]
    );
    let state = droplet(&app, &id).await;
    assert_eq!(state.name.as_ref(), "web-2");
    assert!(state.tags.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_that_changes_nothing_keeps_the_version() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let same = json!({"name": "web-1", "tags": ["env:test"]});
    let body = assert_ok(patch(&app, &id, MEMBER, MERGE_PATCH, &same, None).await).await;
    assert_eq!(body["version"], 2);
    assert_eq!(log.batches_of(&id).len(), 2, "nothing appended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_if_match_is_412_and_leaves_the_name_free() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let rename = json!({"name": "web-2"});
    let response = patch(&app, &id, MEMBER, MERGE_PATCH, &rename, Some(1)).await;
    assert_eq!(header(response.headers(), "etag").as_deref(), Some("\"2\""));
    let problem = assert_problem(response, 412, "PRECONDITION_FAILED").await;
    assert_eq!(problem["metadata"]["current_version"], 2);
    let tags = json!({"tags": ["x"]});
    let response = patch(&app, &id, MEMBER, MERGE_PATCH, &tags, Some(3)).await;
    assert_problem(response, 412, "PRECONDITION_FAILED").await;
    assert_eq!(log.batches_of(&id).len(), 2, "nothing appended");
    assert_eq!(droplet(&app, &id).await.name.as_ref(), "web-1");
    // The refused rename gave its reservation back: the name is free for a new droplet.
    let created = create_as(&app, MEMBER, &droplet_body("web-2")).await;
    assert_accepted(&app, created, "droplet.create").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_patch_bodies_get_problems_and_append_nothing() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let before = appended(&log);
    let cases = [
        (json!({"bogus": 1}), "#/bogus", "UNKNOWN_FIELD"),
        (json!({"id": id}), "#/id", "READ_ONLY_FIELD"),
        (json!({"status": "off"}), "#/status", "UNKNOWN_FIELD"),
        (json!({"size": "s-2vcpu-4gb"}), "#/size", "UNKNOWN_FIELD"),
        (json!({"name": "bad_name"}), "#/name", "INVALID_NAME"),
        (json!({"name": 5}), "#/name", "INVALID_TYPE"),
        (json!({"tags": ["ok", "not ok"]}), "#/tags/1", "INVALID_TAG"),
        (json!({"tags": "env:prod"}), "#/tags", "INVALID_TAGS"),
    ];
    for (body, pointer, code) in cases {
        let response = patch(&app, &id, MEMBER, MERGE_PATCH, &body, None).await;
        let problem = assert_problem(response, 422, "VALIDATION_FAILED").await;
        let errors = problem["errors"].as_array().expect("errors[]");
        assert_eq!(errors.len(), 1, "{problem:#}");
        assert_eq!(
            (&errors[0]["pointer"], &errors[0]["code"]),
            (&json!(pointer), &json!(code)),
            "{body}"
        );
    }
    let plain = app
        .client
        .patch(format!("{}/api/v1/droplets/{id}", app.address))
        .bearer_auth(MEMBER)
        .header("content-type", "text/plain")
        .body(r#"{"name": "web-2"}"#)
        .send()
        .await
        .unwrap();
    assert_problem(plain, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    let array = patch(&app, &id, MEMBER, MERGE_PATCH, &json!(["name"]), None).await;
    assert_problem(array, 400, "INVALID_ARGUMENT").await;
    // A merge patch is a PATCH body only.
    let action = app
        .post(&format!("/api/v1/droplets/{id}/actions"), MEMBER)
        .header("content-type", MERGE_PATCH)
        .body(r#"{"type": "reboot"}"#)
        .send()
        .await
        .unwrap();
    assert_problem(action, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    assert_eq!(appended(&log), before, "no event, no reservation");
    assert_eq!(droplet(&app, &id).await.version, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_owners_droplet_cannot_be_patched() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    for body in [json!({"tags": ["mine"]}), json!({"name": "bobs"})] {
        let response = patch(&app, &id, OTHER, MERGE_PATCH, &body, None).await;
        assert_problem(response, 404, "NOT_FOUND").await;
    }
    let unknown = "0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a37";
    let response = patch(
        &app,
        unknown,
        MEMBER,
        MERGE_PATCH,
        &json!({"tags": []}),
        None,
    )
    .await;
    assert_problem(response, 404, "NOT_FOUND").await;
    assert_eq!(log.batches_of(&id).len(), 2, "nothing appended");
    // Bob's refused rename did not take the name from him either.
    let bobs = create_as(&app, OTHER, &droplet_body("bobs")).await;
    assert_accepted(&app, bobs, "droplet.create").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_onto_a_name_the_owner_uses_is_409() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let first = active_droplet(&app, "web-1").await;
    let second = active_droplet(&app, "web-2").await;
    let response = patch(
        &app,
        &second,
        MEMBER,
        MERGE_PATCH,
        &json!({"name": "web-1"}),
        None,
    )
    .await;
    let problem = assert_problem(response, 409, "ALREADY_EXISTS").await;
    assert_eq!(problem["metadata"]["name"], "web-1");
    assert_eq!(problem["metadata"]["existing_id"], first.as_str());
    let action = app
        .action(&second, json!({"type": "rename", "name": "web-1"}), None)
        .await;
    assert_problem(action, 409, "ALREADY_EXISTS").await;
    assert_eq!(droplet(&app, &second).await.name.as_ref(), "web-2");
    assert_eq!(log.batches_of(&second).len(), 2, "nothing appended");
    // Bob's names are his own: he may take "web-2" by creating and by renaming.
    let bobs = create_as(&app, OTHER, &droplet_body("web-2")).await;
    let bobs = assert_accepted(&app, bobs, "droplet.create").await;
    let bobs_id = bobs["droplet"]["id"].as_str().unwrap().to_owned();
    app.clock.advance(chrono::Duration::seconds(3));
    assert!(reaches(&app, &bobs_id, DropletStatus::Active).await);
    let renamed = patch(
        &app,
        &bobs_id,
        OTHER,
        MERGE_PATCH,
        &json!({"name": "web-1"}),
        None,
    )
    .await;
    assert_eq!(assert_ok(renamed).await["name"], "web-1");
    assert_eq!(creations(&log, ALICE, "web-1").len(), 1);
}
