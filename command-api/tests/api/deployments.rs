//! Deployments through command-api (api.md §11, §12.4) on the real log, with the runner
//! on the manual clock: a canary whose analysis fails (failure injected explicitly in
//! this test's settings) rolls back by itself; one aborted by hand mid-step stays rolled
//! back; a restart mid-rollout resumes from events and finishes; `409
//! DEPLOYMENT_IN_PROGRESS` and `supersede`; rollback needs `If-Match` and creates a
//! `kind=rollback` deployment of the chosen revision; revisions mark the active one;
//! refused transitions, an unknown cluster, and a delete with a deployment in progress.

use contract::deployment::Deployment as Shape;
use domain::deployment::{Deployment, Deployments, Status};
use platform::testing::{assert_problem, conforms};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Log, MEMBER, TestApp, settings, spawn_app, spawn_with};

fn canary_with_pause() -> Value {
    json!({"image": "web:2", "strategy": {"type": "canary", "steps": [
        {"set_weight": 20}, {"pause": {}}, {"analysis": {}}
    ]}})
}

fn flagger(image: &str) -> Value {
    json!({"image": image, "strategy": {"type": "canary", "step_weight": 25, "max_weight": 50}})
}

impl TestApp {
    async fn start_deployment(&self, cluster: Uuid, body: &Value) -> reqwest::Response {
        self.post(&format!("/api/v1/clusters/{cluster}/deployments"), MEMBER)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Starts a deployment that must be accepted; returns its representation.
    async fn deploy(&self, cluster: Uuid, body: &Value) -> Shape {
        let response = self.start_deployment(cluster, body).await;
        assert_eq!(response.status(), 202);
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body: Value = response.json().await.expect("json");
        let shape: Shape = conforms(&body);
        assert_eq!(location, Some(format!("/api/v1/deployments/{}", shape.id)));
        shape
    }

    fn ledger(&self, cluster: Uuid) -> Option<Deployments> {
        self.writer
            .observe::<Deployments>(|d| d.cluster_id == cluster)
            .into_iter()
            .find(|o| !o.pending)
            .map(|o| o.state)
    }

    fn deployment(&self, cluster: Uuid, id: Uuid) -> Option<Deployment> {
        self.ledger(cluster)?.get(id).cloned()
    }

    /// Moves simulated time on until the deployment reaches `status`.
    async fn until_status(&self, cluster: Uuid, id: Uuid, status: Status) -> Deployment {
        self.settle(&format!("deployment {}", status.as_str()), |app| {
            app.deployment(cluster, id).filter(|d| d.status == status)
        })
        .await
    }

    async fn steer(&self, id: Uuid, action: &str) -> reqwest::Response {
        self.post(&format!("/api/v1/deployments/{id}:{action}"), MEMBER)
            .send()
            .await
            .expect("request")
    }

    /// A cluster with one succeeded (first) deployment of `web:1`; returns both ids.
    async fn cluster_with_active_revision(&self) -> (Uuid, Uuid) {
        let (cluster, _) = self
            .create_cluster(&format!("deploy-{}", Uuid::new_v4().simple()), &[1])
            .await;
        let first = self.deploy(cluster, &flagger("web:1")).await;
        let done = self
            .until_status(cluster, first.id, Status::Succeeded)
            .await;
        assert!(
            done.steps
                .iter()
                .all(|s| s.status == domain::deployment::StepStatus::Skipped),
            "the first deployment of a cluster skips its steps"
        );
        (cluster, first.id)
    }
}

#[tokio::test]
async fn a_canary_whose_analysis_fails_rolls_back_automatically() {
    let log = Log::start();
    let mut config = settings(&log, true);
    config.deployments.failure_rate = 1.0;
    let app = spawn_with(config).await;
    let (cluster, first) = app.cluster_with_active_revision().await;
    let canary = app.deploy(cluster, &flagger("web:2")).await;
    let rolled_back = app
        .until_status(cluster, canary.id, Status::RolledBack)
        .await;
    let run = rolled_back.analysis_runs.first().expect("an analysis ran");
    assert_eq!(run.result.as_str(), "failed");
    assert_eq!(rolled_back.canary_weight, 0);
    assert!(
        rolled_back.message.contains("analysis failed"),
        "{}",
        rolled_back.message
    );
    let ledger = app.ledger(cluster).expect("ledger");
    assert_eq!(
        ledger.active().map(|d| d.id),
        Some(first),
        "the stable revision stays active"
    );
}

#[tokio::test]
async fn a_canary_aborted_by_hand_mid_step_stays_rolled_back() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (cluster, first) = app.cluster_with_active_revision().await;
    let body = json!({"image": "web:2", "strategy": {"type": "canary", "steps": [
        {"set_weight": 20}, {"set_weight": 40}, {"analysis": {}}
    ]}});
    let canary = app.deploy(cluster, &body).await;
    app.settle("the canary is mid-step", |app| {
        app.deployment(cluster, canary.id)
            .filter(|d| d.status == Status::Progressing && d.current_step == Some(1))
    })
    .await;
    let response = app.steer(canary.id, "abort").await;
    assert_eq!(response.status(), 200);
    let body: Shape = conforms(&response.json::<Value>().await.expect("json"));
    assert_eq!(body.status, "rolling_back");
    let rolled_back = app
        .until_status(cluster, canary.id, Status::RolledBack)
        .await;
    // A negative check: simulated minutes pass while the runner keeps ticking, and the
    // aborted rollout is never continued.
    let passes = std::cell::Cell::new(0u32);
    let later = app
        .settle("simulated time passes", |app| {
            app.clock.advance(chrono::Duration::seconds(2));
            passes.set(passes.get() + 1);
            app.deployment(cluster, canary.id)
                .filter(|_| passes.get() > 40)
        })
        .await;
    assert_eq!(later.status, Status::RolledBack);
    assert_eq!(
        later.version, rolled_back.version,
        "nothing happened after the rollback"
    );
    assert!(
        later.analysis_runs.is_empty(),
        "the analysis step never ran"
    );
    assert_eq!(later.canary_weight, 0);
    assert_eq!(
        app.ledger(cluster).and_then(|l| l.active().map(|d| d.id)),
        Some(first)
    );
    let again = app.steer(canary.id, "resume").await;
    assert_problem(again, 409, "FAILED_PRECONDITION").await;
}

#[tokio::test]
async fn a_restart_mid_rollout_resumes_from_events_and_finishes() {
    let log = Log::start();
    let first_app = spawn_app(&log).await;
    let (cluster, first) = first_app.cluster_with_active_revision().await;
    let canary = first_app.deploy(cluster, &flagger("web:2")).await;
    first_app
        .settle("the canary is mid-rollout", |app| {
            app.deployment(cluster, canary.id)
                .filter(|d| d.status == Status::Progressing && d.current_step >= Some(2))
        })
        .await;
    drop(first_app);
    let second = spawn_app(&log).await;
    let done = second
        .until_status(cluster, canary.id, Status::Succeeded)
        .await;
    assert_eq!(done.canary_weight, 100);
    assert!(done.analysis_runs.len() >= 2, "both monitor steps ran");
    let ledger = second.ledger(cluster).expect("ledger");
    assert_eq!(
        ledger.get(first).map(|d| d.status),
        Some(Status::Superseded)
    );
}

#[tokio::test]
async fn a_second_start_is_refused_unless_it_supersedes() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (cluster, _) = app.cluster_with_active_revision().await;
    let running = app.deploy(cluster, &canary_with_pause()).await;
    let refused = app.start_deployment(cluster, &flagger("web:3")).await;
    let problem = assert_problem(refused, 409, "DEPLOYMENT_IN_PROGRESS").await;
    assert_eq!(
        problem["metadata"]["deployment_id"],
        json!(running.id.to_string()),
        "{problem:#}"
    );
    let mut superseding = flagger("web:3");
    superseding["supersede"] = json!(true);
    let next = app.deploy(cluster, &superseding).await;
    assert_eq!(next.status, "pending");
    assert_eq!(next.revision.number, 3);
    let old = app.deployment(cluster, running.id).expect("exists");
    assert_eq!(old.status, Status::Cancelled);
    assert!(old.message.contains("superseded"), "{}", old.message);
}

#[tokio::test]
async fn rollback_needs_if_match_and_creates_a_rollback_deployment_of_the_chosen_revision() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (cluster, first) = app.cluster_with_active_revision().await;
    let second = app.deploy(cluster, &flagger("web:2")).await;
    app.until_status(cluster, second.id, Status::Succeeded)
        .await;
    let path = format!("/api/v1/clusters/{cluster}/deployments:rollback");
    let body = json!({"to_revision": 1});
    let missing = app
        .post(&path, MEMBER)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_problem(missing, 428, "PRECONDITION_REQUIRED").await;
    let version = app.cluster(cluster).expect("cluster").version;
    let stale = app
        .post(&path, MEMBER)
        .header("If-Match", format!("\"{}\"", version + 7))
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_problem(stale, 412, "PRECONDITION_FAILED").await;
    let accepted = app
        .post(&path, MEMBER)
        .header("If-Match", format!("\"{version}\""))
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(accepted.status(), 202);
    let rollback: Shape = conforms(&accepted.json::<Value>().await.expect("json"));
    assert_eq!(rollback.deployment_kind, "rollback");
    assert_eq!(rollback.rollback_of, Some(first));
    assert_eq!(
        (rollback.revision.number, rollback.revision.image.as_str()),
        (3, "web:1")
    );
    assert!(rollback.skip_analysis, "revision 1 is one of the last 3");
    app.until_status(cluster, rollback.id, Status::Succeeded)
        .await;
    let ledger = app.ledger(cluster).expect("ledger");
    let revisions = views::deployment::revisions(&ledger);
    let active: Vec<u32> = revisions
        .iter()
        .filter(|r| r.is_active)
        .map(|r| r.number)
        .collect();
    assert_eq!(active, vec![3]);
    assert_eq!(
        revisions.iter().map(|r| r.number).collect::<Vec<_>>(),
        vec![3, 2, 1]
    );
}

#[tokio::test]
async fn refused_transitions_unknown_clusters_and_deletes_during_a_rollout() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (cluster, first) = app.cluster_with_active_revision().await;
    assert_problem(app.steer(first, "pause").await, 409, "FAILED_PRECONDITION").await;
    assert_problem(app.steer(Uuid::new_v4(), "abort").await, 404, "NOT_FOUND").await;
    let unknown = app
        .start_deployment(Uuid::new_v4(), &flagger("web:2"))
        .await;
    assert_problem(unknown, 404, "NOT_FOUND").await;
    let bad = app
        .start_deployment(cluster, &json!({"image": "web:2", "strategy": {"type": "rolling", "max_surge": 0, "max_unavailable": "0%"}}))
        .await;
    assert_problem(bad, 422, "VALIDATION_FAILED").await;
    let running = app.deploy(cluster, &canary_with_pause()).await;
    let version = app.cluster(cluster).expect("cluster").version;
    let delete = |force: bool| {
        app.delete(
            &format!(
                "/api/v1/clusters/{cluster}{}",
                if force { "?force=true" } else { "" }
            ),
            MEMBER,
        )
        .header("If-Match", format!("\"{version}\""))
        .send()
    };
    assert_problem(
        delete(false).await.expect("request"),
        409,
        "FAILED_PRECONDITION",
    )
    .await;
    assert_eq!(delete(true).await.expect("request").status(), 202);
    assert_eq!(
        app.deployment(cluster, running.id).map(|d| d.status),
        Some(Status::Cancelled)
    );
}

#[tokio::test]
async fn of_two_concurrent_starts_exactly_one_wins() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (cluster, _) = app.cluster_with_active_revision().await;
    let (body_a, body_b) = (flagger("web:a"), flagger("web:b"));
    let (a, b) = tokio::join!(
        app.start_deployment(cluster, &body_a),
        app.start_deployment(cluster, &body_b),
    );
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, vec![202, 409]);
    let ledger = app.ledger(cluster).expect("ledger");
    let running: Vec<&Deployment> = ledger
        .deployments
        .iter()
        .filter(|d| d.status.in_progress())
        .collect();
    assert_eq!(running.len(), 1, "one deployment in progress");
}
