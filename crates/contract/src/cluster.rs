//! The cluster and its node pools (api.md §10, §12.2). A pool inside a cluster is a
//! summary; read on its own it also carries its nodes and their counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::droplet::Node;

/// A Kubernetes cluster: node pools of droplets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    #[schema(example = "cluster")]
    pub kind: String,
    pub id: Uuid,
    pub version: u64,
    #[schema(example = "prod-1")]
    pub name: String,
    #[schema(example = "nyc1")]
    pub region: String,
    #[schema(example = "1.31.1-do.0")]
    pub kube_version: String,
    pub status: ClusterStatus,
    pub node_pools: Vec<NodePool>,
    pub tags: Vec<String>,
    #[schema(required = true)]
    pub pending_operation_id: Option<Uuid>,
    /// The telemetry simulator's demand set with `PUT /clusters/{id}/demand`; `null`
    /// means the simulator's configured default (`[node_metrics]`).
    #[schema(required = true)]
    pub demand: Option<Demand>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub delete_time: Option<String>,
}

/// The load the telemetry simulator offers a cluster (`PUT /clusters/{id}/demand`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// 0–100: percent of three nodes' capacity; a node's CPU is about `level × 3 / nodes`.
    #[schema(example = 70, minimum = 0, maximum = 100)]
    pub level: u8,
    /// `calm`, `spike` (CPU over 80 % in ticks 6–8 of every 12), `leak` (memory then disk
    /// climb past their thresholds) or `flapping` (CPU alternates around 80 %).
    #[schema(example = "spike")]
    pub profile: String,
}

/// Derived as api.md §12.2 says from the pools and their nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterStatus {
    /// `provisioning`, `running`, `degraded`, `deleting`, `deleted` or `error`.
    #[schema(example = "running")]
    pub state: String,
    pub message: String,
}

/// A group of identical nodes; `count` is the desired number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePool {
    #[schema(example = "node_pool")]
    pub kind: String,
    pub id: Uuid,
    pub cluster_id: Uuid,
    #[schema(example = "workers")]
    pub name: String,
    /// The size slug of every node.
    #[schema(example = "s-2vcpu-4gb")]
    pub size: String,
    pub count: u32,
    pub auto_scale: bool,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<String>,
    pub tags: Vec<String>,
    /// `active`, `scaling` or `deleting`.
    pub status: String,
    /// Present when the pool is read on its own or listed under its cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<Node>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_counts: Option<NodeCounts>,
}

/// Counted from the droplet read model, never kept by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeCounts {
    pub total: u32,
    pub running: u32,
    pub desired: u32,
}

/// One entry of a cluster's timeline (`GET /clusters/{id}/events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterEvent {
    #[schema(example = "cluster_event")]
    pub kind: String,
    pub id: Uuid,
    #[serde(rename = "type")]
    #[schema(example = "node_pool.scaled")]
    pub event_type: String,
    pub subject: Reference,
    pub message: String,
    #[schema(required = true)]
    pub operation_id: Option<Uuid>,
    #[schema(format = DateTime)]
    pub occurred_at: String,
}

/// `{kind, id}` of a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    #[schema(example = "cluster")]
    pub kind: String,
    pub id: Uuid,
}
