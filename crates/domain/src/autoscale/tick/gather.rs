//! Step 1, *gather*: which nodes are usable (running and warm), which only count as
//! capacity (running, still warming up), and each usable node's latest fresh sample of a
//! metric. Must never count provisioning, draining or deleting nodes.

use chrono::{DateTime, Duration, Utc};

use super::input::{NodeState, NodeView, Sample, TickInput};
use crate::autoscale::policy::MetricKind;

/// The pool as the tick counts it.
#[derive(Debug, Clone)]
pub struct Gathered<'a> {
    pub usable: Vec<&'a NodeView>,
    /// Running nodes not yet warm: capacity without trustworthy samples.
    pub warming: u32,
    /// Nodes still provisioning: not capacity, but not warm either.
    pub provisioning: u32,
    /// A sample older than this is missing (two evaluation intervals).
    pub fresh_since: DateTime<Utc>,
}

impl Gathered<'_> {
    /// `C`: usable plus warming nodes.
    pub fn capacity(&self) -> u32 {
        u32::try_from(self.usable.len()).unwrap_or(u32::MAX) + self.warming
    }

    /// Whether any node of the pool is not yet warm (scale-down waits for it).
    pub fn any_cold(&self) -> bool {
        self.warming > 0 || self.provisioning > 0
    }

    /// The latest fresh sample of `metric` of each usable node, `None` where missing.
    pub fn latest(&self, metric: &MetricKind) -> Vec<Option<f64>> {
        self.usable
            .iter()
            .map(|node| latest_fresh(&node.samples, metric, self.fresh_since))
            .collect()
    }
}

/// The latest sample of `metric` taken at or after `since`.
pub fn latest_fresh(samples: &[Sample], metric: &MetricKind, since: DateTime<Utc>) -> Option<f64> {
    samples
        .iter()
        .filter(|s| &s.metric == metric && s.at >= since && s.value.is_finite())
        .max_by_key(|s| s.at)
        .map(|s| s.value)
}

pub fn gather<'a>(input: &TickInput<'a>) -> Gathered<'a> {
    let policy = input.policy;
    let warm_before = input.now - Duration::seconds(i64::from(policy.node_warmup_seconds));
    let mut gathered = Gathered {
        usable: Vec::new(),
        warming: 0,
        provisioning: 0,
        fresh_since: input.now
            - Duration::seconds(2 * i64::from(policy.evaluation_interval_seconds)),
    };
    for node in input.nodes {
        match (node.state, node.ready_at) {
            (NodeState::Running, Some(ready)) if ready <= warm_before => {
                gathered.usable.push(node);
            }
            (NodeState::Running, _) => gathered.warming += 1,
            (NodeState::Provisioning, _) => gathered.provisioning += 1,
            (NodeState::Draining | NodeState::Deleting, _) => {}
        }
    }
    gathered
}
