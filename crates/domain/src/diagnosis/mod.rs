//! Diagnosis (api.md §15, features.md §2.5): a rule engine over the projected facts of one
//! cluster (`facts.rs`) that yields insights with evidence and a machine-actionable
//! recommendation (`rules.rs`), and the `Diagnosis` aggregate that records one run
//! (`aggregate.rs`). Pure: the caller gathers the facts (write model, sample window, jobs)
//! and renders the insights; nothing here reads a clock, does IO or serializes.

mod aggregate;
pub mod facts;
pub mod rules;
#[cfg(test)]
mod tests;

pub use aggregate::{
    Diagnosis, DiagnosisCommand, DiagnosisError, DiagnosisEvent, Recorded, Trigger,
};
pub use facts::{AutoscalerFacts, ClusterFacts, NodeFacts, PoolFacts, PoolMeans};
pub use rules::diagnose;

use uuid::Uuid;

/// clusterlint's scale, worst first (`Ord`: `Error < Warning < Suggestion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Suggestion,
}

impl Severity {
    pub const ALL: [Self; 3] = [Self::Error, Self::Warning, Self::Suggestion];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Suggestion => "suggestion",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// What an insight measured: the metric, the value seen, the limit it was judged by and
/// the window it was seen over (`10m`, or `now` for a point-in-time count).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub metric: String,
    pub value: f64,
    pub threshold: f64,
    pub window: String,
}

/// The resource an insight is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// `cluster`, `node_pool` or `node`.
    pub kind: String,
    pub id: Uuid,
    pub name: String,
}

/// A change the user (or a job) can make to follow a recommendation. Rendered as the
/// request the SPA shows (`request_hint`) and, where a job type exists for it, as a
/// `POST /jobs` body (`job_request`) — by the caller, which owns the HTTP shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Set a pool's desired count (`PATCH` the pool; job `scale` with `desired`).
    ScalePool { pool_id: Uuid, count: u32 },
    /// Let the autoscaler go higher: raise an auto-scaled pool's `max_nodes`.
    RaiseMaxNodes { pool_id: Uuid, max_nodes: u32 },
    /// Turn the autoscaler on for a pool within bounds.
    EnableAutoscaling {
        pool_id: Uuid,
        min_nodes: u32,
        max_nodes: u32,
    },
    /// Add a pool (a first one, or one of a larger size beside a starved one).
    AddPool {
        name: String,
        size: String,
        count: u32,
    },
}

/// What to do about an insight: a stable action name and, when one request does it, the
/// change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    pub action: String,
    pub change: Option<Change>,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Insight {
    /// The rule's stable name, e.g. `pool_cpu_saturation`.
    pub check: String,
    /// `capacity`, `redundancy`, `health`, `observability`, `jobs` or `general`.
    pub category: String,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    pub evidence: Option<Evidence>,
    pub object: ObjectRef,
    pub recommendation: Recommendation,
}
