//! A cluster that reacts to load and explains itself (issue 11), over HTTP on the real
//! stack with the telemetry simulator on the manual clock: a cluster under a policy →
//! demand raised through the API → the autoscaler scales the pool up to its max and never
//! past it → demand falls → the scale-down waits out the stabilization window and the
//! delay after the scale-up, then steps one node per period down to the min → with the
//! policy gone and demand high on that one node, a diagnosis flags the hot pool and its
//! recommendation, posted as a job, scales the pool. Simulated time moves only once the samples of the current tick are in the
//! autoscaler's window, so every tick judges fresh telemetry.

use std::time::Duration;

use chrono::{DateTime, Utc};
use command_api::writer::Peek;
use contract::autoscaling::{AutoscalerDecisionPage, AutoscalingPolicy, ScalingEventPage};
use contract::diagnosis::{DiagnosisAccepted, DiagnosisPage, Insight};
use contract::envelope::ClusterAccepted;
use devtools::stack::{Stack, StackOptions};
use domain::cluster::{Cluster, ClusterStatus, NodePool};
use domain::droplet::{Droplet, DropletStatus};
use platform::clock::Clock;
use platform::testing::{conforms, eventually_some};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// Simulated seconds per step: half the simulator's interval, a third of the policy's.
const STEP_SECONDS: i64 = 5;
/// The most steps any phase may take (its simulated length, with room).
const MAX_STEPS: usize = 120;
const MIN_NODES: u32 = 1;
const MAX_NODES: u32 = 4;
const SCALE_DOWN_WINDOW: i64 = 60;
const DELAY_AFTER_SCALE_UP: i64 = 120;

struct Scenario {
    stack: Stack,
    cluster: Uuid,
    pool: Uuid,
}

impl Scenario {
    fn writer(&self) -> &command_api::writer::Writer {
        self.stack.writers.last().expect("a running command-api")
    }

    fn now(&self) -> DateTime<Utc> {
        self.stack.clock.now()
    }

    /// The pool as the write model holds it (`None` while its partition is busy).
    fn pool(&self) -> Option<NodePool> {
        match self.writer().peek::<Cluster>(&self.cluster) {
            Peek::Present(cluster) => cluster.pool(self.pool).cloned(),
            _ => None,
        }
    }

    /// Running nodes of the pool.
    fn running_nodes(&self) -> usize {
        let (cluster, pool) = (self.cluster, self.pool);
        self.writer()
            .observe::<Droplet>(|d| {
                d.cluster_id() == Some(cluster) && d.node_pool_id() == Some(pool)
            })
            .into_iter()
            .filter(|d| d.state.status == Some(DropletStatus::Active) && !d.state.draining)
            .count()
    }

    /// Whether the simulator samples the cluster (it does while the cluster runs).
    fn sampled(&self) -> bool {
        match self.writer().peek::<Cluster>(&self.cluster) {
            Peek::Present(cluster) => matches!(
                cluster.status,
                Some(ClusterStatus::Running | ClusterStatus::Degraded)
            ),
            _ => false,
        }
    }

    /// Moves simulated time one step on, then waits until the simulator's samples of the
    /// tick now current are in the autoscaler's window.
    async fn step(&self) {
        self.stack
            .clock
            .advance(chrono::Duration::seconds(STEP_SECONDS));
        let now = self.now();
        let tick_start =
            DateTime::from_timestamp(now.timestamp() - now.timestamp() % 10, 0).expect("a time");
        let window = self.stack.windows.last().expect("a sample window");
        let fresh = eventually_some(Duration::from_secs(30), || async {
            (!window.latest(self.cluster, tick_start).is_empty()).then_some(())
        })
        .await;
        assert!(fresh.is_some(), "the simulator publishes the tick of {now}");
    }

    /// Steps until `check` holds, asserting the pool's bounds at every step while a policy
    /// owns the count.
    async fn until<T>(&self, what: &str, check: impl Fn(&Self) -> Option<T>) -> T {
        for _ in 0..MAX_STEPS {
            if let Some(pool) = self.pool().filter(|p| p.auto_scale) {
                assert!(
                    (MIN_NODES..=MAX_NODES).contains(&pool.count),
                    "the autoscaler kept the pool within its bounds, found {}",
                    pool.count
                );
            }
            if let Some(found) = check(self) {
                return found;
            }
            self.step().await;
        }
        panic!("{what} did not happen within {MAX_STEPS} steps");
    }

    async fn set_demand(&self, level: u8) {
        let response = self
            .stack
            .command(
                Method::PUT,
                &format!("/api/v1/clusters/{}/demand", self.cluster),
            )
            .json(&json!({"level": level, "profile": "calm"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "demand {level} is set");
    }

    async fn read<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let found = eventually_some(Duration::from_secs(30), || async {
            let response = self.stack.query(path).send().await.ok()?;
            (response.status() == 200).then_some(())?;
            response.json::<Value>().await.ok()
        })
        .await
        .unwrap_or_else(|| panic!("{path} answers"));
        conforms(&found)
    }
}

async fn running_cluster(stack: Stack) -> Scenario {
    let body = json!({"name": "autoscaled", "region": "nyc1", "node_pools": [
        {"name": "web", "size": "s-2vcpu-4gb", "count": 2},
    ]});
    let response = stack
        .command(Method::POST, "/api/v1/clusters")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let created: ClusterAccepted = conforms(&response.json().await.unwrap());
    let scenario = Scenario {
        cluster: created.cluster.id,
        pool: created.cluster.node_pools[0].id,
        stack,
    };
    scenario.set_demand(20).await;
    // Provisioning moves in small clock steps, as the other e2e tests do.
    let running = eventually_some(Duration::from_secs(90), || async {
        scenario
            .stack
            .clock
            .advance(chrono::Duration::milliseconds(250));
        (scenario.sampled() && scenario.running_nodes() == 2).then_some(())
    })
    .await;
    assert!(running.is_some(), "the cluster runs on two nodes");
    scenario
}

async fn create_policy(s: &Scenario) -> Uuid {
    let body = json!({
        "target": {"cluster_id": s.cluster, "node_pool_id": s.pool},
        "min_nodes": MIN_NODES,
        "max_nodes": MAX_NODES,
        "metrics": [{"type": "cpu_utilization", "target": 0.5}],
        "node_warmup_seconds": 0,
        "behavior": {"scale_down": {
            "stabilization_window_seconds": SCALE_DOWN_WINDOW,
            "delay_after_scale_up_seconds": DELAY_AFTER_SCALE_UP
        }}
    });
    let response = s
        .stack
        .command(Method::POST, "/api/v1/autoscaling_policies")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let policy: AutoscalingPolicy = conforms(&response.json().await.unwrap());
    policy.id
}

/// Whether the policy's decision log, as query-api serves it, notes `what` (a note or
/// the gate that held the tick).
async fn noted(s: &Scenario, policy: Uuid, what: &str) -> bool {
    let decisions: AutoscalerDecisionPage = s
        .read(&format!(
            "/api/v1/autoscaling_policies/{policy}/decisions?page_size=200"
        ))
        .await;
    decisions.decisions.iter().any(|d| {
        d.notes.iter().any(|n| n == what) || d.gate.as_deref().is_some_and(|g| g.starts_with(what))
    })
}

/// Whether one of `whats` is noted in the decision log within a deadline (the log is
/// projected after the decision is taken).
async fn eventually_noted(s: &Scenario, policy: Uuid, whats: &[&str]) -> bool {
    eventually_some(Duration::from_secs(30), || async {
        for what in whats {
            if noted(s, policy, what).await {
                return Some(());
            }
        }
        None
    })
    .await
    .is_some()
}

fn policy_state(s: &Scenario, id: Uuid) -> Option<domain::autoscale::AutoscalingPolicy> {
    match s.writer().peek::<domain::autoscale::AutoscalingPolicy>(&id) {
        Peek::Present(policy) => Some(policy),
        _ => None,
    }
}

fn hot_pool_insight(diagnosis: &contract::diagnosis::Diagnosis, pool: Uuid) -> Option<Insight> {
    diagnosis
        .insights
        .iter()
        .find(|i| i.check == "pool_cpu_saturation" && i.object.id == pool)
        .cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pool_follows_demand_within_its_policy_and_a_diagnosis_becomes_a_job() {
    let stack = Stack::start(StackOptions::default()).await.unwrap();
    let s = running_cluster(stack).await;
    let policy = create_policy(&s).await;

    // Demand up: 2 nodes at full load against a 50 % target propose 4 — the max.
    s.set_demand(100).await;
    s.until("the pool at its max with every node running", |s| {
        let pool = s.pool()?;
        (pool.count == MAX_NODES && s.running_nodes() == MAX_NODES as usize).then_some(())
    })
    .await;
    let scaled_up = s
        .until("the scale-up recorded as finished", |s| {
            let state = policy_state(s, policy)?;
            let last = state.scale_events.last()?;
            (last.finished_at.is_some() && last.to == MAX_NODES).then_some(last.started_at)
        })
        .await;
    // At the max, still hot: the count holds, clamped (never past the max), and the
    // clamping is logged once a tick with fresh samples of all four nodes is evaluated.
    // The autoscaler looks for due ticks on a wall-clock interval while the test moves
    // the simulated clock, so how many steps that takes depends on the machine's load:
    // step until it is logged, as `until` does, never a fixed few.
    let mut clamped = false;
    for _ in 0..MAX_STEPS {
        s.step().await;
        assert_eq!(s.pool().map(|p| p.count), Some(MAX_NODES));
        if noted(&s, policy, "TooManyReplicas").await {
            clamped = true;
            break;
        }
    }
    // The decision log is a read model: a decision taken at the last tick may not be
    // projected yet when the steps run out.
    let clamped = clamped || eventually_noted(&s, policy, &["TooManyReplicas"]).await;
    assert!(clamped, "clamping at the max is logged");

    // Demand down: the recommendation falls to the min at once, but the pool waits.
    s.set_demand(10).await;
    let demand_fell = s.now();
    let scaled_down_at = s
        .until("the first scale-down", |s| {
            let pool = s.pool()?;
            (pool.count < MAX_NODES).then(|| (pool.count, s.now()))
        })
        .await;
    let (count_after, at) = scaled_down_at;
    assert_eq!(
        count_after,
        MAX_NODES - 1,
        "one node per period (ScaleDownLimit)"
    );
    assert!(
        at >= scaled_up + chrono::Duration::seconds(DELAY_AFTER_SCALE_UP),
        "no scale-down within {DELAY_AFTER_SCALE_UP} s of the scale-up at {scaled_up} (was at {at})"
    );
    assert!(
        at >= demand_fell + chrono::Duration::seconds(SCALE_DOWN_WINDOW - 15),
        "the stabilization window held the count after demand fell at {demand_fell} (was at {at})"
    );

    // Still cold: one node per period down to the min.
    // The last scale-down is recorded as finished on a later tick than the one that sees
    // the node running, so wait for that record too.
    s.until(
        "the pool at its min with its node running, its scale finished",
        |s| {
            let pool = s.pool()?;
            let last = *policy_state(s, policy)?.scale_events.last()?;
            (pool.count == MIN_NODES
                && s.running_nodes() == MIN_NODES as usize
                && last.finished_at.is_some())
            .then_some(())
        },
    )
    .await;

    // The history and the decision log, as query-api serves them (once it has projected
    // the finished scale-down).
    let events: ScalingEventPage = eventually_some(Duration::from_secs(30), || async {
        let page: ScalingEventPage = s
            .read(&format!("/api/v1/autoscaling_policies/{policy}/events"))
            .await;
        page.events
            .iter()
            .all(|e| e.status == "success")
            .then_some(page)
    })
    .await
    .expect("every scaling event is served as a success");
    let kinds: Vec<(&str, u32, u32)> = events
        .events
        .iter()
        .rev()
        .map(|e| (e.reason.as_str(), e.current_count, e.desired_count))
        .collect();
    let down: Vec<(&str, u32, u32)> = (MIN_NODES..MAX_NODES)
        .rev()
        .map(|to| ("SCALE_DOWN", to + 1, to))
        .collect();
    assert_eq!(kinds[0], ("SCALE_UP", 2, MAX_NODES), "{kinds:?}");
    assert_eq!(kinds[1..], down[..], "one node at a time down to the min");
    assert!(
        eventually_noted(&s, policy, &["ScaleDownStabilized", "DelayAfterScaleUp"]).await,
        "the held scale-down is logged with its reason"
    );

    // Autoscaling off, demand back at full on the one node left: the pool stays hot; a
    // diagnosis over the last 10 minutes flags it, and its recommendation becomes a job
    // that scales the pool.
    let resource = s
        .stack
        .query(&format!("/api/v1/autoscaling_policies/{policy}"))
        .send()
        .await
        .unwrap();
    let etag = resource.headers()["etag"].to_str().unwrap().to_owned();
    let deleted = s
        .stack
        .command(
            Method::DELETE,
            &format!("/api/v1/autoscaling_policies/{policy}"),
        )
        .header("If-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    s.until("the pool no longer autoscaled", |s| {
        s.pool().filter(|p| !p.auto_scale).map(|p| p.count)
    })
    .await;
    let before = s.pool().expect("the pool").count;
    s.set_demand(100).await;
    s.stack.clock.advance(chrono::Duration::minutes(11));
    for _ in 0..3 {
        s.step().await;
    }
    let response = s
        .stack
        .command(
            Method::POST,
            &format!("/api/v1/clusters/{}/diagnoses", s.cluster),
        )
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let accepted: DiagnosisAccepted = conforms(&response.json().await.unwrap());
    let insight = hot_pool_insight(&accepted.diagnosis, s.pool)
        .unwrap_or_else(|| panic!("the hot pool is flagged: {:?}", accepted.diagnosis.insights));
    let evidence = insight.evidence.as_ref().expect("evidence");
    assert!(evidence.value > evidence.threshold, "{evidence:?}");
    let job_request = insight
        .recommendation
        .job_request
        .clone()
        .expect("the recommendation can be a job");
    let wanted = job_request["args"]["desired"].as_u64().expect("a count") as u32;
    assert!(wanted > before, "the job scales the hot pool up");

    let created = s
        .stack
        .command(Method::POST, "/api/v1/jobs")
        .json(&job_request)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let job: Value = created.json().await.unwrap();
    let job_id = job["id"].as_str().expect("a job id").to_owned();
    s.until("the job's scale done", |s| {
        let pool = s.pool()?;
        (pool.count == wanted && s.running_nodes() == wanted as usize).then_some(())
    })
    .await;
    let finished: Value = eventually_some(Duration::from_secs(30), || async {
        let job: Value = s.read(&format!("/api/v1/jobs/{job_id}")).await;
        (job["status"] == "succeeded").then_some(job)
    })
    .await
    .expect("the job succeeds");
    assert_eq!(finished["type"], "scale");
    let history: DiagnosisPage = s
        .read(&format!("/api/v1/clusters/{}/diagnoses", s.cluster))
        .await;
    assert!(
        history
            .diagnoses
            .iter()
            .any(|d| d.id == accepted.diagnosis.id),
        "the diagnosis is kept in the cluster's history"
    );
}
