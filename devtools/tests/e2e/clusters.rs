//! The cluster lifecycle end to end, over HTTP only, on real MariaDB, Redis and Apache
//! Kafka: create a cluster with two pools → its nodes become active → scale a pool up and
//! down → replace a node → delete the cluster with `If-Match` → everything is gone, every
//! operation reports `succeeded`, every node that ran is in the cluster's cost, and a
//! replay of the log from offset 0 into an empty database gives byte-identical tables
//! (billing's `usage_interval` included). Every body read is held to the published contract.

use std::collections::BTreeSet;
use std::time::Duration;

use contract::billing::ClusterCost;
use contract::cluster::{Cluster, NodePool};
use contract::envelope::{ClusterAccepted, NodePoolAccepted, NodePoolPage, OperationPage};
use contract::operation::Operation;
use devtools::stack::{Stack, StackOptions};
use platform::testing::{conforms, eventually_some, table_checksums};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

const TABLES: [&str; 7] = [
    "droplet",
    "usage_interval",
    "cluster",
    "operation",
    "cluster_event",
    "node_membership",
    "projected_aggregate",
];

async fn read(stack: &Stack, path: &str) -> Option<Value> {
    let response = stack.query(path).send().await.ok()?;
    (response.status() == 200).then_some(())?;
    response.json().await.ok()
}

/// Polls `check` on query-api's answers while simulated time moves on.
async fn until<T>(stack: &Stack, what: &str, check: impl AsyncFn(&Stack) -> Option<T>) -> T {
    let found = eventually_some(Duration::from_secs(90), || async {
        stack.clock.advance(chrono::Duration::milliseconds(250));
        check(stack).await
    })
    .await;
    found.unwrap_or_else(|| panic!("{what} did not happen in time"))
}

/// The pools (with their nodes) once every pool runs exactly its desired count.
async fn settled_pools(stack: &Stack, cluster: Uuid, expected: &[u32]) -> Vec<NodePool> {
    let path = format!("/api/v1/clusters/{cluster}/node_pools");
    until(stack, &format!("pools at {expected:?}"), async |stack| {
        let page: NodePoolPage = conforms(&read(stack, &path).await?);
        let counts: Vec<u32> = page
            .node_pools
            .iter()
            .map(|p| p.node_counts.as_ref().map_or(u32::MAX, |c| c.running))
            .collect();
        let total_matches = page.node_pools.iter().all(|p| {
            p.node_counts
                .as_ref()
                .is_some_and(|c| c.total == c.desired && c.running == c.desired)
        });
        (counts == expected && total_matches).then_some(page.node_pools)
    })
    .await
}

async fn finished(stack: &Stack, operation: Uuid) -> Operation {
    let path = format!("/api/v1/operations/{operation}");
    until(
        stack,
        &format!("operation {operation} done"),
        async |stack| {
            let operation: Operation = conforms(&read(stack, &path).await?);
            operation.done.then_some(operation)
        },
    )
    .await
}

async fn patch_pool(stack: &Stack, cluster: Uuid, pool: Uuid, count: u32) -> Uuid {
    let response = stack
        .command(
            Method::PATCH,
            &format!("/api/v1/clusters/{cluster}/node_pools/{pool}"),
        )
        .json(&json!({ "count": count }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let accepted: NodePoolAccepted = conforms(&response.json().await.unwrap());
    let operation = accepted.operation.expect("a scale operation");
    assert_eq!(operation.operation_type, "node_pool.scale");
    operation.id
}

fn node_ids(pools: &[NodePool]) -> BTreeSet<Uuid> {
    pools
        .iter()
        .flat_map(|p| p.nodes.iter().flatten().map(|n| n.id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cluster_lives_and_dies_and_its_replay_is_identical() {
    let mut stack = Stack::start(StackOptions::default()).await.unwrap();
    let mut operations = Vec::new();

    // Create with two pools.
    let body = json!({"name": "e2e-cluster", "region": "nyc1", "node_pools": [
        {"name": "web", "size": "s-2vcpu-4gb", "count": 2},
        {"name": "jobs", "size": "s-1vcpu-2gb", "count": 1},
    ]});
    let response = stack
        .command(Method::POST, "/api/v1/clusters")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let created: ClusterAccepted = conforms(&response.json().await.unwrap());
    let id = created.cluster.id;
    operations.push(created.operation.expect("cluster.create").id);
    let pools = settled_pools(&stack, id, &[2, 1]).await;
    assert_eq!(finished(&stack, operations[0]).await.status, "succeeded");
    // The cluster's row and its operation's row are separate read models, each visible
    // when its own batch is projected (and cached): wait for the cluster's, with a deadline.
    let path = format!("/api/v1/clusters/{id}");
    let cluster: Cluster = until(&stack, "the cluster to read as running", async |stack| {
        let cluster: Cluster = conforms(&read(stack, &path).await?);
        (cluster.status.state == "running").then_some(cluster)
    })
    .await;
    assert_eq!(cluster.status.state, "running");
    let web = pools.iter().find(|p| p.name == "web").expect("web pool").id;

    // Scale up, then down.
    operations.push(patch_pool(&stack, id, web, 4).await);
    settled_pools(&stack, id, &[4, 1]).await;
    assert_eq!(finished(&stack, operations[1]).await.status, "succeeded");
    operations.push(patch_pool(&stack, id, web, 1).await);
    let pools = settled_pools(&stack, id, &[1, 1]).await;
    assert_eq!(finished(&stack, operations[2]).await.status, "succeeded");

    // Replace the web node: a new node takes its place, the pool keeps its count.
    let before = node_ids(&pools);
    let old = pools
        .iter()
        .find(|p| p.id == web)
        .unwrap()
        .nodes
        .as_ref()
        .unwrap()[0]
        .id;
    let response = stack
        .command(
            Method::DELETE,
            &format!("/api/v1/clusters/{id}/node_pools/{web}/nodes/{old}?replace=true"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let replaced: NodePoolAccepted = conforms(&response.json().await.unwrap());
    operations.push(replaced.operation.expect("node.replace").id);
    assert_eq!(finished(&stack, operations[3]).await.status, "succeeded");
    let after = node_ids(&settled_pools(&stack, id, &[1, 1]).await);
    assert!(!after.contains(&old), "the replaced node is gone");
    assert_eq!(before.difference(&after).count(), 1);

    // Every node bills as the droplet it is: the cluster's cost lists each one that ran.
    let cost_path = format!("/api/v1/clusters/{id}/cost");
    let ran: BTreeSet<Uuid> = before.union(&after).copied().collect();
    let cost: ClusterCost = until(&stack, "every node in the cluster's cost", async |stack| {
        let cost: ClusterCost = conforms(&read(stack, &cost_path).await?);
        let billed: BTreeSet<Uuid> = cost.resources.iter().map(|r| r.resource_id).collect();
        ran.is_subset(&billed).then_some(cost)
    })
    .await;
    assert_ne!(cost.month_to_date, "0.00", "a minimum charge at least");
    assert_ne!(cost.burn_rate_hourly, "0.00", "two nodes still run");

    // The timeline tells the story.
    let timeline = read(
        &stack,
        &format!("/api/v1/clusters/{id}/events?page_size=200"),
    )
    .await
    .unwrap();
    let timeline: contract::envelope::ClusterEventPage = conforms(&timeline);
    assert!(timeline.meta.total >= 8, "{} entries", timeline.meta.total);

    // Delete with If-Match: the cluster and every node go.
    let response = stack
        .query(&format!("/api/v1/clusters/{id}"))
        .send()
        .await
        .unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let bare = stack
        .command(Method::DELETE, &format!("/api/v1/clusters/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 428);
    let response = stack
        .command(Method::DELETE, &format!("/api/v1/clusters/{id}"))
        .header("If-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let deleting: ClusterAccepted = conforms(&response.json().await.unwrap());
    operations.push(deleting.operation.expect("cluster.delete").id);
    assert_eq!(finished(&stack, operations[4]).await.status, "succeeded");
    let every_node: BTreeSet<Uuid> = before.union(&after).copied().collect();
    until(&stack, "every node deleted", async |stack| {
        for node in &every_node {
            if let Some(droplet) = read(stack, &format!("/api/v1/droplets/{node}")).await {
                let droplet: contract::droplet::Droplet = conforms(&droplet);
                (droplet.status == "deleted").then_some(())?;
            }
        }
        Some(())
    })
    .await;
    let gone: Cluster = conforms(
        &read(&stack, &format!("/api/v1/clusters/{id}"))
            .await
            .unwrap(),
    );
    assert_eq!(gone.status.state, "deleted");
    let listed = read(&stack, "/api/v1/clusters").await.unwrap();
    assert_eq!(
        listed["meta"]["total"], 0,
        "a deleted cluster is not listed"
    );

    // Every operation the user started succeeded, as the list says too.
    let page: OperationPage = conforms(
        &read(&stack, "/api/v1/operations?page_size=200")
            .await
            .unwrap(),
    );
    for operation in &operations {
        let listed = page.operations.iter().find(|o| o.id == *operation);
        assert_eq!(
            listed.map(|o| o.status.as_str()),
            Some("succeeded"),
            "{operation}"
        );
    }

    // The read models are a pure function of the log.
    let live = sqlx::MySqlPool::connect(&stack.database_url).await.unwrap();
    stack.wait_projected(&live).await.unwrap();
    let replay = stack.clean_replay().await.expect("clean replay");
    assert_eq!(
        table_checksums(&live, &TABLES).await,
        table_checksums(&replay, &TABLES).await
    );
}
