//! Node telemetry through command-api: `POST /clusters/{id}/metrics` answers item by item
//! (a bad item never fails the batch) and publishes exactly the accepted samples to
//! `<prefix>metrics.samples`; batch-shape errors are 422, unknown or foreign clusters
//! 404; and the simulator publishes four deterministic samples per node each tick of the
//! manual clock, through the same topic, which feeds command-api's in-memory window of
//! recent samples.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use command_api::telemetry::series;
use contract::telemetry::SampleBatchResult;
use domain::telemetry::load::Demand;
use domain::telemetry::{MetricSample, SampleSource};
use platform::clock::Clock;
use platform::testing::{assert_problem, conforms, eventually_some, read_topic};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Log, MEMBER, OTHER, TestApp, VIEWER, settings, spawn_with};

fn samples_topic(log: &Log) -> String {
    format!("{}metrics.samples", log.prefix)
}

fn published(log: &Log, cluster: Uuid) -> Vec<MetricSample> {
    read_topic(log.kafka.bootstrap_servers(), &samples_topic(log))
        .into_iter()
        .filter_map(|e| proto::decode_sample(e.value.as_deref()?).ok())
        .filter(|s| s.cluster_id == cluster)
        .collect()
}

async fn app_with(log: &Log, simulator: bool) -> TestApp {
    let mut s = settings(log, true);
    s.node_metrics.enabled = simulator;
    s.node_metrics.max_batch = 10;
    spawn_with(s).await
}

async fn running_cluster(app: &TestApp, name: &str) -> (Uuid, Vec<Uuid>) {
    let (id, _) = app.create_cluster(name, &[2]).await;
    app.running_with(id, 2).await;
    let nodes = app.live_nodes(id).into_iter().map(|d| d.id).collect();
    (id, nodes)
}

fn item(node: Uuid, metric: &str, unit: &str, value: f64, at: &str) -> Value {
    json!({"sample_id": Uuid::now_v7(), "node_id": node, "type": metric, "unit": unit, "value": value, "at": at})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_batch_is_answered_item_by_item_and_only_good_items_are_published() {
    let log = Log::start();
    let app = app_with(&log, false).await;
    let (id, nodes) = running_cluster(&app, "metrics-mixed").await;
    let now = app.clock.now();
    let at = now.to_rfc3339();
    let future = (now + chrono::Duration::minutes(5)).to_rfc3339();
    let good = [
        item(nodes[0], "cpu", "%", 42.0, &at),
        item(nodes[1], "network", "Mbps", 950.0, &at),
    ];
    let batch = json!({"samples": [
        good[0],
        item(nodes[0], "cpu", "percent", 42.0, &at),
        item(Uuid::now_v7(), "memory", "%", 42.0, &at),
        item(nodes[0], "disk", "%", 42.0, &future),
        item(nodes[0], "memory", "%", 120.0, &at),
        {"node_id": nodes[0], "type": "cpu", "unit": "%", "value": 1.0, "at": at},
        item(nodes[0], "cpu_usage", "%", 42.0, &at),
        good[1],
        "not an object",
    ]});
    let response = app
        .post(&format!("/api/v1/clusters/{id}/metrics"), MEMBER)
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let result: SampleBatchResult = conforms(&response.json::<Value>().await.unwrap());
    let good_ids: Vec<Uuid> = good
        .iter()
        .map(|g| Uuid::parse_str(g["sample_id"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(result.accepted, good_ids);
    let reasons: Vec<(usize, &str, &str)> = result
        .rejected
        .iter()
        .map(|r| (r.index, r.code.as_str(), r.pointer.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (1, "UNIT_MISMATCH", "#/samples/1/unit"),
            (2, "UNKNOWN_NODE", "#/samples/2/node_id"),
            (3, "SAMPLED_IN_THE_FUTURE", "#/samples/3/at"),
            (4, "VALUE_OUT_OF_RANGE", "#/samples/4/value"),
            (5, "INVALID_SAMPLE", "#/samples/5/sample_id"),
            (6, "UNKNOWN_METRIC_TYPE", "#/samples/6/type"),
            (8, "INVALID_SAMPLE", "#/samples/8"),
        ]
    );
    let ids: BTreeSet<Uuid> = published(&log, id).iter().map(|s| s.sample_id).collect();
    assert_eq!(ids, good_ids.iter().copied().collect());
    let windowed = eventually_some(Duration::from_secs(30), || async {
        let latest = app.window.latest(id, now - chrono::Duration::minutes(1));
        (latest.len() == 2).then_some(latest)
    })
    .await
    .expect("the accepted samples reach the sample window");
    let mut seen: Vec<(Uuid, &str, f64)> = windowed
        .iter()
        .map(|l| (l.node_id, l.metric.as_str(), l.value))
        .collect();
    seen.sort_by(|a, b| a.1.cmp(b.1));
    assert_eq!(
        seen,
        vec![(nodes[0], "cpu", 42.0), (nodes[1], "network", 950.0)],
        "the reconcilers' window holds exactly the accepted samples"
    );
    assert!(
        published(&log, id)
            .iter()
            .all(|s| s.source == SampleSource::Api)
    );
    // A retried batch publishes again; the projection dedupes by sample_id.
    let all_bad = json!({"samples": [item(nodes[0], "cpu", "Mbps", 1.0, &at)]});
    let response = app
        .post(&format!("/api/v1/clusters/{id}/metrics"), MEMBER)
        .json(&all_bad)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        202,
        "an all-rejected batch is still answered item by item"
    );
    let result: SampleBatchResult = conforms(&response.json::<Value>().await.unwrap());
    assert!(result.accepted.is_empty());
    assert_eq!(result.rejected.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_shape_errors_are_422_and_unknown_or_foreign_clusters_404() {
    let log = Log::start();
    let app = app_with(&log, false).await;
    let (id, nodes) = running_cluster(&app, "metrics-shape").await;
    let path = format!("/api/v1/clusters/{id}/metrics");
    let at = app.clock.now().to_rfc3339();
    let one = item(nodes[0], "cpu", "%", 1.0, &at);
    let too_many: Vec<Value> = (0..11).map(|_| one.clone()).collect();
    for body in [
        json!({"samples": []}),
        json!({"samples": too_many}),
        json!({"samples": "cpu"}),
        json!({}),
        json!({"samples": [one], "extra": 1}),
    ] {
        let response = app.post(&path, MEMBER).json(&body).send().await.unwrap();
        assert_problem(response, 422, "VALIDATION_FAILED").await;
    }
    let body = json!({"samples": [one]});
    let unknown = format!("/api/v1/clusters/{}/metrics", Uuid::now_v7());
    let response = app.post(&unknown, MEMBER).json(&body).send().await.unwrap();
    assert_problem(response, 404, "NOT_FOUND").await;
    let response = app.post(&path, OTHER).json(&body).send().await.unwrap();
    assert_problem(response, 404, "NOT_FOUND").await;
    let response = app.post(&path, VIEWER).json(&body).send().await.unwrap();
    assert_problem(response, 403, "PERMISSION_DENIED").await;
    assert!(published(&log, id).is_empty(), "nothing was published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_publishes_four_deterministic_samples_per_node_each_tick() {
    let log = Log::start();
    let app = app_with(&log, true).await;
    let (id, nodes) = running_cluster(&app, "metrics-sim").await;
    let interval = 10;
    let ticks = |samples: &[MetricSample]| -> BTreeMap<u64, usize> {
        let mut by_tick = BTreeMap::new();
        for s in samples {
            *by_tick.entry(series::tick_of(s.at, interval)).or_insert(0) += 1;
        }
        by_tick
    };
    let first = eventually_some(Duration::from_secs(60), || {
        let samples = published(&log, id);
        async move {
            ticks(&samples)
                .into_iter()
                .find(|(_, n)| *n >= 8)
                .map(|(t, _)| t)
        }
    })
    .await
    .expect("a full tick of simulated samples");
    app.clock
        .advance(chrono::Duration::seconds(interval as i64));
    eventually_some(Duration::from_secs(60), || {
        let samples = published(&log, id);
        async move { ticks(&samples).keys().any(|t| *t > first).then_some(()) }
    })
    .await
    .expect("the next tick's samples after the clock moved");
    let of_first: Vec<MetricSample> = published(&log, id)
        .into_iter()
        .filter(|s| series::tick_of(s.at, interval) == first)
        .collect();
    for node in &nodes {
        let mut expected =
            series::node_samples(42, id, *node, 2, Demand::default(), first, interval);
        let mut got: Vec<MetricSample> = of_first
            .iter()
            .filter(|s| s.node_id == *node)
            .cloned()
            .collect();
        expected.sort_by_key(|s| s.sample_id);
        got.sort_by_key(|s| s.sample_id);
        got.dedup_by_key(|s| s.sample_id);
        assert_eq!(got, expected, "the seeded series of node {node}");
    }
}
