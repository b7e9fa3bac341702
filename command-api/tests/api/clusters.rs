//! Clusters, node pools and nodes through command-api's HTTP API (api.md §11, §12.2):
//! create with pools, nodes provisioned by the level-triggered reconciler under a manual
//! clock, scale up and down, replace a node, cancel, delete with `If-Match`, the bad input
//! of each route, and a restart mid-scale that must not create a node twice.

use std::time::Duration;

use contract::envelope::{ClusterAccepted, NodePoolAccepted};
use contract::operation::CancelRequested;
use domain::cluster::{Cluster, ClusterStatus};
use domain::droplet::{Droplet, DropletStatus};
use platform::testing::{assert_problem, conforms, eventually_some};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Log, MEMBER, OTHER, TestApp, VIEWER, spawn_app};

fn cluster_body(name: &str, counts: &[u32]) -> Value {
    let pools: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(i, count)| json!({"name": format!("pool-{i}"), "size": "s-2vcpu-4gb", "count": count}))
        .collect();
    json!({"name": name, "region": "nyc1", "node_pools": pools, "tags": ["env:test"]})
}

impl TestApp {
    pub fn patch(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client
            .patch(format!("{}{path}", self.address))
            .bearer_auth(token)
    }

    /// Creates a cluster as alice; returns its id and the 202 body.
    pub(crate) async fn create_cluster(
        &self,
        name: &str,
        counts: &[u32],
    ) -> (Uuid, ClusterAccepted) {
        let response = self
            .post("/api/v1/clusters", MEMBER)
            .json(&cluster_body(name, counts))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 202);
        let body: Value = response.json().await.expect("json");
        let accepted: ClusterAccepted = conforms(&body);
        (accepted.cluster.id, accepted)
    }

    pub(crate) fn cluster(&self, id: Uuid) -> Option<Cluster> {
        self.writer
            .observe::<Cluster>(|c| c.id == id)
            .into_iter()
            .find(|o| !o.pending)
            .map(|o| o.state)
    }

    /// The cluster's node droplets that are not gone.
    pub(crate) fn live_nodes(&self, cluster: Uuid) -> Vec<Droplet> {
        self.writer
            .observe::<Droplet>(|d| {
                d.node_of.is_some_and(|n| n.cluster_id == cluster)
                    && !matches!(
                        d.status,
                        Some(DropletStatus::Deleted | DropletStatus::Purged)
                    )
            })
            .into_iter()
            .map(|o| o.state)
            .collect()
    }

    /// Moves simulated time forward while waiting for `check` (provisioning, draining and
    /// deletion delays run on the manual clock).
    pub(crate) async fn settle<T>(&self, what: &str, check: impl Fn(&Self) -> Option<T>) -> T {
        let found = eventually_some(Duration::from_secs(60), || {
            self.clock.advance(chrono::Duration::milliseconds(250));
            let found = check(self);
            async move { found }
        })
        .await;
        found.unwrap_or_else(|| panic!("{what} did not happen in time"))
    }

    /// Waits until the cluster is running with no operation pending and `total` nodes
    /// active; returns the cluster.
    pub(crate) async fn running_with(&self, id: Uuid, total: usize) -> Cluster {
        self.settle(&format!("cluster running with {total} nodes"), |app| {
            let cluster = app.cluster(id)?;
            let nodes = app.live_nodes(id);
            let active = nodes
                .iter()
                .filter(|n| n.status == Some(DropletStatus::Active))
                .count();
            (cluster.status == Some(ClusterStatus::Running)
                && cluster.pending_operation.is_none()
                && nodes.len() == total
                && active == total)
                .then_some(cluster)
        })
        .await
    }

    /// How many node droplets were ever created for the cluster, from the log.
    fn node_creates(log: &Log, cluster: Uuid) -> usize {
        log.records()
            .into_iter()
            .filter_map(|e| match proto::decode_record(e.value.as_deref()?) {
                Ok(domain::record::Record::Batch(b)) => Some(b),
                _ => None,
            })
            .filter(|b| {
                let events: Vec<domain::droplet::DropletEvent> =
                    proto::decode_events(&b.events).unwrap_or_default();
                events.iter().any(|e| match e {
                    domain::droplet::DropletEvent::CreationRequested(c) => {
                        c.node_of.is_some_and(|n| n.cluster_id == cluster)
                    }
                    _ => false,
                })
            })
            .count()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_answers_202_and_the_pools_provision() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let response = app
        .post("/api/v1/clusters", MEMBER)
        .json(&cluster_body("prod-1", &[2, 1]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let headers = response.headers().clone();
    let body: ClusterAccepted = conforms(&response.json().await.unwrap());
    let id = body.cluster.id;
    let operation = body.operation.expect("an operation");
    assert_eq!(operation.operation_type, "cluster.create");
    assert!(!operation.done);
    assert_eq!(body.cluster.status.state, "provisioning");
    assert_eq!(body.cluster.node_pools.len(), 2);
    assert_eq!(
        headers["location"],
        format!("/api/v1/clusters/{id}").as_str()
    );
    assert_eq!(
        headers["operation-location"],
        format!("/api/v1/operations/{}", operation.id).as_str()
    );
    assert!(headers.contains_key("retry-after"));
    assert!(headers.contains_key("consistency-token"));

    let cluster = app.running_with(id, 3).await;
    let nodes = app.live_nodes(id);
    for pool in &cluster.pools {
        let mine = nodes
            .iter()
            .filter(|n| n.node_of.is_some_and(|o| o.node_pool_id == pool.id))
            .count();
        assert_eq!(mine as u32, pool.count, "pool {}", pool.name);
    }
    assert_eq!(TestApp::node_creates(&log, id), 3, "one create per node");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_cluster_bodies_are_422_with_pointers_and_write_nothing() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let cases = [
        (
            json!({"name": "c", "region": "nyc1"}),
            "#/node_pools",
            "INVALID_NODE_POOLS",
        ),
        (
            json!({"name": "c", "region": "nyc1", "node_pools": []}),
            "#/node_pools",
            "INVALID_NODE_POOLS",
        ),
        (
            json!({"name": "c", "region": "nyc1", "node_pools": [{"name": "p", "size": "s-2vcpu-4gb", "count": 0}]}),
            "#/node_pools/0/count",
            "INVALID_COUNT",
        ),
        (
            json!({"name": "c", "region": "nyc1", "node_pools": [{"name": "p", "size": "s-huge", "count": 1}]}),
            "#/node_pools/0/size",
            "UNKNOWN_SIZE",
        ),
        (
            json!({"name": "c", "region": "atlantis", "node_pools": [{"name": "p", "size": "s-2vcpu-4gb", "count": 1}]}),
            "#/region",
            "UNKNOWN_REGION",
        ),
        (
            json!({"name": "-bad-", "region": "nyc1", "node_pools": [{"name": "p", "size": "s-2vcpu-4gb", "count": 1}]}),
            "#/name",
            "INVALID_NAME",
        ),
        (
            json!({"id": "x", "name": "c", "region": "nyc1", "node_pools": [{"name": "p", "size": "s-2vcpu-4gb", "count": 1}]}),
            "#/id",
            "READ_ONLY_FIELD",
        ),
        (
            json!({"name": "c", "region": "nyc1", "node_pools": [{"name": "p", "size": "s-2vcpu-4gb", "count": 1, "colour": "red"}]}),
            "#/node_pools/0/colour",
            "UNKNOWN_FIELD",
        ),
    ];
    for (body, pointer, code) in cases {
        let response = app
            .post("/api/v1/clusters", MEMBER)
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422, "VALIDATION_FAILED").await;
        let errors = problem["errors"].as_array().expect("errors");
        assert!(
            errors
                .iter()
                .any(|e| e["pointer"] == pointer && e["code"] == code),
            "{body} → {problem}"
        );
    }
    let wrong_type = app
        .post("/api/v1/clusters", MEMBER)
        .header("content-type", "text/plain")
        .body("name=c")
        .send()
        .await
        .unwrap();
    assert_problem(wrong_type, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    let viewer = app
        .post("/api/v1/clusters", VIEWER)
        .json(&cluster_body("c", &[1]))
        .send()
        .await
        .unwrap();
    assert_problem(viewer, 403, "PERMISSION_DENIED").await;
    let anonymous = app
        .client
        .post(format!("{}/api/v1/clusters", app.address))
        .json(&cluster_body("c", &[1]))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401, "UNAUTHENTICATED").await;
    let writes = log
        .records()
        .into_iter()
        .filter(|e| {
            matches!(
                e.value.as_deref().map(proto::decode_record),
                Some(Ok(domain::record::Record::Batch(_)))
            )
        })
        .count();
    assert_eq!(writes, 0, "no rejected request reached the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_unique_per_owner_and_patch_changes_metadata_only() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, created) = app.create_cluster("prod-1", &[1]).await;
    let again = app
        .post("/api/v1/clusters", MEMBER)
        .json(&cluster_body("prod-1", &[1]))
        .send()
        .await
        .unwrap();
    assert_problem(again, 409, "ALREADY_EXISTS").await;
    let other_owner = app
        .post("/api/v1/clusters", OTHER)
        .json(&cluster_body("prod-1", &[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(other_owner.status(), 202, "names are unique per owner only");

    let path = format!("/api/v1/clusters/{id}");
    let region = app
        .patch(&path, MEMBER)
        .json(&json!({"region": "sfo3"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(region, 422, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["code"], "IMMUTABLE_FIELD", "{problem}");
    assert_eq!(problem["errors"].as_array().unwrap().len(), 1, "{problem}");

    let version = created.cluster.version;
    let stale = app
        .patch(&path, MEMBER)
        .header("If-Match", format!("\"{}\"", version + 5))
        .json(&json!({"name": "prod-2"}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "PRECONDITION_FAILED").await;
    let renamed = app
        .patch(&path, MEMBER)
        .header("content-type", "application/merge-patch+json")
        .body(r#"{"name": "prod-2", "tags": ["team:a"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    let cluster: contract::cluster::Cluster = conforms(&renamed.json().await.unwrap());
    assert_eq!(cluster.name, "prod-2");
    assert_eq!(cluster.tags, vec!["team:a".to_owned()]);
    assert!(cluster.version > version);
    let hidden = app
        .patch(&path, OTHER)
        .json(&json!({"name": "mine"}))
        .send()
        .await
        .unwrap();
    assert_problem(hidden, 404, "NOT_FOUND").await;
    // The old name is free again once the rename settles.
    let reuse = platform::testing::eventually(Duration::from_secs(20), || async {
        app.post("/api/v1/clusters", MEMBER)
            .json(&cluster_body("prod-1", &[1]))
            .send()
            .await
            .is_ok_and(|r| r.status() == 202)
    })
    .await;
    assert!(reuse, "the released name can be taken again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pools_scale_up_and_down_and_a_replaced_node_is_new() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, created) = app.create_cluster("scale-1", &[2]).await;
    let pool_id = created.cluster.node_pools[0].id;
    let pool_path = format!("/api/v1/clusters/{id}/node_pools/{pool_id}");

    // Busy with cluster.create: a second operation is refused with its id.
    let locked = app
        .patch(&pool_path, MEMBER)
        .json(&json!({"count": 3}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(locked, 409, "RESOURCE_LOCKED").await;
    assert_eq!(
        problem["metadata"]["operation_id"],
        created.operation.as_ref().unwrap().id.to_string()
    );

    app.running_with(id, 2).await;
    let up = app
        .patch(&pool_path, MEMBER)
        .json(&json!({"count": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), 202);
    let up: NodePoolAccepted = conforms(&up.json().await.unwrap());
    assert_eq!(up.node_pool.count, 4);
    assert_eq!(up.operation.unwrap().operation_type, "node_pool.scale");
    app.running_with(id, 4).await;

    let down = app
        .patch(&pool_path, MEMBER)
        .json(&json!({"count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(down.status(), 202);
    app.running_with(id, 1).await;

    let node = app.live_nodes(id)[0].id;
    let replace = app
        .delete(&format!("{pool_path}/nodes/{node}?replace=true"), MEMBER)
        .send()
        .await
        .unwrap();
    assert_eq!(replace.status(), 202);
    let replace: NodePoolAccepted = conforms(&replace.json().await.unwrap());
    assert_eq!(replace.operation.unwrap().operation_type, "node.replace");
    app.running_with(id, 1).await;
    let now = app.live_nodes(id);
    assert_ne!(
        now[0].id, node,
        "the replaced node is gone, a new one serves"
    );
    assert_eq!(
        TestApp::node_creates(&log, id),
        5,
        "2 + 2 scaled up + 1 replacement"
    );

    let unknown = app
        .delete(&format!("{pool_path}/nodes/{}", Uuid::now_v7()), MEMBER)
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 404, "NOT_FOUND").await;
    let bad_count = app
        .patch(&pool_path, MEMBER)
        .json(&json!({"count": 1000}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(bad_count, 422, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["pointer"], "#/count", "{problem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pools_are_added_and_deleted_with_their_nodes() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, _) = app.create_cluster("pools-1", &[1]).await;
    app.running_with(id, 1).await;
    let add = app
        .post(&format!("/api/v1/clusters/{id}/node_pools"), MEMBER)
        .json(&json!({"name": "extra", "size": "s-1vcpu-2gb", "count": 2, "labels": {"tier": "batch"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(add.status(), 202);
    let location = add.headers()["location"].to_str().unwrap().to_owned();
    let added: NodePoolAccepted = conforms(&add.json().await.unwrap());
    assert_eq!(
        location,
        format!("/api/v1/clusters/{id}/node_pools/{}", added.node_pool.id)
    );
    assert_eq!(added.node_pool.labels["tier"], "batch");
    app.running_with(id, 3).await;

    let duplicate = app
        .post(&format!("/api/v1/clusters/{id}/node_pools"), MEMBER)
        .json(&json!({"name": "extra", "size": "s-1vcpu-2gb", "count": 1}))
        .send()
        .await
        .unwrap();
    assert_problem(duplicate, 409, "ALREADY_EXISTS").await;

    let delete = app
        .delete(
            &format!("/api/v1/clusters/{id}/node_pools/{}", added.node_pool.id),
            MEMBER,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), 202);
    let cluster = app.running_with(id, 1).await;
    assert_eq!(
        cluster.pools.len(),
        1,
        "the pool is gone once its nodes are"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_needs_if_match_and_cascades_to_every_node() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, _) = app.create_cluster("doomed", &[2, 1]).await;
    let cluster = app.running_with(id, 3).await;
    let path = format!("/api/v1/clusters/{id}");
    let bare = app.delete(&path, MEMBER).send().await.unwrap();
    assert_problem(bare, 428, "PRECONDITION_REQUIRED").await;
    let stale = app
        .delete(&path, MEMBER)
        .header("If-Match", format!("\"{}\"", cluster.version - 1))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "PRECONDITION_FAILED").await;
    let hidden = app
        .delete(&path, OTHER)
        .header("If-Match", format!("\"{}\"", cluster.version))
        .send()
        .await
        .unwrap();
    assert_problem(hidden, 404, "NOT_FOUND").await;
    let accepted = app
        .delete(&path, MEMBER)
        .header("If-Match", format!("\"{}\"", cluster.version))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202);
    let accepted: ClusterAccepted = conforms(&accepted.json().await.unwrap());
    assert_eq!(accepted.cluster.status.state, "deleting");
    assert_eq!(accepted.operation.unwrap().operation_type, "cluster.delete");
    app.settle("the cluster and its nodes deleted", |app| {
        let cluster = app.cluster(id)?;
        (cluster.status == Some(ClusterStatus::Deleted)
            && cluster.pending_operation.is_none()
            && app.live_nodes(id).is_empty())
        .then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_operation_can_be_cancelled_by_its_owner_only() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, created) = app.create_cluster("cancel-me", &[3]).await;
    let operation = created.operation.unwrap().id;
    let path = format!("/api/v1/operations/{operation}:cancel");
    let foreign = app.post(&path, OTHER).send().await.unwrap();
    let foreign = assert_problem(foreign, 409, "FAILED_PRECONDITION").await;
    let unknown = app
        .post(
            &format!("/api/v1/operations/{}:cancel", Uuid::now_v7()),
            MEMBER,
        )
        .send()
        .await
        .unwrap();
    let unknown = assert_problem(unknown, 409, "FAILED_PRECONDITION").await;
    assert_eq!(
        foreign["detail"], unknown["detail"],
        "someone else's operation reads like a missing one"
    );
    let cancel = app.post(&path, MEMBER).send().await.unwrap();
    assert_eq!(cancel.status(), 200);
    let answer: CancelRequested = conforms(&cancel.json().await.unwrap());
    assert_eq!(answer.id, operation);
    assert_eq!(
        (answer.done, answer.status.as_str()),
        (false, "running"),
        "recorded, not yet honoured"
    );
    // No simulated time passes, so no node can come up: the reconciler honours the
    // cancel before the creation could finish, and the cluster ends in `error`.
    let honoured = platform::testing::eventually(Duration::from_secs(20), || async {
        app.cluster(id).is_some_and(|c| {
            c.pending_operation.is_none() && c.status == Some(ClusterStatus::Error)
        })
    })
    .await;
    assert!(honoured, "the creation was cancelled");
    let malformed = app
        .post("/api/v1/operations/not-an-id:cancel", MEMBER)
        .send()
        .await
        .unwrap();
    assert_problem(malformed, 404, "NOT_FOUND").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_scale_creates_no_node_twice() {
    let log = Log::start();
    let first = spawn_app(&log).await;
    let (id, created) = first.create_cluster("restart-1", &[1]).await;
    let pool_id = created.cluster.node_pools[0].id;
    first.running_with(id, 1).await;
    let scale = first
        .patch(
            &format!("/api/v1/clusters/{id}/node_pools/{pool_id}"),
            MEMBER,
        )
        .json(&json!({"count": 6}))
        .send()
        .await
        .unwrap();
    assert_eq!(scale.status(), 202);
    // Stop as soon as the reconciler has started creating nodes, before it has finished.
    let started = platform::testing::eventually(Duration::from_secs(20), || async {
        TestApp::node_creates(&log, id) > 1
    })
    .await;
    assert!(started, "the reconciler started scaling");
    drop(first);
    let second = spawn_app(&log).await;
    second.running_with(id, 6).await;
    assert_eq!(
        TestApp::node_creates(&log, id),
        6,
        "every node was created exactly once across the restart"
    );
}
