//! `DELETE /droplets/{id}` (api.md §11, §12.1): a soft delete that the reconciler
//! completes (`deleted`, with `delete_time` and `purge_time` = +7 days) and purges once
//! the purge time comes; `allow_missing`, If-Match and ownership as the contract says.

use chrono::Duration;
use domain::droplet::{DropletStatus, PURGE_AFTER_DAYS};
use platform::testing::{assert_problem, eventually};
use serde_json::json;

use crate::helpers::{Log, MEMBER, OTHER, TestApp, droplet_body, settings, spawn_app, spawn_with};
use crate::support::{
    WAIT, active_droplet, appended, assert_accepted, create_as, droplet, event_types,
    name_released, patch, reaches,
};

const UNKNOWN: &str = "0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a37";

fn delete(app: &TestApp, id: &str, token: &str) -> reqwest::RequestBuilder {
    app.delete(&format!("/api/v1/droplets/{id}"), token)
}

/// Deletes alice's droplet and lets the reconciler complete the deletion.
async fn delete_and_complete(app: &TestApp, id: &str) {
    let response = delete(app, id, MEMBER).send().await.unwrap();
    let body = assert_accepted(app, response, "droplet.delete").await;
    assert_eq!(
        (&body["droplet"]["status"], &body["droplet"]["locked"]),
        (&json!("deleting"), &json!(true))
    );
    assert_eq!(body["operation"]["done"], false);
    app.clock.advance(Duration::seconds(2));
    assert!(reaches(app, id, DropletStatus::Deleted).await, "deleted");
}

async fn purged(log: &Log, id: &str) -> bool {
    eventually(WAIT, || async {
        event_types(log, id).iter().any(|t| t == "droplet.purged")
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_droplet_stays_readable_until_its_purge_time() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let early = active_droplet(&app, "early").await;
    let late = active_droplet(&app, "late").await;
    delete_and_complete(&app, &early).await;
    let state = droplet(&app, &early).await;
    let deleted_at = state.delete_time.expect("delete_time is set");
    assert_eq!(
        state.purge_time,
        Some(deleted_at + Duration::days(PURGE_AFTER_DAYS))
    );
    assert!(
        state.pending_operation.is_none(),
        "the delete operation ended"
    );
    let again = delete(&app, &early, MEMBER).send().await.unwrap();
    let problem = assert_problem(again, 409, "INVALID_STATE_TRANSITION").await;
    assert_eq!(problem["metadata"]["from"], "deleted");
    assert_eq!(problem["metadata"]["allowed_actions"], json!([]));

    app.clock.advance(Duration::days(1));
    delete_and_complete(&app, &late).await;
    // Past the early droplet's purge time, before the late one's.
    app.clock
        .advance(Duration::days(PURGE_AFTER_DAYS) - Duration::days(1) + Duration::seconds(1));
    assert!(purged(&log, &early).await, "the reconciler purged it");
    assert!(
        !event_types(&log, &late).contains(&"droplet.purged".to_owned()),
        "a droplet is purged only once its purge time has come"
    );
    let types = event_types(&log, &early);
    let lifecycle: Vec<&str> = types
        .iter()
        .map(String::as_str)
        .filter(|t| *t != "droplet.name_released")
        .collect();
    assert_eq!(
        lifecycle,
        [
            "droplet.creation_requested",
            "droplet.provisioned",
            "droplet.deletion_requested",
            "droplet.deleted",
            "droplet.purged"
        ]
    );
    // Gone: every mutation reads it as missing.
    assert_problem(
        delete(&app, &early, MEMBER).send().await.unwrap(),
        404,
        "NOT_FOUND",
    )
    .await;
    let missing_ok = app
        .delete(
            &format!("/api/v1/droplets/{early}?allow_missing=true"),
            MEMBER,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(missing_ok.status(), 204);
    let reboot = app.action(&early, json!({"type": "reboot"}), None).await;
    assert_problem(reboot, 404, "NOT_FOUND").await;
    let tags = patch(
        &app,
        &early,
        MEMBER,
        "application/merge-patch+json",
        &json!({"tags": []}),
        None,
    )
    .await;
    assert_problem(tags, 404, "NOT_FOUND").await;

    app.clock.advance(Duration::days(1));
    assert!(purged(&log, &late).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allow_missing_turns_a_missing_droplet_into_204() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let alices = active_droplet(&app, "web-1").await;
    let before = appended(&log);
    assert_problem(
        delete(&app, UNKNOWN, MEMBER).send().await.unwrap(),
        404,
        "NOT_FOUND",
    )
    .await;
    let explicit = app
        .delete(
            &format!("/api/v1/droplets/{UNKNOWN}?allow_missing=false"),
            MEMBER,
        )
        .send()
        .await
        .unwrap();
    assert_problem(explicit, 404, "NOT_FOUND").await;
    for (id, token) in [(UNKNOWN, MEMBER), ("not-a-uuid", MEMBER), (&alices, OTHER)] {
        let response = app
            .delete(&format!("/api/v1/droplets/{id}?allow_missing=true"), token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "{id}");
        assert!(response.bytes().await.unwrap().is_empty(), "no body");
    }
    assert_eq!(appended(&log), before, "nothing appended");
    assert_eq!(
        droplet(&app, &alices).await.status,
        Some(DropletStatus::Active),
        "bob's allow_missing did not touch alice's droplet"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_if_match_is_412_and_the_current_one_deletes() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    for tag in ["\"1\"", "\"3\"", "W/\"2\""] {
        let response = delete(&app, &id, MEMBER)
            .header("If-Match", tag)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["etag"], "\"2\"", "{tag}");
        let problem = assert_problem(response, 412, "PRECONDITION_FAILED").await;
        assert_eq!(problem["metadata"]["current_version"], 2);
    }
    assert_eq!(log.batches_of(&id).len(), 2, "nothing appended");
    let response = delete(&app, &id, MEMBER)
        .header("If-Match", "\"2\"")
        .send()
        .await
        .unwrap();
    let body = assert_accepted(&app, response, "droplet.delete").await;
    assert_eq!(body["droplet"]["version"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_droplet_that_failed_to_provision_can_only_be_deleted() {
    let log = Log::start();
    let mut settings = settings(&log, true);
    settings.provisioner.failure_rate = 1.0;
    let app = spawn_with(settings).await;
    let (id, _) = app.create_droplet("web-1").await;
    app.clock.advance(Duration::seconds(3));
    assert!(reaches(&app, &id, DropletStatus::Error).await, "failed");
    let reboot = app.action(&id, json!({"type": "reboot"}), None).await;
    let problem = assert_problem(reboot, 409, "INVALID_STATE_TRANSITION").await;
    assert_eq!(problem["metadata"]["from"], "error");
    assert_eq!(problem["metadata"]["allowed_actions"], json!(["delete"]));
    // The failed droplet still holds its name until it is deleted.
    let body = droplet_body("web-1");
    let duplicate = create_as(&app, MEMBER, &body).await;
    assert_problem(duplicate, 409, "ALREADY_EXISTS").await;
    delete_and_complete(&app, &id).await;
    assert!(name_released(&log, &id).await);
    let reused = create_as(&app, MEMBER, &body).await;
    assert_accepted(&app, reused, "droplet.create").await;
}
