//! The cluster's state: the cluster and its node pools (entities inside the aggregate),
//! folded from events. Nodes are droplets, not listed here: counts always come from the
//! droplets themselves (write model or projection), never from a hand-kept list.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::name::ResourceName;
use crate::operation::PendingOperation;
use crate::telemetry::load::Demand;

/// `status.state` of api.md §12.2 (DO's enum; `upgrading` is not built yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClusterStatus {
    Provisioning,
    Running,
    Degraded,
    Deleting,
    Deleted,
    Error,
}

impl ClusterStatus {
    pub const ALL: [Self; 6] = [
        Self::Provisioning,
        Self::Running,
        Self::Degraded,
        Self::Deleting,
        Self::Deleted,
        Self::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Provisioning => "provisioning",
            Self::Running => "running",
            Self::Degraded => "degraded",
            Self::Deleting => "deleting",
            Self::Deleted => "deleted",
            Self::Error => "error",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// A node pool's own status (ours; DO has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PoolStatus {
    Active,
    Scaling,
    Deleting,
}

impl PoolStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Scaling => "scaling",
            Self::Deleting => "deleting",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Active, Self::Scaling, Self::Deleting]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// A node the user asked to remove (or replace); the reconciler drains and deletes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeRemoval {
    pub node_id: Uuid,
    pub replace: bool,
    pub skip_drain: bool,
}

/// A node pool: its desired size and the shape of its nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePool {
    pub id: Uuid,
    pub name: ResourceName,
    pub size_slug: String,
    pub vcpus: u32,
    pub memory_mb: u32,
    pub disk_gb: u32,
    /// The desired number of nodes.
    pub count: u32,
    pub auto_scale: bool,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<String>,
    pub tags: Vec<String>,
    pub status: PoolStatus,
    pub removing: Vec<NodeRemoval>,
}

/// What the pending operation is about, beyond the cluster itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationScope {
    Cluster,
    Pool(Uuid),
    Node { pool_id: Uuid, node_id: Uuid },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cluster {
    pub id: Uuid,
    pub owner: String,
    pub name: ResourceName,
    pub region: String,
    pub kube_version: String,
    pub tags: Vec<String>,
    pub status: Option<ClusterStatus>,
    pub status_message: String,
    pub pools: Vec<NodePool>,
    pub pending_operation: Option<PendingOperation>,
    pub pending_scope: Option<OperationScope>,
    pub names_to_release: Vec<ResourceName>,
    /// The simulator's demand set through the API; `None` = the configured default.
    pub demand: Option<Demand>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub delete_time: Option<DateTime<Utc>>,
    pub version: u64,
}

impl Cluster {
    pub fn exists(&self) -> bool {
        self.status.is_some()
    }

    pub fn locked(&self) -> bool {
        self.pending_operation.is_some()
    }

    pub fn pool(&self, id: Uuid) -> Option<&NodePool> {
        self.pools.iter().find(|p| p.id == id)
    }

    pub(super) fn pool_mut(&mut self, id: Uuid) -> Option<&mut NodePool> {
        self.pools.iter_mut().find(|p| p.id == id)
    }

    /// Whether nodes should exist: the cluster is neither going away nor gone.
    pub fn is_live(&self) -> bool {
        matches!(
            self.status,
            Some(ClusterStatus::Provisioning | ClusterStatus::Running | ClusterStatus::Degraded)
        )
    }
}
