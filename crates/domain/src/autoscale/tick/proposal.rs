//! Steps 2 and 3, *per-metric proposal* and *combine*: the HPA ratio with its tolerance,
//! the conservative recompute over nodes without a usable sample, and the maximum over
//! metrics. Must never propose a scale-down from a metric it could not compute.

use super::gather::{Gathered, latest_fresh};
use super::input::TickInput;
use crate::autoscale::policy::{MetricKind, MetricTarget, Policy};

/// What one metric proposes, for the decision log.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub metric: MetricKind,
    /// `mean / target` over the nodes with a sample; `None` when it could not be computed.
    pub ratio: Option<f64>,
    /// The conservative ratio, when the tolerance did not already settle it.
    pub adjusted_ratio: Option<f64>,
    /// Nodes of `C` without a usable sample (missing, stale or still warming up).
    pub nodes_without_sample: u32,
    /// The node count this metric asks for; `None` when it could not be computed.
    pub count: Option<u32>,
}

// Floating-point sums such as 3 × 0.3 / 0.6 land a hair above a whole number; a
// proposal must not gain a node from rounding noise.
const EPSILON: f64 = 1e-9;

fn ceil_count(nodes: f64) -> u32 {
    let rounded = (nodes - EPSILON).ceil().max(0.0);
    if rounded >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        rounded as u32
    }
}

/// The tolerance of the direction `ratio` points to.
fn within_tolerance(policy: &Policy, ratio: f64) -> bool {
    let behavior = &policy.behavior;
    let tolerance = if ratio > 1.0 {
        behavior.scale_up.tolerance
    } else {
        behavior.scale_down.tolerance
    };
    (ratio - 1.0).abs() <= tolerance + EPSILON
}

/// Step 2 for one metric.
pub fn propose(input: &TickInput, gathered: &Gathered, metric: &MetricTarget) -> Proposal {
    if metric.kind == MetricKind::JobsBacklogPerNode {
        return propose_backlog(input, gathered, metric);
    }
    let capacity = gathered.capacity();
    let samples = gathered.latest(&metric.kind);
    let present: Vec<f64> = samples.iter().flatten().copied().collect();
    let without = capacity - u32::try_from(present.len()).unwrap_or(u32::MAX);
    let mut proposal = Proposal {
        metric: metric.kind.clone(),
        ratio: None,
        adjusted_ratio: None,
        nodes_without_sample: without,
        count: None,
    };
    if present.is_empty() {
        return proposal;
    }
    let sum: f64 = present.iter().sum();
    let ratio = sum / present.len() as f64 / metric.target;
    proposal.ratio = Some(ratio);
    proposal.count = Some(capacity);
    if within_tolerance(input.policy, ratio) {
        return proposal;
    }
    // A node without a sample is assumed to sit exactly at the target when scaling down
    // and idle when scaling up: both damp the move, never amplify it.
    let assumed = if ratio < 1.0 { metric.target } else { 0.0 };
    let needed = (sum + f64::from(without) * assumed) / metric.target;
    let adjusted = needed / f64::from(capacity);
    proposal.adjusted_ratio = Some(adjusted);
    let flipped = (adjusted > 1.0) != (ratio > 1.0);
    if !flipped && !within_tolerance(input.policy, adjusted) {
        proposal.count = Some(ceil_count(needed));
    }
    proposal
}

/// `jobs_backlog_per_node`: one pool-wide count of queued jobs; the pool needs
/// `ceil(backlog / target)` nodes.
fn propose_backlog(input: &TickInput, gathered: &Gathered, metric: &MetricTarget) -> Proposal {
    let capacity = gathered.capacity();
    let backlog = latest_fresh(input.pool_samples, &metric.kind, gathered.fresh_since);
    let mut proposal = Proposal {
        metric: metric.kind.clone(),
        ratio: None,
        adjusted_ratio: None,
        nodes_without_sample: 0,
        count: None,
    };
    let Some(backlog) = backlog.map(|b| b.max(0.0)) else {
        return proposal;
    };
    let needed = backlog / metric.target;
    let ratio = needed / f64::from(capacity.max(1));
    proposal.ratio = Some(ratio);
    proposal.count = Some(if capacity > 0 && within_tolerance(input.policy, ratio) {
        capacity
    } else {
        ceil_count(needed)
    });
    proposal
}

/// Step 3: the largest proposal, held at `C` when a metric is missing and it would shrink.
/// Returns `(raw, partial)`; with no metric configured the pool holds at `C`.
pub fn combine(proposals: &[Proposal], capacity: u32) -> (u32, bool) {
    let partial = proposals.iter().any(|p| p.count.is_none());
    let raw = proposals
        .iter()
        .filter_map(|p| p.count)
        .max()
        .unwrap_or(capacity);
    if partial && raw < capacity {
        (capacity, true)
    } else {
        (raw, partial)
    }
}
