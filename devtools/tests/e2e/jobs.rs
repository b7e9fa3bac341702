//! A job survives the death of the command-api running it: a `provision` job is killed
//! mid-attempt (its scale command already in the log), a new command-api restores the
//! partition, the job is retried once its lease ends, and its side effect — one more
//! node — happens exactly once. The job, its attempts and its log lines are read back
//! through query-api, projected from the same log.

use std::time::Duration;

use command_api::writer::Peek;
use contract::job::{Job as JobBody, JobAttemptPage, LogLinePage};
use devtools::stack::{Stack, StackOptions};
use domain::cluster::{Cluster, ClusterEvent, ClusterStatus};
use domain::droplet::DropletEvent;
use domain::job::{Job, JobStatus, Outcome};
use platform::testing::{conforms, eventually_some, read_topic, table_checksums};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// Waits (the clock still) until `check` holds.
async fn until<T>(what: &str, check: impl AsyncFn() -> Option<T>) -> T {
    eventually_some(Duration::from_secs(60), || check())
        .await
        .unwrap_or_else(|| panic!("{what} did not happen in time"))
}

fn writer(stack: &Stack) -> &command_api::writer::Writer {
    stack.writers.last().expect("a running command-api")
}

fn job(stack: &Stack, id: Uuid) -> Option<Job> {
    match writer(stack).peek::<Job>(&id) {
        Peek::Present(job) => Some(job),
        _ => None,
    }
}

fn cluster(stack: &Stack, id: Uuid) -> Option<Cluster> {
    match writer(stack).peek::<Cluster>(&id) {
        Peek::Present(cluster) => Some(cluster),
        _ => None,
    }
}

/// Every event of `kind` in the log, decoded.
fn events<E: proto::WireEvent>(stack: &Stack, kind: &str) -> Vec<E> {
    read_topic(&stack.brokers, &stack.topic())
        .into_iter()
        .filter_map(|e| match proto::decode_record(e.value.as_deref()?) {
            Ok(domain::record::Record::Batch(b)) if b.header.aggregate_type == kind => Some(b),
            _ => None,
        })
        .flat_map(|b| proto::decode_events::<E>(&b.events).unwrap_or_default())
        .collect()
}

fn node_creations(stack: &Stack, cluster: Uuid) -> usize {
    events::<DropletEvent>(stack, "droplet")
        .iter()
        .filter(|e| {
            matches!(e, DropletEvent::CreationRequested(c)
                if c.node_of.is_some_and(|n| n.cluster_id == cluster))
        })
        .count()
}

async fn read(stack: &Stack, path: &str) -> Option<Value> {
    let response = stack.query(path).send().await.ok()?;
    (response.status() == 200).then_some(())?;
    response.json().await.ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_job_killed_mid_attempt_is_retried_after_its_lease_and_provisions_once() {
    let mut stack = Stack::start(StackOptions::default()).await.unwrap();
    let body = json!({"name": "jobs-e2e", "region": "nyc1",
        "node_pools": [{"name": "workers", "size": "s-2vcpu-4gb", "count": 1}]});
    let response = stack
        .command(Method::POST, "/api/v1/clusters")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let created: Value = response.json().await.unwrap();
    let cluster_id: Uuid = created["cluster"]["id"].as_str().unwrap().parse().unwrap();
    let pool_id: Uuid = created["cluster"]["node_pools"][0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    until("the cluster to run", async || {
        stack.clock.advance(chrono::Duration::milliseconds(250));
        cluster(&stack, cluster_id)
            .filter(|c| c.status == Some(ClusterStatus::Running) && c.pending_operation.is_none())
    })
    .await;

    let body =
        json!({"type": "provision", "args": {"cluster_id": cluster_id, "node_pool_id": pool_id}});
    let response = stack
        .command(Method::POST, "/api/v1/jobs")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let enqueued: JobBody = conforms(&response.json().await.unwrap());
    let id = enqueued.id;
    // The first attempt has asked for the node (the clock is still: it is not up yet).
    until("the first attempt to add a node", async || {
        let requested = node_creations(&stack, cluster_id) == 2;
        job(&stack, id).filter(|j| j.status == Some(JobStatus::Running) && requested)
    })
    .await;

    stack.kill_command_apis();
    let group = stack.writer_group();
    stack.command_url = stack.start_command_api_in(&group).await.unwrap();
    let restored = until("the new instance to restore the running job", async || {
        job(&stack, id).filter(|j| j.status == Some(JobStatus::Running))
    })
    .await;
    assert_eq!(restored.attempts.len(), 1);
    // The dead worker's lease runs out; the job is retried after its backoff.
    stack.clock.advance(chrono::Duration::seconds(31));
    until("the lease to expire", async || {
        job(&stack, id).filter(|j| j.status == Some(JobStatus::Retrying))
    })
    .await;
    let done = until("the retried job to succeed", async || {
        stack.clock.advance(chrono::Duration::milliseconds(250));
        job(&stack, id).filter(|j| j.status == Some(JobStatus::Succeeded))
    })
    .await;
    assert_eq!(done.attempts.len(), 2);
    assert_eq!(done.attempts[0].outcome, Some(Outcome::LeaseExpired));
    assert_eq!(done.attempts[1].outcome, Some(Outcome::Succeeded));
    assert_eq!(
        node_creations(&stack, cluster_id),
        2,
        "one node for the job, once"
    );
    let scales = events::<ClusterEvent>(&stack, "cluster")
        .iter()
        .filter(|e| matches!(e, ClusterEvent::PoolScaleRequested { .. }))
        .count();
    assert_eq!(scales, 1);
    let pool = cluster(&stack, cluster_id)
        .and_then(|c| c.pool(pool_id).cloned())
        .unwrap();
    assert_eq!(pool.count, 2);

    let path = format!("/api/v1/jobs/{id}");
    let projected: JobBody = until("query-api to show the job succeeded", async || {
        let body = read(&stack, &path).await?;
        (body["status"] == "succeeded").then(|| conforms(&body))
    })
    .await;
    assert_eq!(projected.attempt, 2);
    let attempts: JobAttemptPage =
        conforms(&read(&stack, &format!("{path}/attempts")).await.unwrap());
    let outcomes: Vec<Option<String>> = attempts
        .attempts
        .iter()
        .map(|a| a.outcome.clone())
        .collect();
    assert_eq!(
        outcomes,
        vec![Some("lease_expired".into()), Some("succeeded".into())]
    );
    let lines: LogLinePage = conforms(
        &read(&stack, &format!("{path}/logs?attempt=2"))
            .await
            .unwrap(),
    );
    assert!(
        !lines.lines.is_empty(),
        "the second attempt's lines are projected"
    );

    // The job read models are a pure function of the log, too.
    let live = sqlx::MySqlPool::connect(&stack.database_url).await.unwrap();
    stack.wait_projected(&live).await.unwrap();
    let replay = stack.clean_replay().await.expect("clean replay");
    let tables = ["job", "job_attempt", "job_queue", "cluster", "droplet"];
    assert_eq!(
        table_checksums(&live, &tables).await,
        table_checksums(&replay, &tables).await
    );
    // Line ids are the table's own; the lines themselves must be the same.
    assert_eq!(log_lines(&live).await, log_lines(&replay).await);
}

async fn log_lines(pool: &sqlx::MySqlPool) -> Vec<(Option<String>, Option<u32>, String)> {
    sqlx::query_as("SELECT source_key, attempt, message FROM log_lines ORDER BY source_key")
        .fetch_all(pool)
        .await
        .unwrap()
}
