//! Providers, placement and migration (features.md §2.8) on real Kafka: the admin writes
//! (403, 422 with pointers, 201 + Location, 409 on a taken name, 412 on a stale
//! version, capacity never below what is reserved, delete refused while slots are held),
//! placement racing for the last slots (never over-booked, every loser a 409
//! NO_CAPACITY), slots given back by deletion and by a failed provisioning, migration
//! moving the count, the simulation reserving nothing, the sweep releasing a slot whose
//! droplet never came to be, and placement from an instance that does not serve the
//! providers' partition (through its owner over the internal API).

use command_api::providers::steps::{self, Step};
use contract::droplet::Droplet as DropletResource;
use contract::provider::{Placement, Provider as ProviderResource};
use domain::droplet::{Droplet, DropletStatus};
use domain::provider::Provider;
use futures::future::join_all;
use platform::testing::{assert_problem, conforms, eventually};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{ADMIN, Log, MEMBER, TestApp, droplet_body, settings, spawn_app, spawn_with};
use crate::support::{WAIT, assert_accepted, droplet, reaches};

fn provider_body(name: &str, regions: &[&str], capacity: u32) -> Value {
    json!({"name": name, "regions": regions, "classes": ["standard"], "capacity": capacity})
}

async fn register(app: &TestApp, body: Value) -> ProviderResource {
    let response = app
        .post("/api/v1/providers", ADMIN)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201, "register failed");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("Location");
    let provider: ProviderResource = conforms(&response.json().await.expect("json"));
    assert_eq!(location, format!("/api/v1/providers/{}", provider.id));
    provider
}

/// The provider as the write model knows it for certain.
async fn provider(app: &TestApp, id: Uuid) -> Provider {
    platform::testing::eventually_some(WAIT, || async {
        match app.writer.peek::<Provider>(&id) {
            command_api::writer::Peek::Present(p) => Some(p),
            _ => None,
        }
    })
    .await
    .expect("the provider is in the write model")
}

async fn reserved_becomes(app: &TestApp, id: Uuid, count: u32) -> bool {
    eventually(WAIT, || async {
        matches!(app.writer.peek::<Provider>(&id),
            command_api::writer::Peek::Present(p) if p.reserved() == count)
    })
    .await
}

fn patch(app: &TestApp, id: Uuid, if_match: Option<u64>, body: Value) -> reqwest::RequestBuilder {
    let mut request = app
        .client
        .patch(format!("{}/api/v1/providers/{id}", app.address))
        .bearer_auth(ADMIN)
        .header("content-type", "application/merge-patch+json")
        .body(body.to_string());
    if let Some(version) = if_match {
        request = request.header("If-Match", format!("\"{version}\""));
    }
    request
}

async fn create(app: &TestApp, body: Value) -> reqwest::Response {
    app.post("/api/v1/droplets", MEMBER)
        .json(&body)
        .send()
        .await
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_writes_are_admin_only_validated_unique_and_conditional() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let body = provider_body("edge-1", &["nyc1"], 2);
    let member = app
        .post("/api/v1/providers", MEMBER)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(member, 403, "PERMISSION_DENIED").await;
    let bad = app
        .post("/api/v1/providers", ADMIN)
        .json(&json!({"name": "edge-1", "regions": ["mars1"], "classes": [], "capacity": "x"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(bad, 422, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"].as_array().map(Vec::len), Some(3));

    let registered = register(&app, body.clone()).await;
    assert_eq!(
        (
            registered.capacity,
            registered.reserved,
            registered.available
        ),
        (2, 0, 2)
    );
    assert_eq!(registered.price_hourly_override, None);
    let again = app
        .post("/api/v1/providers", ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(again, 409, "ALREADY_EXISTS").await;

    let stale = patch(&app, registered.id, Some(7), json!({"capacity": 4}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "PRECONDITION_FAILED").await;
    let patched = patch(
        &app,
        registered.id,
        Some(registered.version),
        json!({"capacity": 4, "price_hourly_override": "0.0125"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(patched.status(), 200);
    let patched: ProviderResource = conforms(&patched.json().await.unwrap());
    assert_eq!(patched.capacity, 4);
    assert_eq!(patched.price_hourly_override.as_deref(), Some("0.0125"));
    let cleared = patch(
        &app,
        registered.id,
        None,
        json!({"price_hourly_override": null}),
    )
    .send()
    .await
    .unwrap();
    let cleared: ProviderResource = conforms(&cleared.json().await.unwrap());
    assert_eq!(cleared.price_hourly_override, None);

    let deleted = app
        .delete(&format!("/api/v1/providers/{}", registered.id), ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    // Its name is free again.
    register(&app, body).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_providers_droplets_are_created_as_before_with_no_provider() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (_, body) = app.create_droplet("web-1").await;
    let droplet: DropletResource = conforms(&body["droplet"]);
    assert_eq!(droplet.provider, None);
    let simulated = app
        .post("/api/v1/placements:simulate", MEMBER)
        .json(&json!({"region": "nyc1"}))
        .send()
        .await
        .unwrap();
    assert_problem(simulated, 409, "NO_CAPACITY").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_creates_racing_for_five_slots_place_exactly_five_and_deletes_release_them() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let edge = register(&app, provider_body("edge-1", &["nyc1"], 5)).await;
    let creates = (0..20).map(|i| create(&app, droplet_body(&format!("web-{i}"))));
    let mut placed = Vec::new();
    let mut refused = 0;
    for response in join_all(creates).await {
        match response.status().as_u16() {
            202 => {
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["droplet"]["provider"], "edge-1");
                placed.push(body["droplet"]["id"].as_str().unwrap().to_owned());
            }
            409 => {
                assert_problem(response, 409, "NO_CAPACITY").await;
                refused += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((placed.len(), refused), (5, 15));
    assert_eq!(provider(&app, edge.id).await.reserved(), 5);
    let sixth = create(&app, droplet_body("web-late")).await;
    assert_problem(sixth, 409, "NO_CAPACITY").await;

    app.clock.advance(chrono::Duration::seconds(3));
    for id in &placed {
        assert!(reaches(&app, id, DropletStatus::Active).await);
        let response = app
            .delete(&format!("/api/v1/droplets/{id}"), MEMBER)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
    }
    app.clock.advance(chrono::Duration::seconds(10));
    assert!(
        reserved_becomes(&app, edge.id, 0).await,
        "deleted droplets give their slots back"
    );
    for id in &placed {
        let id: Uuid = id.parse().unwrap();
        let recorded = eventually(WAIT, || async {
            matches!(app.writer.peek::<Droplet>(&id),
                command_api::writer::Peek::Present(d) if d.providers_to_release.is_empty())
        })
        .await;
        assert!(recorded, "each droplet records the release");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_provisioning_releases_its_slot() {
    let log = Log::start();
    let mut settings = settings(&log, true);
    settings.provisioner.failure_rate = 1.0;
    let app = spawn_with(settings).await;
    let edge = register(&app, provider_body("edge-1", &["nyc1"], 1)).await;
    let (id, _) = app.create_droplet("web-1").await;
    assert_eq!(provider(&app, edge.id).await.reserved(), 1);
    app.clock.advance(chrono::Duration::seconds(3));
    assert!(reaches(&app, &id, DropletStatus::Error).await);
    assert!(reserved_becomes(&app, edge.id, 0).await);
    let state: Droplet = droplet(&app, &id).await;
    assert_eq!(state.provider.as_deref(), Some("edge-1"));
    assert!(!state.holds_capacity);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_holding_slots_cannot_be_deleted_or_shrunk_below_them() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let edge = register(&app, provider_body("edge-1", &["nyc1"], 3)).await;
    app.create_droplet("web-1").await;
    app.create_droplet("web-2").await;
    let delete = app
        .delete(&format!("/api/v1/providers/{}", edge.id), ADMIN)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(delete, 409, "FAILED_PRECONDITION").await;
    assert_eq!(problem["metadata"]["reserved"], 2);
    let shrink = patch(&app, edge.id, None, json!({"capacity": 1}))
        .send()
        .await
        .unwrap();
    assert_problem(shrink, 409, "FAILED_PRECONDITION").await;
    assert_eq!(provider(&app, edge.id).await.spec.capacity, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placement_honours_preference_class_and_region_and_simulation_reserves_nothing() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let small = register(&app, provider_body("small", &["nyc1"], 2)).await;
    let big = register(&app, provider_body("big", &["nyc1", "sfo3"], 10)).await;
    let gpu = register(
        &app,
        json!({"name": "gpu", "regions": ["nyc1"], "classes": ["gpu"], "capacity": 1}),
    )
    .await;
    let simulate = |body: Value| {
        app.post("/api/v1/placements:simulate", MEMBER)
            .json(&body)
            .send()
    };
    let answer = simulate(json!({"region": "nyc1"})).await.unwrap();
    assert_eq!(answer.status(), 200);
    let placement: Placement = conforms(&answer.json().await.unwrap());
    assert_eq!(placement.provider, "big");
    assert!(!placement.reasons.is_empty());
    let avoided: Placement = conforms(
        &simulate(json!({"region": "nyc1", "avoid_provider": "big"}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(avoided.provider, "small");
    let none = simulate(json!({"region": "ams3"})).await.unwrap();
    assert_problem(none, 409, "NO_CAPACITY").await;
    let bad = simulate(json!({"region": "mars1", "colour": 1}))
        .await
        .unwrap();
    assert_problem(bad, 422, "VALIDATION_FAILED").await;
    let unknown = simulate(json!({"preferred_provider": "nope"}))
        .await
        .unwrap();
    let problem = assert_problem(unknown, 422, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["code"], "UNKNOWN_PROVIDER");
    for id in [small.id, big.id, gpu.id] {
        assert_eq!(
            provider(&app, id).await.reserved(),
            0,
            "simulate reserves nothing"
        );
    }

    let mut preferred = droplet_body("web-1");
    preferred["provider"] = json!("small");
    let body: Value = create(&app, preferred).await.json().await.unwrap();
    assert_eq!(body["droplet"]["provider"], "small");
    let mut classed = droplet_body("web-2");
    classed["provider_class"] = json!("gpu");
    let body: Value = create(&app, classed.clone()).await.json().await.unwrap();
    assert_eq!(body["droplet"]["provider"], "gpu");
    classed["name"] = json!("web-3");
    assert_problem(create(&app, classed).await, 409, "NO_CAPACITY").await;
    let mut unknown = droplet_body("web-4");
    unknown["provider"] = json!("nope");
    let problem = assert_problem(create(&app, unknown).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["pointer"], "#/provider");
    assert_eq!(problem["errors"][0]["code"], "UNKNOWN_PROVIDER");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_moves_the_slot_and_refuses_a_full_unknown_or_same_target() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let from = register(&app, provider_body("edge-1", &["nyc1"], 3)).await;
    let to = register(&app, provider_body("edge-2", &["nyc1"], 1)).await;
    let mut body = droplet_body("web-1");
    body["provider"] = json!("edge-1");
    let created: Value = create(&app, body).await.json().await.unwrap();
    let id = created["droplet"]["id"].as_str().unwrap().to_owned();
    app.clock.advance(chrono::Duration::seconds(3));
    assert!(reaches(&app, &id, DropletStatus::Active).await);

    let same = app
        .action(&id, json!({"type": "migrate", "provider": "edge-1"}), None)
        .await;
    assert_problem(same, 422, "VALIDATION_FAILED").await;
    let unknown = app
        .action(&id, json!({"type": "migrate", "provider": "nope"}), None)
        .await;
    let problem = assert_problem(unknown, 422, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["pointer"], "#/provider");

    let moved = app
        .action(&id, json!({"type": "migrate", "provider": "edge-2"}), None)
        .await;
    let accepted = assert_accepted(&app, moved, "droplet.migrate").await;
    assert_eq!(accepted["droplet"]["provider"], "edge-2");
    assert_eq!(provider(&app, to.id).await.reserved(), 1);
    assert!(
        reserved_becomes(&app, from.id, 0).await,
        "the source's slot is released"
    );

    let (other, _) = {
        let mut body = droplet_body("web-2");
        body["provider"] = json!("edge-1");
        let created: Value = create(&app, body).await.json().await.unwrap();
        (created["droplet"]["id"].as_str().unwrap().to_owned(), ())
    };
    app.clock.advance(chrono::Duration::seconds(3));
    assert!(reaches(&app, &other, DropletStatus::Active).await);
    let full = app
        .action(
            &other,
            json!({"type": "migrate", "provider": "edge-2"}),
            None,
        )
        .await;
    assert_problem(full, 409, "NO_CAPACITY").await;
    assert_eq!(provider(&app, from.id).await.reserved(), 1);
    assert_eq!(provider(&app, to.id).await.reserved(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slot_whose_droplet_never_came_to_be_is_swept() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let edge = register(&app, provider_body("edge-1", &["nyc1"], 2)).await;
    // A crash right after the reserve: the droplet was never created.
    let ghost = Uuid::now_v7();
    let step = Step::Reserve {
        provider: "edge-1".into(),
        droplet_id: ghost,
        region: None,
    };
    steps::run_here(&app.writer, &step).await.expect("reserved");
    assert_eq!(provider(&app, edge.id).await.reserved(), 1);
    app.clock.advance(chrono::Duration::seconds(60));
    assert!(
        reserved_becomes(&app, edge.id, 0).await,
        "the sweep releases it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placement_works_from_every_instance_through_the_providers_owner() {
    let log = Log::start();
    let first_settings = settings(&log, false);
    let mut second_settings = settings(&log, false);
    second_settings.writer.group_id = first_settings.writer.group_id.clone();
    let first = spawn_with(first_settings).await;
    let second = spawn_with(second_settings).await;
    let owned = |app: &TestApp| app.writer.phases().iter().filter(|p| p.is_some()).count();
    let split = eventually(std::time::Duration::from_secs(60), || async {
        owned(&first) == 2 && owned(&second) == 2
    });
    assert!(split.await, "the group split the 4 partitions");
    first.wait_until_ready().await;
    let partition = command_api::providers::partition(&first.writer);
    let (owner, other) = if first.writer.serves(partition) {
        (&first, &second)
    } else {
        (&second, &first)
    };
    // Registered through the instance that does not serve the providers: forwarded.
    let edge = register(other, provider_body("edge-1", &["nyc1"], 20)).await;
    // Keys route creates to every partition, so some droplets live on each instance and
    // place through the providers' owner over the internal API.
    for (i, app) in [&first, &second].into_iter().cycle().take(8).enumerate() {
        let response = app
            .post("/api/v1/droplets", MEMBER)
            .header("Idempotency-Key", format!("placed-{i}"))
            .json(&droplet_body(&format!("web-{i}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202, "create {i}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["droplet"]["provider"], "edge-1");
    }
    assert_eq!(provider(owner, edge.id).await.reserved(), 8);
    let simulated = other
        .post("/api/v1/placements:simulate", MEMBER)
        .json(&json!({"region": "nyc1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(simulated.status(), 200);
    let placement: Placement = conforms(&simulated.json().await.unwrap());
    assert_eq!(placement.provider, "edge-1");
    assert_eq!(provider(owner, edge.id).await.reserved(), 8);
}
