//! `PUT /clusters/{id}/demand` (issue 11): a synchronous command on the cluster answered
//! with the cluster and its `demand`; the simulator's next tick follows the new profile
//! exactly (the seeded series under that demand, on the manual clock); bad fields are one
//! 422 with a pointer each; unknown and foreign clusters are 404, viewers 403; `If-Match`
//! and `Idempotency-Key` behave as on every other write.

use std::time::Duration;

use command_api::telemetry::series;
use contract::cluster::Cluster;
use domain::telemetry::load::{Demand, Profile};
use domain::telemetry::{MetricSample, MetricType};
use platform::clock::Clock;
use platform::testing::{assert_problem, conforms, eventually_some, read_topic};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Log, MEMBER, OTHER, TestApp, VIEWER, settings, spawn_with};

const INTERVAL: u64 = 10;

impl TestApp {
    pub fn put(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client
            .put(format!("{}{path}", self.address))
            .bearer_auth(token)
    }
}

fn published(log: &Log, cluster: Uuid, tick: u64) -> Vec<MetricSample> {
    let mut samples: Vec<MetricSample> = read_topic(
        log.kafka.bootstrap_servers(),
        &format!("{}metrics.samples", log.prefix),
    )
    .into_iter()
    .filter_map(|e| proto::decode_sample(e.value.as_deref()?).ok())
    .filter(|s| s.cluster_id == cluster && series::tick_of(s.at, INTERVAL) == tick)
    .collect();
    samples.sort_by_key(|s| s.sample_id);
    samples.dedup_by_key(|s| s.sample_id);
    samples
}

async fn app_with(log: &Log, simulator: bool) -> TestApp {
    let mut s = settings(log, true);
    s.node_metrics.enabled = simulator;
    s.node_metrics.interval_seconds = INTERVAL;
    spawn_with(s).await
}

async fn running_cluster(app: &TestApp, name: &str) -> (Uuid, Vec<Uuid>) {
    let (id, _) = app.create_cluster(name, &[2]).await;
    app.running_with(id, 2).await;
    let nodes = app.live_nodes(id).into_iter().map(|d| d.id).collect();
    (id, nodes)
}

/// The seeded samples of every node at `tick` under `demand` (test settings: seed 42).
fn expected(id: Uuid, nodes: &[Uuid], demand: Demand, tick: u64) -> Vec<MetricSample> {
    let count = u32::try_from(nodes.len()).expect("few nodes");
    let mut all: Vec<MetricSample> = nodes
        .iter()
        .flat_map(|node| series::node_samples(42, id, *node, count, demand, tick, INTERVAL))
        .collect();
    all.sort_by_key(|s| s.sample_id);
    all
}

fn cpu_over_80(samples: &[MetricSample]) -> bool {
    samples
        .iter()
        .any(|s| s.metric == MetricType::Cpu && s.value > 80.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_follows_a_demand_put_from_its_next_tick() {
    let log = Log::start();
    let app = app_with(&log, true).await;
    let (id, nodes) = running_cluster(&app, "demand-sim").await;
    let flapping = Demand {
        level: 40,
        profile: Profile::Flapping,
    };
    let response = app
        .put(&format!("/api/v1/clusters/{id}/demand"), MEMBER)
        .json(&json!({"level": 40, "profile": "flapping"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(response.headers().contains_key("consistency-token"));
    let cluster: Cluster = conforms(&response.json::<Value>().await.unwrap());
    assert_eq!(format!("\"{}\"", cluster.version), etag);
    let demand = cluster.demand.expect("the demand is shown");
    assert_eq!((demand.level, demand.profile.as_str()), (40, "flapping"));

    // Ticks after the PUT are simulated under the new demand; the tick it landed in may
    // have been published before it, so it proves nothing either way.
    let put_tick = series::tick_of(app.clock.now(), INTERVAL);
    let mut seen = Vec::new();
    for tick in put_tick + 1..=put_tick + 2 {
        app.clock
            .advance(chrono::Duration::seconds(INTERVAL as i64));
        let want = expected(id, &nodes, flapping, tick);
        let complete = want.len();
        let got = eventually_some(Duration::from_secs(60), || {
            let got = published(&log, id, tick);
            async move { (got.len() == complete).then_some(got) }
        })
        .await
        .unwrap_or_else(|| panic!("tick {tick} was not published"));
        assert_eq!(got, want, "tick {tick} follows the flapping series");
        seen.extend(got);
    }
    let calm: Vec<MetricSample> = (put_tick + 1..=put_tick + 2)
        .flat_map(|t| expected(id, &nodes, Demand::default(), t))
        .collect();
    assert!(
        cpu_over_80(&seen) && !cpu_over_80(&calm),
        "flapping crosses the CPU warning where the default calm demand does not"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_demands_are_422_with_pointers_and_the_usual_guards_hold() {
    let log = Log::start();
    let app = app_with(&log, false).await;
    let (id, _) = app.create_cluster("demand-guards", &[1]).await;
    let path = format!("/api/v1/clusters/{id}/demand");
    let cases = [
        (json!({"level": 101, "profile": "spike"}), vec!["#/level"]),
        (json!({"level": 50, "profile": "storm"}), vec!["#/profile"]),
        (json!({"profile": "calm"}), vec!["#/level"]),
        (
            json!({"level": "high", "profile": "calm", "extra": true}),
            vec!["#/extra", "#/level"],
        ),
    ];
    for (body, pointers) in cases {
        let response = app.put(&path, MEMBER).json(&body).send().await.unwrap();
        let problem = assert_problem(response, 422, "VALIDATION_FAILED").await;
        let got: Vec<&str> = problem["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["pointer"].as_str().expect("pointer"))
            .collect();
        assert_eq!(got, pointers, "{body}");
    }
    let good = json!({"level": 90, "profile": "spike"});
    let unknown = format!("/api/v1/clusters/{}/demand", Uuid::now_v7());
    let response = app.put(&unknown, MEMBER).json(&good).send().await.unwrap();
    assert_problem(response, 404, "NOT_FOUND").await;
    let response = app.put(&path, OTHER).json(&good).send().await.unwrap();
    assert_problem(response, 404, "NOT_FOUND").await;
    let response = app.put(&path, VIEWER).json(&good).send().await.unwrap();
    assert_problem(response, 403, "PERMISSION_DENIED").await;
    let response = app
        .put(&path, MEMBER)
        .header("If-Match", "\"999\"")
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_problem(response, 412, "PRECONDITION_FAILED").await;

    // Set while the creation still runs; a retry with the same key replays the answer.
    let send = || {
        app.put(&path, MEMBER)
            .header("Idempotency-Key", "demand-1")
            .json(&good)
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 200);
    let first_body: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first_body);
    assert_eq!(first_body["demand"], good);
    let state = app.cluster(id).expect("the cluster");
    assert_eq!(
        state.demand,
        Some(Demand {
            level: 90,
            profile: Profile::Spike
        })
    );
}
