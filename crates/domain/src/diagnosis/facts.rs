//! What the rule engine judges: the projected facts of one cluster, gathered by the caller
//! from the write model (pools, live nodes), the sample window (health and per-pool means)
//! and the jobs. Plain values only, so a test crafts any state in a few lines.

use chrono::Duration;
use uuid::Uuid;

use crate::telemetry::health::Health;

/// One live node of a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFacts {
    pub id: Uuid,
    pub name: String,
}

/// Mean of every sample of the pool's nodes in the window, per type; `None` when the
/// window holds no sample of that type for the pool.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PoolMeans {
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub disk: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoolFacts {
    pub id: Uuid,
    pub name: String,
    pub size_slug: String,
    /// The desired number of nodes.
    pub count: u32,
    pub auto_scale: bool,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub nodes: Vec<NodeFacts>,
    pub means: PoolMeans,
}

/// What the autoscaler reported about the cluster. Left open: the autoscaler is wired
/// separately, and the caller passes `None` until it is (no rule reads it yet).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AutoscalerFacts {
    /// Pools whose last decision was limited by their bounds (`ScalingLimited`).
    pub limited_pools: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClusterFacts {
    pub cluster_id: Uuid,
    pub cluster_name: String,
    pub region: String,
    pub pools: Vec<PoolFacts>,
    /// `telemetry::health::evaluate` over the latest samples.
    pub health: Health,
    /// The window `health` was evaluated over.
    pub health_window: Duration,
    /// The window the pool means cover.
    pub means_window: Duration,
    /// Jobs about this cluster waiting to run and dead-lettered.
    pub queued_jobs: u32,
    pub dead_jobs: u32,
    pub autoscaler: Option<AutoscalerFacts>,
}

impl ClusterFacts {
    /// Live nodes over every pool.
    pub fn node_count(&self) -> usize {
        self.pools.iter().map(|p| p.nodes.len()).sum()
    }

    /// The pool a node belongs to.
    pub fn pool_of(&self, node_id: Uuid) -> Option<(&PoolFacts, &NodeFacts)> {
        self.pools
            .iter()
            .find_map(|p| p.nodes.iter().find(|n| n.id == node_id).map(|n| (p, n)))
    }
}
