//! What one evaluation tick looks at (api.md §13.2), gathered by the caller beforehand:
//! the pool's nodes with their latest samples, the recommendation and scaling histories,
//! whether a scale is in flight, the node price, and `now`. Plain values; must never be
//! filled in here from a clock, a database or a catalog.

use chrono::{DateTime, Utc};

use crate::autoscale::policy::{MetricKind, Policy};

/// The lifecycle state of a node as the autoscaler sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    Provisioning,
    Running,
    Draining,
    Deleting,
}

/// One observation of a metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub metric: MetricKind,
    pub value: f64,
    pub at: DateTime<Utc>,
}

/// A node of the pool with its recent samples (any order; the latest per metric counts).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeView {
    pub state: NodeState,
    /// When it became ready; `None` while it never was.
    pub ready_at: Option<DateTime<Utc>>,
    pub samples: Vec<Sample>,
}

/// A past tick's recommendation, kept for the stabilization windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recommendation {
    pub at: DateTime<Utc>,
    pub count: u32,
}

/// How a scaling event ended (`ScalingEvent.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleStatus {
    InProgress,
    Success,
    Error,
}

/// A past scaling event of the pool, for the rate rules, delays and cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleEvent {
    pub from: u32,
    pub to: u32,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: ScaleStatus,
}

impl ScaleEvent {
    pub fn is_up(&self) -> bool {
        self.to > self.from
    }
}

/// Everything one tick decides from.
#[derive(Debug, Clone, Copy)]
pub struct TickInput<'a> {
    pub policy: &'a Policy,
    /// The pool's desired `count` now.
    pub pool_count: u32,
    pub nodes: &'a [NodeView],
    /// Pool-wide samples: the queued-jobs count behind `jobs_backlog_per_node`.
    pub pool_samples: &'a [Sample],
    /// A `node_pool.scale` operation of this pool is still running.
    pub scale_in_flight: bool,
    pub recommendations: &'a [Recommendation],
    pub scale_events: &'a [ScaleEvent],
    pub now: DateTime<Utc>,
    /// Monthly price of one node of the pool's size in micro-USD, from the catalog.
    pub price_monthly_micro: u64,
}
