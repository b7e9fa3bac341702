//! `POST /droplets/{id}/actions` (api.md §11, §12.1): every DO action answers a
//! conforming 202 and changes what it says; resize only when off and only to a size of
//! the droplet's region; unknown actions are 422; a pending operation locks the droplet.

use domain::droplet::DropletStatus;
use platform::testing::assert_problem;
use serde_json::{Value, json};

use crate::helpers::{Log, MEMBER, TestApp, droplet_body, spawn_app};
use crate::support::{
    active_droplet, assert_accepted, create_as, droplet, event_types, header, name_released,
    operation_id, reaches,
};

/// Runs one action on alice's droplet and checks its 202 and its immediate operation.
async fn act(app: &TestApp, id: &str, action: Value, version: u64) -> Value {
    let kind = action["type"].as_str().expect("type").to_owned();
    let response = app.action(id, action, Some(version)).await;
    let body = assert_accepted(app, response, &format!("droplet.{kind}")).await;
    assert_eq!(
        body["droplet"]["version"],
        version + 1,
        "one event per action"
    );
    assert_eq!(body["droplet"]["locked"], false, "{kind} completes at once");
    assert_eq!(body["operation"]["status"], "succeeded");
    assert_eq!(body["operation"]["done"], true);
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_answers_a_conforming_202_and_takes_effect() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let response = app
        .post("/api/v1/droplets", MEMBER)
        .json(&droplet_body("web-1"))
        .send()
        .await
        .unwrap();
    let created = assert_accepted(&app, response, "droplet.create").await;
    assert_eq!(created["operation"]["done"], false);
    let id = created["droplet"]["id"].as_str().unwrap().to_owned();
    app.clock.advance(chrono::Duration::seconds(3));
    assert!(reaches(&app, &id, DropletStatus::Active).await);

    let body = act(&app, &id, json!({"type": "power_cycle"}), 2).await;
    assert_eq!(body["droplet"]["status"], "active");
    let body = act(&app, &id, json!({"type": "reboot"}), 3).await;
    assert_eq!(body["droplet"]["status"], "active");
    let body = act(&app, &id, json!({"type": "power_off"}), 4).await;
    assert_eq!(body["droplet"]["status"], "off");
    let body = act(&app, &id, json!({"type": "power_on"}), 5).await;
    assert_eq!(body["droplet"]["status"], "active");
    let body = act(
        &app,
        &id,
        json!({"type": "rebuild", "image": "ubuntu-24-04-x64"}),
        6,
    )
    .await;
    assert_eq!(body["droplet"]["image"], "ubuntu-24-04-x64");
    let body = act(
        &app,
        &id,
        json!({"type": "snapshot", "name": "before-upgrade"}),
        7,
    )
    .await;
    assert_eq!(body["droplet"]["snapshots"], json!(["before-upgrade"]));
    let body = act(&app, &id, json!({"type": "power_off"}), 8).await;
    assert_eq!(body["droplet"]["status"], "off");
    // Last: the reconciler then releases the old name, which bumps the version.
    let body = act(
        &app,
        &id,
        json!({"type": "rename", "name": "web-renamed"}),
        9,
    )
    .await;
    assert_eq!(body["droplet"]["name"], "web-renamed");
    assert!(
        name_released(&log, &id).await,
        "the old name was given back"
    );

    let state = droplet(&app, &id).await;
    assert_eq!(
        (
            state.name.as_ref(),
            state.image.as_str(),
            state.status,
            state.version
        ),
        (
            "web-renamed",
            "ubuntu-24-04-x64",
            Some(DropletStatus::Off),
            11
        )
    );
    assert_eq!(state.snapshots.len(), 1);
    assert_eq!(
        event_types(&log, &id),
        [
            "droplet.creation_requested",
            "droplet.provisioned",
            "droplet.power_cycled",
            "droplet.rebooted",
            "droplet.powered_off",
            "droplet.powered_on",
            "droplet.rebuilt",
            "droplet.snapshot_taken",
            "droplet.powered_off",
            "droplet.renamed",
            "droplet.name_released",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resize_needs_the_droplet_off_and_a_size_of_its_region() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let resize = json!({"type": "resize", "size": "c-8vcpu-16gb"});
    let refused = app.action(&id, resize.clone(), None).await;
    let problem = assert_problem(refused, 409, "INVALID_STATE_TRANSITION").await;
    assert_eq!(problem["metadata"]["from"], "active");
    assert_eq!(problem["metadata"]["action"], "resize");
    assert!(
        !problem["metadata"]["allowed_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("resize"))
    );
    assert_eq!(droplet(&app, &id).await.size_slug, "s-1vcpu-1gb");

    act(&app, &id, json!({"type": "power_off"}), 2).await;
    let unknown = app
        .action(&id, json!({"type": "resize", "size": "s-64vcpu-1tb"}), None)
        .await;
    let problem = assert_problem(unknown, 422, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["pointer"], "#/size");
    assert_eq!(problem["errors"][0]["code"], "UNKNOWN_SIZE");
    let missing = app.action(&id, json!({"type": "resize"}), None).await;
    let problem = assert_problem(missing, 422, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["code"], "REQUIRED");

    let body = act(&app, &id, resize, 3).await;
    assert_eq!(body["droplet"]["size_slug"], "c-8vcpu-16gb");
    assert_eq!(
        (
            &body["droplet"]["vcpus"],
            &body["droplet"]["memory_mb"],
            &body["droplet"]["disk_gb"],
            &body["droplet"]["status"],
        ),
        (&json!(8), &json!(16384), &json!(200), &json!("off"))
    );
    let state = droplet(&app, &id).await;
    assert_eq!(
        (state.size_slug.as_str(), state.vcpus, state.memory_mb),
        ("c-8vcpu-16gb", 8, 16384)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_size_not_offered_in_the_droplets_region_is_422() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let body =
        json!({"name": "sg-1", "region": "sgp1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"});
    let created = create_as(&app, MEMBER, &body).await;
    let id = assert_accepted(&app, created, "droplet.create").await["droplet"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance(chrono::Duration::seconds(3));
    assert!(reaches(&app, &id, DropletStatus::Active).await);
    act(&app, &id, json!({"type": "power_off"}), 2).await;
    let response = app
        .action(&id, json!({"type": "resize", "size": "c-8vcpu-16gb"}), None)
        .await;
    let problem = assert_problem(response, 422, "VALIDATION_FAILED").await;
    assert_eq!(problem["metadata"]["size"], "c-8vcpu-16gb");
    assert_eq!(problem["metadata"]["region"], "sgp1");
    let state = droplet(&app, &id).await;
    assert_eq!(
        (state.size_slug.as_str(), state.version),
        ("s-1vcpu-1gb", 3)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_or_malformed_actions_are_422_and_append_nothing() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let cases = [
        (json!({"type": "fly"}), "#/type", "UNKNOWN_ACTION"),
        (
            json!({"type": "migrate", "provider": "p1"}),
            "#/provider",
            "UNKNOWN_PROVIDER",
        ),
        (json!({"type": "migrate"}), "#/provider", "REQUIRED"),
        (json!({}), "#/type", "REQUIRED"),
        (json!({"type": 7}), "#/type", "INVALID_TYPE"),
        (
            json!({"type": "reboot", "name": "x"}),
            "#/name",
            "UNKNOWN_FIELD",
        ),
        (
            json!({"type": "rename", "name": "-bad-"}),
            "#/name",
            "INVALID_NAME",
        ),
        (
            json!({"type": "rebuild", "image": "windows-95"}),
            "#/image",
            "UNKNOWN_IMAGE",
        ),
        (json!({"type": "snapshot"}), "#/name", "REQUIRED"),
    ];
    for (action, pointer, code) in cases {
        let response = app.action(&id, action.clone(), None).await;
        let problem = assert_problem(response, 422, "VALIDATION_FAILED").await;
        let errors = problem["errors"].as_array().expect("errors[]");
        assert!(
            errors
                .iter()
                .any(|e| e["pointer"] == pointer && e["code"] == code),
            "{action} → {problem:#}"
        );
    }
    assert_eq!(log.batches_of(&id).len(), 2, "only create and provisioned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_during_a_pending_operation_is_resource_locked() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, created) = app.create_droplet("web-1").await;
    let locked = app.action(&id, json!({"type": "power_cycle"}), None).await;
    assert_eq!(locked.headers()["retry-after"], "2");
    let problem = assert_problem(locked, 409, "RESOURCE_LOCKED").await;
    assert_eq!(
        problem["metadata"]["operation_id"],
        created["operation"]["id"]
    );
    assert_eq!(problem["metadata"]["action"], "power_cycle");

    app.clock.advance(chrono::Duration::seconds(3));
    assert!(reaches(&app, &id, DropletStatus::Active).await);
    let deleting = app
        .delete(&format!("/api/v1/droplets/{id}"), MEMBER)
        .send()
        .await
        .unwrap();
    let deleting = assert_accepted(&app, deleting, "droplet.delete").await;
    for action in [
        json!({"type": "power_off"}),
        json!({"type": "rename", "name": "web-2"}),
    ] {
        let response = app.action(&id, action, None).await;
        let problem = assert_problem(response, 409, "RESOURCE_LOCKED").await;
        assert_eq!(problem["metadata"]["operation_id"], operation_id(&deleting));
    }
    assert_eq!(
        event_types(&log, &id),
        [
            "droplet.creation_requested",
            "droplet.provisioned",
            "droplet.deletion_requested"
        ]
    );
    // The refused rename gave back the name it had reserved.
    let created = create_as(&app, MEMBER, &droplet_body("web-2")).await;
    assert_accepted(&app, created, "droplet.create").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_is_an_operation_of_its_own_type() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let body = act(&app, &id, json!({"type": "shutdown"}), 2).await;
    assert_eq!(body["droplet"]["status"], "off");
    let batches = log.batches_of(&id);
    assert_eq!(batches[2].header.command_name, "droplet.shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_202_carries_retry_after() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let response = app.action(&id, json!({"type": "reboot"}), None).await;
    assert_eq!(response.status(), 202);
    assert_eq!(
        header(response.headers(), "retry-after").as_deref(),
        Some("2")
    );
}
