//! Cluster events: past-tense facts about the cluster and its pools, each carrying the
//! operation it belongs to, so the Operation read model and the timeline copy them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::name::ResourceName;
use crate::telemetry::load::Demand;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterEvent {
    Created(ClusterCreated),
    Renamed {
        name: ResourceName,
        previous: Option<ResourceName>,
        at: DateTime<Utc>,
    },
    TagsChanged {
        tags: Vec<String>,
        at: DateTime<Utc>,
    },
    PoolAdded {
        pool: PoolFacts,
        operation_id: Option<Uuid>,
        at: DateTime<Utc>,
    },
    /// Pool metadata after a patch (every patchable field, new values).
    PoolUpdated {
        pool_id: Uuid,
        labels: BTreeMap<String, String>,
        auto_scale: bool,
        min_nodes: u32,
        max_nodes: u32,
        /// Set when the patch was the whole operation (no count change).
        operation_id: Option<Uuid>,
        at: DateTime<Utc>,
    },
    PoolScaleRequested {
        pool_id: Uuid,
        from: u32,
        to: u32,
        operation_id: Option<Uuid>,
        at: DateTime<Utc>,
    },
    PoolDeletionRequested {
        pool_id: Uuid,
        operation_id: Option<Uuid>,
        at: DateTime<Utc>,
    },
    PoolDeleted {
        pool_id: Uuid,
        at: DateTime<Utc>,
    },
    NodeRemovalRequested {
        pool_id: Uuid,
        node_id: Uuid,
        replace: bool,
        skip_drain: bool,
        /// The pool's desired count afterwards (one fewer unless replacing).
        count: u32,
        operation_id: Option<Uuid>,
        at: DateTime<Utc>,
    },
    NodeRemoved {
        pool_id: Uuid,
        node_id: Uuid,
        at: DateTime<Utc>,
    },
    OperationCompleted {
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    BecameRunning {
        /// The creation this ends, the first time.
        operation_id: Option<Uuid>,
        at: DateTime<Utc>,
    },
    Degraded {
        message: String,
        at: DateTime<Utc>,
    },
    Recovered {
        at: DateTime<Utc>,
    },
    Failed {
        message: String,
        operation_id: Option<Uuid>,
        at: DateTime<Utc>,
    },
    DeletionRequested {
        operation_id: Option<Uuid>,
        /// The operation the deletion pre-empted.
        superseded: Option<Uuid>,
        at: DateTime<Utc>,
    },
    Deleted {
        operation_id: Option<Uuid>,
        at: DateTime<Utc>,
    },
    CancelRequested {
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    OperationCancelled {
        operation_id: Uuid,
        reason: String,
        at: DateTime<Utc>,
    },
    NameReleased {
        name: ResourceName,
        at: DateTime<Utc>,
    },
    /// The simulator's demand for this cluster from now on (replaces the default).
    DemandSet {
        demand: Demand,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterCreated {
    pub id: Uuid,
    pub owner: String,
    pub name: ResourceName,
    pub region: String,
    pub kube_version: String,
    pub pools: Vec<PoolFacts>,
    pub tags: Vec<String>,
    pub operation_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

/// A pool as created: its size resolved to resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolFacts {
    pub id: Uuid,
    pub name: ResourceName,
    pub size_slug: String,
    pub vcpus: u32,
    pub memory_mb: u32,
    pub disk_gb: u32,
    pub count: u32,
    pub auto_scale: bool,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<String>,
    pub tags: Vec<String>,
}

impl ClusterEvent {
    /// Stable type name stored on the wire; never rename one.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Created(_) => "cluster.created",
            Self::Renamed { .. } => "cluster.renamed",
            Self::TagsChanged { .. } => "cluster.tags_changed",
            Self::PoolAdded { .. } => "cluster.node_pool_added",
            Self::PoolUpdated { .. } => "cluster.node_pool_updated",
            Self::PoolScaleRequested { .. } => "cluster.node_pool_scale_requested",
            Self::PoolDeletionRequested { .. } => "cluster.node_pool_deletion_requested",
            Self::PoolDeleted { .. } => "cluster.node_pool_deleted",
            Self::NodeRemovalRequested { .. } => "cluster.node_removal_requested",
            Self::NodeRemoved { .. } => "cluster.node_removed",
            Self::OperationCompleted { .. } => "cluster.operation_completed",
            Self::BecameRunning { .. } => "cluster.running",
            Self::Degraded { .. } => "cluster.degraded",
            Self::Recovered { .. } => "cluster.recovered",
            Self::Failed { .. } => "cluster.failed",
            Self::DeletionRequested { .. } => "cluster.deletion_requested",
            Self::Deleted { .. } => "cluster.deleted",
            Self::CancelRequested { .. } => "cluster.cancel_requested",
            Self::OperationCancelled { .. } => "cluster.operation_cancelled",
            Self::NameReleased { .. } => "cluster.name_released",
            Self::DemandSet { .. } => "cluster.demand_set",
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Created(c) => c.at,
            Self::Renamed { at, .. }
            | Self::TagsChanged { at, .. }
            | Self::PoolAdded { at, .. }
            | Self::PoolUpdated { at, .. }
            | Self::PoolScaleRequested { at, .. }
            | Self::PoolDeletionRequested { at, .. }
            | Self::PoolDeleted { at, .. }
            | Self::NodeRemovalRequested { at, .. }
            | Self::NodeRemoved { at, .. }
            | Self::OperationCompleted { at, .. }
            | Self::BecameRunning { at, .. }
            | Self::Degraded { at, .. }
            | Self::Recovered { at }
            | Self::Failed { at, .. }
            | Self::DeletionRequested { at, .. }
            | Self::Deleted { at, .. }
            | Self::CancelRequested { at, .. }
            | Self::OperationCancelled { at, .. }
            | Self::NameReleased { at, .. }
            | Self::DemandSet { at, .. } => *at,
        }
    }
}
