//! Step 4, *clamp*: the effective `[min, max]` at `now` — the policy's bounds, replaced by
//! an open schedule window's, with `max` lowered to what the monthly cost limit buys at the
//! catalog price. Must never let a bound be looser than the cost limit allows.

use chrono::{DateTime, Utc};

use crate::autoscale::money::nodes_affordable;
use crate::autoscale::policy::Policy;

/// The bounds in force and where they came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub min: u32,
    pub max: u32,
    /// Index of the schedule window that set them, if one is open.
    pub schedule: Option<usize>,
    /// The node cap of the cost limit, when one is set and the price is known.
    pub cost_cap: Option<u32>,
}

impl Bounds {
    pub fn clamp(&self, count: u32) -> u32 {
        count.clamp(self.min, self.max)
    }

    pub fn contains(&self, count: u32) -> bool {
        (self.min..=self.max).contains(&count)
    }
}

pub fn effective(policy: &Policy, now: DateTime<Utc>, price_monthly_micro: u64) -> Bounds {
    // The first open window in the policy's order wins.
    let open = policy.schedules.iter().position(|s| s.is_active(now));
    let window = open.map(|i| &policy.schedules[i]);
    let mut min = window.and_then(|s| s.min_nodes).unwrap_or(policy.min_nodes);
    let mut max = window.and_then(|s| s.max_nodes).unwrap_or(policy.max_nodes);
    let cost_cap = policy
        .cost_limit_monthly_micro
        .and_then(|limit| nodes_affordable(limit, price_monthly_micro));
    if let Some(cap) = cost_cap {
        max = max.min(cap);
    }
    // The budget is the hard limit: when it buys fewer nodes than `min`, `min` yields.
    min = min.min(max);
    Bounds {
        min,
        max,
        schedule: open,
        cost_cap,
    }
}
