//! Droplet names are unique per owner (api.md §2 "Ids"), across partitions, through the
//! NameReservation aggregate: duplicates are 409 even when they race, a deleted
//! droplet's name comes free, and other owners have namespaces of their own.

use domain::droplet::DropletStatus;
use domain::reservation::NameReservation;
use futures::future::join_all;
use platform::testing::assert_problem;
use serde_json::{Value, json};

use crate::helpers::{Log, MEMBER, OTHER, droplet_body, spawn_app};
use crate::support::{
    ALICE, active_droplet, all_batches, assert_accepted, create_as, creations, droplet, droplet_id,
    name_released, patch, reaches, uuid,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_droplet_with_the_same_name_is_409() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (first, _) = app.create_droplet("web-1").await;
    let again = create_as(&app, MEMBER, &droplet_body("web-1")).await;
    let problem = assert_problem(again, 409, "ALREADY_EXISTS").await;
    assert_eq!(problem["metadata"]["name"], "web-1");
    assert_eq!(problem["metadata"]["existing_id"], first.as_str());
    assert_eq!(
        creations(&log, ALICE, "web-1"),
        [uuid(&first)],
        "one droplet named web-1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_name_is_confirmed_after_the_answer_without_the_reconciler() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, _) = app.create_droplet("web-1").await;
    // The test clock never moves, so the reservation reconciler's grace never ends: only
    // the confirmation sent after the answer can confirm the name.
    let confirmed = platform::testing::eventually(std::time::Duration::from_secs(10), || async {
        app.writer
            .observe::<NameReservation>(|r| r.name.to_string() == "web-1")
            .iter()
            .any(|o| {
                o.state
                    .holder
                    .as_ref()
                    .is_some_and(|h| h.confirmed && h.id == uuid(&id))
            })
    })
    .await;
    assert!(
        confirmed,
        "the reservation of web-1 is confirmed for its droplet"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_ten_concurrent_creates_of_one_name_exactly_one_wins() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let body = droplet_body("web-1");
    let requests = (0..10).map(|_| create_as(&app, MEMBER, &body));
    let responses = join_all(requests).await;
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 202).count(),
        1,
        "{statuses:?}"
    );
    let mut winner = None;
    for response in responses {
        if response.status() == 202 {
            winner = Some(droplet_id(
                &assert_accepted(&app, response, "droplet.create").await,
            ));
        } else {
            assert_problem(response, 409, "ALREADY_EXISTS").await;
        }
    }
    let winner = winner.expect("one winner");
    assert_eq!(
        creations(&log, ALICE, "web-1"),
        [uuid(&winner)],
        "the log holds exactly one creation of web-1"
    );
    let create_batches = all_batches(&log)
        .iter()
        .filter(|b| b.header.command_name == "droplet.create")
        .count();
    assert_eq!(create_batches, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_race_for_one_name_in_namespaces_of_their_own() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let body = droplet_body("web-1");
    let requests = (0..10).map(|i| {
        let token = if i % 2 == 0 { MEMBER } else { OTHER };
        create_as(&app, token, &body)
    });
    let mut winners: Vec<String> = Vec::new();
    for response in join_all(requests).await {
        if response.status() == 202 {
            let body: Value = assert_accepted(&app, response, "droplet.create").await;
            winners.push(droplet_id(&body));
        } else {
            assert_problem(response, 409, "ALREADY_EXISTS").await;
        }
    }
    assert_eq!(winners.len(), 2, "one per owner");
    assert_eq!(creations(&log, ALICE, "web-1").len(), 1);
    assert_eq!(creations(&log, "bob", "web-1").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_droplets_name_can_be_reused() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (first, _) = app.create_droplet("web-1").await;
    app.clock.advance(chrono::Duration::seconds(3));
    assert!(reaches(&app, &first, DropletStatus::Active).await);
    let delete = app
        .delete(&format!("/api/v1/droplets/{first}"), MEMBER)
        .send()
        .await
        .unwrap();
    assert_accepted(&app, delete, "droplet.delete").await;
    // While deleting, the droplet still holds its name.
    let early = create_as(&app, MEMBER, &droplet_body("web-1")).await;
    assert_problem(early, 409, "ALREADY_EXISTS").await;

    app.clock.advance(chrono::Duration::seconds(2));
    assert!(reaches(&app, &first, DropletStatus::Deleted).await);
    assert!(name_released(&log, &first).await);
    let again = create_as(&app, MEMBER, &droplet_body("web-1")).await;
    let second = droplet_id(&assert_accepted(&app, again, "droplet.create").await);
    assert_ne!(first, second);
    let mut created = creations(&log, ALICE, "web-1");
    created.sort();
    let mut expected = vec![uuid(&first), uuid(&second)];
    expected.sort();
    assert_eq!(
        created, expected,
        "two droplets named web-1, one after the other"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_droplets_old_name_comes_free() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let renamed = app
        .action(&id, json!({"type": "rename", "name": "web-2"}), None)
        .await;
    assert_accepted(&app, renamed, "droplet.rename").await;
    let taken = create_as(&app, MEMBER, &droplet_body("web-2")).await;
    assert_problem(taken, 409, "ALREADY_EXISTS").await;
    assert!(name_released(&log, &id).await);
    let reused = create_as(&app, MEMBER, &droplet_body("web-1")).await;
    assert_accepted(&app, reused, "droplet.create").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_a_droplet_to_its_own_name_keeps_the_name_taken() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let id = active_droplet(&app, "web-1").await;
    let witness = active_droplet(&app, "web-2").await;
    let same = app
        .action(&id, json!({"type": "rename", "name": "web-1"}), None)
        .await;
    assert!(same.status().is_success(), "{}", same.status());
    // A reconciler pass that releases names runs after the rename: the witness's.
    let renamed = app
        .action(&witness, json!({"type": "rename", "name": "web-3"}), None)
        .await;
    assert_accepted(&app, renamed, "droplet.rename").await;
    assert!(name_released(&log, &witness).await);
    let duplicate = create_as(&app, MEMBER, &droplet_body("web-1")).await;
    assert_problem(duplicate, 409, "ALREADY_EXISTS").await;
    assert_eq!(creations(&log, ALICE, "web-1"), [uuid(&id)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_five_concurrent_renames_onto_one_name_exactly_one_wins() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let names = ["a", "b", "c", "d", "e"];
    let bulk =
        json!({"names": names, "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"});
    let created: Value = create_as(&app, MEMBER, &bulk).await.json().await.unwrap();
    let ids: Vec<String> = created["droplets"]
        .as_array()
        .expect("droplets")
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 5, "{created}");
    app.clock.advance(chrono::Duration::seconds(3));
    for id in &ids {
        assert!(reaches(&app, id, DropletStatus::Active).await);
    }
    let body = json!({"name": "db"});
    let renames = ids.iter().map(|id| {
        patch(
            &app,
            id,
            MEMBER,
            "application/merge-patch+json",
            &body,
            None,
        )
    });
    let mut winners = Vec::new();
    for (id, response) in ids.iter().zip(join_all(renames).await) {
        if response.status() == 200 {
            winners.push(id.clone());
        } else {
            assert_problem(response, 409, "ALREADY_EXISTS").await;
        }
    }
    assert_eq!(winners.len(), 1, "one droplet is called db");
    let named_db: Vec<&String> = {
        let mut named = Vec::new();
        for id in &ids {
            if droplet(&app, id).await.name.as_ref() == "db" {
                named.push(id);
            }
        }
        named
    };
    assert_eq!(named_db, [&winners[0]]);
}

/// A retry that reuses an Idempotency-Key with another body is refused (422) — and must
/// not give away the name the first request's droplet holds: a third request for the
/// name is still 409, and only one droplet of that name is ever created.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reused_idempotency_key_with_another_body_keeps_the_name_held() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let send = |key: &'static str, body: Value| {
        let request = app
            .post("/api/v1/droplets", MEMBER)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { request.send().await.expect("request") }
    };
    let first = send("same-key", droplet_body("db-1")).await;
    assert_eq!(first.status(), 202);
    let mut other = droplet_body("db-1");
    other["size"] = json!("s-2vcpu-4gb");
    let reused = send("same-key", other).await;
    assert_problem(reused, 422, "IDEMPOTENCY_KEY_REUSED").await;
    let third = send("new-key", droplet_body("db-1")).await;
    assert_problem(third, 409, "ALREADY_EXISTS").await;
    assert_eq!(
        creations(&log, ALICE, "db-1").len(),
        1,
        "one droplet named db-1"
    );
}
