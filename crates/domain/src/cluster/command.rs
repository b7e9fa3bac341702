//! Cluster commands: those a user sends (create, patch, pools, nodes, delete, cancel)
//! and those the node-pool reconciler sends when the droplets it drives reach a goal.
//! Already parsed and resolved against the catalog at the edge.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::catalog::Size;
use crate::name::ResourceName;
use crate::telemetry::load::Demand;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterCommand {
    Create(CreateCluster),
    /// `PATCH /clusters/{id}`: metadata only.
    Update {
        name: Option<ResourceName>,
        tags: Option<Vec<String>>,
        at: DateTime<Utc>,
    },
    AddPool {
        pool: PoolSpec,
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    /// `PATCH /clusters/{id}/node_pools/{pool_id}`: a count change scales the pool.
    UpdatePool {
        pool_id: Uuid,
        changes: PoolChanges,
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    /// The autoscaler's own scale of an `auto_scale` pool (api.md §13.2 step 9): the one
    /// way past `AUTOSCALE_OWNS_COUNT`; refused when the pool is not autoscaled or the
    /// count leaves `[min_nodes, max_nodes]`.
    AutoscalePool {
        pool_id: Uuid,
        count: u32,
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    DeletePool {
        pool_id: Uuid,
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    /// Remove (or replace) one node; the edge checked that it belongs to the pool.
    RemoveNode {
        pool_id: Uuid,
        node_id: Uuid,
        replace: bool,
        skip_drain: bool,
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    Delete {
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    /// `PUT /clusters/{id}/demand`: the load the telemetry simulator offers the cluster.
    /// Simulated load, not infrastructure: synchronous, never takes the operation lock.
    SetDemand {
        demand: Demand,
        at: DateTime<Utc>,
    },
    RequestCancel {
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    /// Reconciler: every pool has its nodes running for the first time.
    MarkRunning {
        at: DateTime<Utc>,
    },
    /// Reconciler: a pool is short of running nodes, or a node is stuck.
    MarkDegraded {
        message: String,
        at: DateTime<Utc>,
    },
    MarkRecovered {
        at: DateTime<Utc>,
    },
    /// Reconciler: provisioning did not finish in time.
    MarkFailed {
        message: String,
        at: DateTime<Utc>,
    },
    /// Reconciler: the pending operation reached its goal.
    CompleteOperation {
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    /// Reconciler: a cancel was requested and honoured; a scale settles at `settle_count`.
    ConfirmCancel {
        operation_id: Uuid,
        settle_count: Option<u32>,
        at: DateTime<Utc>,
    },
    /// Reconciler: every node of the cluster is gone.
    CompleteDeletion {
        at: DateTime<Utc>,
    },
    MarkNameReleased {
        name: ResourceName,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateCluster {
    pub id: Uuid,
    pub owner: String,
    pub name: ResourceName,
    pub region: String,
    pub kube_version: String,
    pub pools: Vec<PoolSpec>,
    pub tags: Vec<String>,
    pub operation_id: Uuid,
    pub at: DateTime<Utc>,
}

/// A new node pool, resolved against the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSpec {
    pub id: Uuid,
    pub name: ResourceName,
    pub size: Size,
    pub count: u32,
    pub auto_scale: bool,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<String>,
    pub tags: Vec<String>,
}

/// A merge-patch of a pool: absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PoolChanges {
    pub count: Option<u32>,
    pub labels: Option<BTreeMap<String, String>>,
    pub auto_scale: Option<bool>,
    pub min_nodes: Option<u32>,
    pub max_nodes: Option<u32>,
}

impl ClusterCommand {
    pub fn action(&self) -> &'static str {
        match self {
            Self::Create(_) => "create",
            Self::Update { .. } => "update",
            Self::AddPool { .. } => "add_node_pool",
            Self::UpdatePool { .. } => "update_node_pool",
            Self::AutoscalePool { .. } => "autoscale_node_pool",
            Self::DeletePool { .. } => "delete_node_pool",
            Self::RemoveNode { .. } => "delete_node",
            Self::Delete { .. } => "delete",
            Self::SetDemand { .. } => "set_demand",
            Self::RequestCancel { .. } => "cancel",
            Self::MarkRunning { .. } => "mark_running",
            Self::MarkDegraded { .. } => "mark_degraded",
            Self::MarkRecovered { .. } => "mark_recovered",
            Self::MarkFailed { .. } => "mark_failed",
            Self::CompleteOperation { .. } => "complete_operation",
            Self::ConfirmCancel { .. } => "confirm_cancel",
            Self::CompleteDeletion { .. } => "complete_deletion",
            Self::MarkNameReleased { .. } => "release_name",
        }
    }

    /// A user's mutation, refused while another operation holds the cluster.
    pub fn takes_the_lock(&self) -> bool {
        matches!(
            self,
            Self::AddPool { .. }
                | Self::UpdatePool { .. }
                | Self::AutoscalePool { .. }
                | Self::DeletePool { .. }
                | Self::RemoveNode { .. }
        )
    }
}
