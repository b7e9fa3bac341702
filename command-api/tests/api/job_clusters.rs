//! `provision` and `scale` jobs against real clusters (api.md §12.3): their side effect
//! is one keyed cluster command per job, so an attempt retried after losing its lease
//! replays the first attempt's scale instead of adding nodes again; a scale outside the
//! pool's bounds fails without retry. Time moves only in the jumps the test makes.

use std::time::Duration;

use command_api::writer::Peek;
use domain::cluster::{Cluster, ClusterEvent, ClusterStatus};
use domain::droplet::{Droplet, DropletStatus};
use domain::job::{Job, JobStatus, Outcome};
use platform::testing::eventually_some;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Log, MEMBER, PARTITIONS, TestApp, settings, spawn_with};

/// Node provisioning takes a minute of clock time: long enough that a test's jumps
/// decide what has happened when.
const PROVISIONING_MS: u64 = 60_000;

async fn app(log: &Log, heartbeat_timeout_s: u32) -> TestApp {
    let mut settings = settings(log, true);
    settings.provisioner.provisioning_delay_ms = PROVISIONING_MS;
    settings.node_pools.tick_ms = 20;
    settings.jobs.tick_ms = 20;
    settings.jobs.heartbeat_timeout_s = heartbeat_timeout_s;
    spawn_with(settings).await
}

fn cluster(app: &TestApp, id: Uuid) -> Option<Cluster> {
    match app.writer.peek::<Cluster>(&id) {
        Peek::Present(c) => Some(c),
        _ => None,
    }
}

/// How many node droplets of the cluster exist (in any state but gone).
fn nodes(app: &TestApp, cluster: Uuid) -> usize {
    app.writer
        .observe::<Droplet>(|d| {
            d.node_of.is_some_and(|n| n.cluster_id == cluster)
                && !matches!(
                    d.status,
                    Some(DropletStatus::Deleted | DropletStatus::Purged)
                )
        })
        .len()
}

fn job(app: &TestApp, id: Uuid) -> Option<Job> {
    match app.writer.peek::<Job>(&id) {
        Peek::Present(j) => Some(j),
        _ => None,
    }
}

/// Waits (the clock still) until `check` holds.
async fn until<T>(what: &str, check: impl Fn() -> Option<T>) -> T {
    eventually_some(Duration::from_secs(30), || {
        let found = check();
        async move { found }
    })
    .await
    .unwrap_or_else(|| panic!("{what} did not happen in time"))
}

/// A running cluster of one pool with one node; returns (cluster id, pool id).
async fn running_cluster(app: &TestApp) -> (Uuid, Uuid) {
    let body = json!({"name": "jobs", "region": "nyc1",
        "node_pools": [{"name": "workers", "size": "s-2vcpu-4gb", "count": 1}]});
    let response = app
        .post("/api/v1/clusters", MEMBER)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 202);
    let body: Value = response.json().await.expect("json");
    let id: Uuid = body["cluster"]["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("uuid");
    let pool: Uuid = body["cluster"]["node_pools"][0]["id"]
        .as_str()
        .expect("pool")
        .parse()
        .expect("uuid");
    until("the node to be requested", || {
        (nodes(app, id) == 1).then_some(())
    })
    .await;
    app.clock.advance(chrono::Duration::milliseconds(
        PROVISIONING_MS as i64 + 1_000,
    ));
    until("the cluster to run", || {
        cluster(app, id)
            .filter(|c| c.status == Some(ClusterStatus::Running) && c.pending_operation.is_none())
    })
    .await;
    (id, pool)
}

async fn enqueue(app: &TestApp, body: Value) -> Uuid {
    let response = app
        .post("/api/v1/jobs", MEMBER)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["id"].as_str().expect("id").parse().expect("uuid")
}

fn scale_requests(log: &Log, cluster: Uuid) -> usize {
    log.batches_of(&cluster.to_string())
        .iter()
        .flat_map(|b| proto::decode_events::<ClusterEvent>(&b.events).expect("cluster events"))
        .filter(|e| matches!(e, ClusterEvent::PoolScaleRequested { .. }))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provision_job_retried_after_a_lost_lease_adds_its_node_once() {
    let log = Log::start();
    let app = app(&log, 30).await;
    let (cluster_id, pool_id) = running_cluster(&app).await;
    let id = enqueue(
        &app,
        json!({"type": "provision",
        "args": {"cluster_id": cluster_id, "node_pool_id": pool_id, "count": 1}}),
    )
    .await;
    until("the first attempt to scale the pool", || {
        let requested = nodes(&app, cluster_id) == 2;
        job(&app, id).filter(|j| j.status == Some(JobStatus::Running) && requested)
    })
    .await;
    // The first attempt's worker goes silent past its lease (its nodes are not up yet).
    app.clock.advance(chrono::Duration::seconds(31));
    until("the lease to expire", || {
        job(&app, id).filter(|j| j.status == Some(JobStatus::Retrying))
    })
    .await;
    app.clock.advance(chrono::Duration::seconds(3));
    until("the second attempt to run", || {
        job(&app, id).filter(|j| j.status == Some(JobStatus::Running) && j.attempts.len() == 2)
    })
    .await;
    app.clock.advance(chrono::Duration::seconds(27));
    let done = until("the job to succeed", || {
        job(&app, id).filter(|j| j.status == Some(JobStatus::Succeeded))
    })
    .await;
    assert_eq!(done.attempts[0].outcome, Some(Outcome::LeaseExpired));
    assert_eq!(done.attempts[1].outcome, Some(Outcome::Succeeded));
    let pool = cluster(&app, cluster_id)
        .and_then(|c| c.pool(pool_id).cloned())
        .expect("pool");
    assert_eq!(pool.count, 2, "the retried attempt added no second node");
    assert_eq!(scale_requests(&log, cluster_id), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scale_job_sets_the_count_and_refuses_to_leave_the_bounds() {
    let log = Log::start();
    // A lease longer than the nodes take: this job is never retried.
    let app = app(&log, 300).await;
    let (cluster_id, pool_id) = running_cluster(&app).await;
    let too_many = enqueue(
        &app,
        json!({"type": "scale",
        "args": {"cluster_id": cluster_id, "node_pool_id": pool_id, "delta": 100}}),
    )
    .await;
    let failed = until("the out-of-range scale to fail", || {
        job(&app, too_many).filter(|j| j.status == Some(JobStatus::Failed))
    })
    .await;
    assert_eq!(failed.attempts.len(), 1, "not retried");
    assert_eq!(
        failed.last_error.map(|e| e.code),
        Some("OUT_OF_RANGE".to_owned())
    );
    let id = enqueue(
        &app,
        json!({"type": "scale",
        "args": {"cluster_id": cluster_id, "node_pool_id": pool_id, "desired": 3}}),
    )
    .await;
    until("the nodes to be requested", || {
        (nodes(&app, cluster_id) == 3).then_some(())
    })
    .await;
    app.clock.advance(chrono::Duration::milliseconds(
        PROVISIONING_MS as i64 + 1_000,
    ));
    let done = until("the scale job to succeed", || {
        job(&app, id).filter(|j| j.status == Some(JobStatus::Succeeded))
    })
    .await;
    assert!(done.result.is_some_and(|r| r.contains("\"count\":3")));
    assert_eq!(scale_requests(&log, cluster_id), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provision_job_scales_a_cluster_served_by_another_instance() {
    let log = Log::start();
    let instance = || {
        let mut settings = settings(&log, true);
        settings.writer.group_id = format!("{}-shared", log.prefix);
        settings.provisioner.provisioning_delay_ms = 0;
        settings.node_pools.tick_ms = 20;
        settings.jobs.tick_ms = 20;
        settings.jobs.heartbeat_timeout_s = 300;
        settings
    };
    let (a, b) = (spawn_with(instance()).await, spawn_with(instance()).await);
    let serves = |app: &TestApp, p: i32| app.writer.phases()[p as usize].is_some();
    let queue = command_api::jobs::queue_partition("default", PARTITIONS);
    until("the group to split the partitions", || {
        (0..PARTITIONS)
            .all(|p| serves(&a, p) != serves(&b, p))
            .then_some(())
    })
    .await;
    let (worker, other) = if serves(&a, queue) {
        (&a, &b)
    } else {
        (&b, &a)
    };
    other.wait_until_ready().await;
    worker.wait_until_ready().await;
    // Created through the other instance, the cluster lands in a partition it serves.
    let (cluster_id, pool_id) = create_cluster(other).await;
    assert!(matches!(
        worker.writer.peek::<Cluster>(&cluster_id),
        Peek::NotOwned { .. }
    ));
    until("the cluster to run", || {
        cluster(other, cluster_id)
            .filter(|c| c.status == Some(ClusterStatus::Running) && c.pending_operation.is_none())
    })
    .await;
    let id = enqueue(
        worker,
        json!({"type": "provision",
        "args": {"cluster_id": cluster_id, "node_pool_id": pool_id, "count": 2}}),
    )
    .await;
    let done = until("the job to succeed", || {
        job(worker, id).filter(|j| j.status.is_some_and(|s| s.is_terminal()))
    })
    .await;
    assert_eq!(
        done.status,
        Some(JobStatus::Succeeded),
        "{:?}",
        done.last_error
    );
    assert_eq!(done.attempts.len(), 1);
    let pool = cluster(other, cluster_id)
        .and_then(|c| c.pool(pool_id).cloned())
        .expect("pool");
    assert_eq!(
        pool.count, 3,
        "the owner of the cluster applied the job's scale"
    );
    assert_eq!(scale_requests(&log, cluster_id), 1);
}

/// Creates a one-pool cluster through `app`; returns (cluster id, pool id).
async fn create_cluster(app: &TestApp) -> (Uuid, Uuid) {
    let body = json!({"name": format!("c{}", Uuid::new_v4().simple()), "region": "nyc1",
        "node_pools": [{"name": "workers", "size": "s-2vcpu-4gb", "count": 1}]});
    let response = app
        .post("/api/v1/clusters", MEMBER)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 202);
    let body: Value = response.json().await.expect("json");
    let id = body["cluster"]["id"].as_str().expect("id").parse();
    let pool = body["cluster"]["node_pools"][0]["id"]
        .as_str()
        .expect("pool")
        .parse();
    (id.expect("uuid"), pool.expect("uuid"))
}
