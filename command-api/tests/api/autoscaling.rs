//! Autoscaling policies through command-api (api.md §11, §13): create (201, one per pool,
//! the pool's `auto_scale` and bounds follow), merge-patch with `If-Match`, delete, the
//! bad input of each route, the pool's count owned by the autoscaler, a cluster delete
//! refused by an enabled policy, the `:evaluate` dry run that changes nothing, and the
//! reconciler on the manual clock: hot pushed samples scale the pool up within its
//! bounds, and a scale-down waits for the delay after the scale-up, then steps by the
//! rate rule.

use chrono::Duration;
use contract::autoscaling::{AutoscalingPolicy as Resource, EvaluateResponse};
use domain::autoscale::AutoscalingPolicy;
use domain::autoscale::tick::ScaleStatus;
use platform::clock::Clock;
use platform::testing::{assert_problem, conforms, eventually_some};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Log, MEMBER, OTHER, TestApp, settings, spawn_with};

const ROUTE: &str = "/api/v1/autoscaling_policies";

async fn app(log: &Log) -> TestApp {
    let mut s = settings(log, true);
    s.node_metrics.enabled = false;
    s.autoscaler.tick_ms = 50;
    spawn_with(s).await
}

/// A running cluster with one pool of two nodes: (cluster, pool).
async fn cluster(app: &TestApp, name: &str) -> (Uuid, Uuid) {
    let (id, accepted) = app.create_cluster(name, &[2]).await;
    app.running_with(id, 2).await;
    (id, accepted.cluster.node_pools[0].id)
}

fn policy_body(cluster: Uuid, pool: Uuid) -> Value {
    json!({
        "target": {"cluster_id": cluster, "node_pool_id": pool},
        "min_nodes": 1,
        "max_nodes": 4,
        "metrics": [{"type": "cpu_utilization", "target": 0.5}],
        "node_warmup_seconds": 0,
        "behavior": {"scale_down": {
            "stabilization_window_seconds": 60,
            "delay_after_scale_up_seconds": 120
        }}
    })
}

impl TestApp {
    async fn create_policy(&self, body: &Value) -> reqwest::Response {
        self.post(ROUTE, MEMBER)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    fn policy(&self, id: Uuid) -> Option<AutoscalingPolicy> {
        self.writer
            .observe::<AutoscalingPolicy>(|p| p.id == id)
            .into_iter()
            .find(|o| !o.pending)
            .map(|o| o.state)
    }

    fn pool_of(&self, cluster: Uuid, pool: Uuid) -> Option<domain::cluster::NodePool> {
        self.cluster(cluster)?.pool(pool).cloned()
    }

    /// Pushes one cpu sample per live node of the cluster at `now`, and waits until the
    /// sample window holds them.
    async fn push_cpu(&self, cluster: Uuid, percent: f64) {
        let now = self.clock.now();
        let nodes: Vec<Uuid> = self.live_nodes(cluster).iter().map(|n| n.id).collect();
        let samples: Vec<Value> = nodes
            .iter()
            .map(|n| json!({"sample_id": Uuid::now_v7(), "node_id": n, "type": "cpu", "unit": "%", "value": percent, "at": now.to_rfc3339()}))
            .collect();
        let response = self
            .post(&format!("/api/v1/clusters/{cluster}/metrics"), MEMBER)
            .json(&json!({"samples": samples}))
            .send()
            .await
            .expect("push");
        assert_eq!(response.status(), 202);
        let seen = eventually_some(std::time::Duration::from_secs(30), || async {
            let latest = self.window.latest(cluster, now);
            (latest.len() == nodes.len()).then_some(())
        })
        .await;
        assert!(seen.is_some(), "pushed samples reach the window");
    }

    /// Moves the clock one evaluation interval on and waits for the policy to record
    /// that tick.
    async fn tick(&self, policy: Uuid) -> AutoscalingPolicy {
        self.clock.advance(Duration::seconds(15));
        let now = self.clock.now();
        eventually_some(std::time::Duration::from_secs(30), || async {
            self.policy(policy)
                .filter(|p| p.status.last_evaluated_at == Some(now))
        })
        .await
        .expect("the tick is recorded")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policies_are_created_once_per_pool_patched_and_deleted_with_their_pool() {
    let log = Log::start();
    let app = app(&log).await;
    let (cluster_id, pool_id) = cluster(&app, "as-crud").await;

    let missing = app.create_policy(&json!({"metrics": []})).await;
    let problem = assert_problem(missing, 422, "VALIDATION_FAILED").await;
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["pointer"].as_str())
        .collect();
    assert_eq!(pointers, ["#/target", "#/min_nodes", "#/max_nodes"]);
    let mut bad = policy_body(cluster_id, pool_id);
    bad["min_nodes"] = json!(9);
    bad["schedules"] = json!([{"window": "25:00-26:00", "timezone": "Europe/Berlin"}]);
    let problem = assert_problem(app.create_policy(&bad).await, 422, "VALIDATION_FAILED").await;
    let text = problem["errors"].to_string();
    assert!(
        text.contains("#/min_nodes") && text.contains("#/schedules/0/window"),
        "{text}"
    );

    let created = app
        .post(ROUTE, MEMBER)
        .header("Idempotency-Key", "as-crud-1")
        .json(&policy_body(cluster_id, pool_id))
        .send()
        .await
        .expect("request");
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let policy: Resource = conforms(&created.json::<Value>().await.unwrap());
    assert_eq!(location, format!("{ROUTE}/{}", policy.id));
    assert_eq!(policy.spec.max_nodes, Some(4));
    assert_eq!(
        policy.spec.evaluation_interval_seconds,
        Some(15),
        "defaults are filled in"
    );
    let replay = app
        .post(ROUTE, MEMBER)
        .header("Idempotency-Key", "as-crud-1")
        .json(&policy_body(cluster_id, pool_id))
        .send()
        .await
        .expect("request");
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let second = app.create_policy(&policy_body(cluster_id, pool_id)).await;
    assert_problem(second, 409, "ALREADY_EXISTS").await;
    let foreign = app
        .post(ROUTE, OTHER)
        .json(&policy_body(cluster_id, pool_id))
        .send()
        .await
        .unwrap();
    assert_problem(foreign, 404, "NOT_FOUND").await;

    let pool = app
        .settle("the pool follows its policy", |app| {
            app.pool_of(cluster_id, pool_id)
                .filter(|p| p.auto_scale && (p.min_nodes, p.max_nodes) == (1, 4))
        })
        .await;
    assert_eq!(pool.count, 2);
    let count = app
        .patch(
            &format!("/api/v1/clusters/{cluster_id}/node_pools/{pool_id}"),
            MEMBER,
        )
        .json(&json!({"count": 3}))
        .send()
        .await
        .unwrap();
    assert_problem(count, 409, "AUTOSCALE_OWNS_COUNT").await;

    let item = format!("{ROUTE}/{}", policy.id);
    let stale = app
        .patch(&item, MEMBER)
        .header("If-Match", "\"999\"")
        .json(&json!({"max_nodes": 5}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "PRECONDITION_FAILED").await;
    let invalid = app
        .patch(&item, MEMBER)
        .json(&json!({"min_nodes": 9}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(invalid, 422, "VALIDATION_FAILED").await;
    assert!(problem["errors"].to_string().contains("#/min_nodes"));
    let retarget = app
        .patch(&item, MEMBER)
        .json(&json!({"target": {"cluster_id": cluster_id, "node_pool_id": Uuid::now_v7()}}))
        .send()
        .await
        .unwrap();
    assert_problem(retarget, 422, "VALIDATION_FAILED").await;
    let version = app.policy(policy.id).expect("policy").version;
    let patched = app
        .patch(&item, MEMBER)
        .header("If-Match", format!("\"{version}\""))
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({"max_nodes": 5, "cost_limit_monthly": "100.00"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let patched: Resource = conforms(&patched.json::<Value>().await.unwrap());
    assert_eq!(patched.spec.max_nodes, Some(5));
    assert_eq!(patched.spec.cost_limit_monthly, Some(Some("100.00".into())));
    assert_eq!(
        patched.spec.metrics.as_ref().and_then(|m| m[0].target),
        Some(0.5),
        "omitted fields stay"
    );
    app.settle("the pool's bounds follow the patch", |app| {
        app.pool_of(cluster_id, pool_id)
            .filter(|p| p.max_nodes == 5)
    })
    .await;

    let deleted = app.delete(&item, MEMBER).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    let again = app.delete(&item, MEMBER).send().await.unwrap();
    assert_problem(again, 404, "NOT_FOUND").await;
    app.settle("the pool is manual again", |app| {
        app.pool_of(cluster_id, pool_id).filter(|p| !p.auto_scale)
    })
    .await;
    let recreated = app.create_policy(&policy_body(cluster_id, pool_id)).await;
    assert_eq!(recreated.status(), 201, "a pool may get a policy again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enabled_policy_holds_back_a_cluster_delete_unless_forced() {
    let log = Log::start();
    let app = app(&log).await;
    let (cluster_id, pool_id) = cluster(&app, "as-delete").await;
    let created = app.create_policy(&policy_body(cluster_id, pool_id)).await;
    let policy: Resource = conforms(&created.json::<Value>().await.unwrap());
    let version = app
        .settle("the pool follows its policy", |app| {
            let cluster = app.cluster(cluster_id)?;
            let pool = cluster.pool(pool_id)?;
            (pool.auto_scale && cluster.pending_operation.is_none()).then_some(cluster.version)
        })
        .await;
    let path = format!("/api/v1/clusters/{cluster_id}");
    let unconditional = app.delete(&path, MEMBER).send().await.unwrap();
    assert_problem(unconditional, 428, "PRECONDITION_REQUIRED").await;
    let refused = app
        .delete(&path, MEMBER)
        .header("If-Match", format!("\"{version}\""))
        .send()
        .await
        .unwrap();
    assert_problem(refused, 409, "FAILED_PRECONDITION").await;
    let forced = app
        .delete(&format!("{path}?force=true"), MEMBER)
        .header("If-Match", format!("\"{version}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(forced.status(), 202);
    assert!(app.policy(policy.id).is_some_and(|p| p.deleted));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evaluate_answers_a_decision_and_changes_nothing() {
    let log = Log::start();
    let app = app(&log).await;
    let (cluster_id, pool_id) = cluster(&app, "as-evaluate").await;
    let created = app.create_policy(&policy_body(cluster_id, pool_id)).await;
    let policy: Resource = conforms(&created.json::<Value>().await.unwrap());
    app.settle("the pool follows its policy", |app| {
        app.pool_of(cluster_id, pool_id).filter(|p| p.auto_scale)
    })
    .await;
    let before = app.policy(policy.id).expect("policy");
    let records = log.records().len();
    let answer = app
        .post(&format!("{ROUTE}/{}:evaluate", policy.id), MEMBER)
        .json(&json!({"metrics": {"cpu_utilization": 0.9}}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let answer: EvaluateResponse = conforms(&answer.json::<Value>().await.unwrap());
    let decision = answer.decision;
    assert_eq!(
        (decision.capacity, decision.raw),
        (2, 4),
        "ceil(2 × 0.9 / 0.5)"
    );
    assert_eq!(
        (decision.final_count, decision.action.as_str()),
        (4, "scale_up")
    );
    assert_eq!(decision.metrics[0].ratio, Some(1.8));
    let unknown = app
        .post(&format!("{ROUTE}/{}:evaluate", Uuid::now_v7()), MEMBER)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 404, "NOT_FOUND").await;
    assert_eq!(log.records().len(), records, "nothing was appended");
    let after = app.policy(policy.id).expect("policy");
    assert_eq!(after.version, before.version);
    assert_eq!(app.pool_of(cluster_id, pool_id).map(|p| p.count), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_samples_scale_up_within_bounds_and_scale_down_waits_for_the_delay() {
    let log = Log::start();
    let app = app(&log).await;
    let (cluster_id, pool_id) = cluster(&app, "as-reconcile").await;
    let created = app.create_policy(&policy_body(cluster_id, pool_id)).await;
    let policy: Resource = conforms(&created.json::<Value>().await.unwrap());
    app.settle("the pool follows its policy", |app| {
        let cluster = app.cluster(cluster_id)?;
        (cluster.pool(pool_id)?.auto_scale && cluster.pending_operation.is_none()).then_some(())
    })
    .await;

    // Hot: 90 % against 50 % asks for ceil(2 × 1.8) = 4 = max_nodes.
    app.push_cpu(cluster_id, 90.0).await;
    app.tick(policy.id).await;
    let started = eventually_some(std::time::Duration::from_secs(30), || async {
        app.policy(policy.id)
            .and_then(|p| p.scale_events.last().copied())
    })
    .await
    .expect("a scale started");
    assert_eq!((started.from, started.to), (2, 4));
    assert_eq!(app.pool_of(cluster_id, pool_id).map(|p| p.count), Some(4));
    let state = app
        .settle("the scale-up finishes", |app| {
            app.policy(policy.id).filter(|p| {
                p.scale_events
                    .last()
                    .is_some_and(|e| e.status == ScaleStatus::Success)
            })
        })
        .await;
    let finished = state.scale_events[0].finished_at.expect("finished");
    app.running_with(cluster_id, 4).await;

    // Hotter still: the pool never leaves [min, max].
    app.push_cpu(cluster_id, 100.0).await;
    let state = app.tick(policy.id).await;
    assert_eq!(app.pool_of(cluster_id, pool_id).map(|p| p.count), Some(4));
    assert!(
        state
            .status
            .conditions
            .iter()
            .any(|c| c.reason == "TooManyReplicas"),
        "{:?}",
        state.status.conditions
    );

    // Cold: every tick within 120 s of the scale-up's end holds at 4.
    let (mut held, mut delayed) = (0, 0);
    loop {
        app.push_cpu(cluster_id, 10.0).await;
        let state = app.tick(policy.id).await;
        let now = app.clock.now();
        if now >= finished + Duration::seconds(120) {
            break;
        }
        assert_eq!(
            app.pool_of(cluster_id, pool_id).map(|p| p.count),
            Some(4),
            "no scale-down at {now} (scale-up ended {finished})"
        );
        // The 60 s stabilization window holds first; once the 4s age out, the delay.
        let reason = state.status.conditions[0].reason;
        assert!(
            ["ScaleDownStabilized", "DelayAfterScaleUp"].contains(&reason),
            "{reason}"
        );
        held += 1;
        delayed += usize::from(reason == "DelayAfterScaleUp");
    }
    assert!(held >= 3, "cold ticks held: {held}");
    assert!(
        delayed >= 1,
        "ticks held by the delay after scale-up alone: {delayed}"
    );
    // Then one node at a time (nodes: 1 and percent: 10 both allow one step).
    let down = app
        .settle("a scale-down by one", |app| {
            app.policy(policy.id)
                .and_then(|p| p.scale_events.last().copied())
                .filter(|e| e.from == 4)
        })
        .await;
    assert_eq!(down.to, 3);
    assert_eq!(app.pool_of(cluster_id, pool_id).map(|p| p.count), Some(3));
}
