//! Step 6, *rate-limit*: each rule of the chosen direction limits the count relative to the
//! count at the start of its period (scaling events within the period are undone), and
//! `select_policy` picks among the limits. Must never move past `C` in the wrong direction.

use chrono::{DateTime, Duration, Utc};

use super::input::ScaleEvent;
use crate::autoscale::policy::{Direction, RateRule, Select};

/// Nodes added (`up`) or removed within the last `period_seconds`. Every event counts,
/// failed ones too: a failed scale may have moved part of the way.
fn moved_within(events: &[ScaleEvent], now: DateTime<Utc>, period_seconds: u32, up: bool) -> u32 {
    let since = now - Duration::seconds(i64::from(period_seconds));
    events
        .iter()
        .filter(|e| e.started_at > since && e.started_at <= now && e.is_up() == up)
        .map(|e| e.to.abs_diff(e.from))
        .sum()
}

fn up_limit(rule: &RateRule, start: u32) -> u32 {
    let start = u64::from(start);
    let limit = match *rule {
        RateRule::Nodes { nodes, .. } => start + u64::from(nodes),
        RateRule::Percent { percent, .. } => (start * (100 + u64::from(percent))).div_ceil(100),
    };
    u32::try_from(limit).unwrap_or(u32::MAX)
}

fn down_limit(rule: &RateRule, start: u32) -> u32 {
    match *rule {
        RateRule::Nodes { nodes, .. } => start.saturating_sub(nodes),
        RateRule::Percent { percent, .. } => {
            let kept = u64::from(100u32.saturating_sub(percent));
            u32::try_from(u64::from(start) * kept / 100).unwrap_or(u32::MAX)
        }
    }
}

/// The furthest count `direction` allows from `capacity` at `now`.
pub fn limit(
    direction: &Direction,
    up: bool,
    capacity: u32,
    events: &[ScaleEvent],
    now: DateTime<Utc>,
) -> u32 {
    let limits = direction.policies.iter().map(|rule| {
        let moved = moved_within(events, now, rule.period_seconds(), up);
        if up {
            up_limit(rule, capacity.saturating_sub(moved))
        } else {
            down_limit(rule, capacity.saturating_add(moved))
        }
    });
    // The biggest change: the largest limit up, the smallest limit down.
    let biggest_change = (direction.select_policy == Select::Max) == up;
    let chosen = match direction.select_policy {
        Select::Disabled => None,
        _ if biggest_change => limits.max(),
        _ => limits.min(),
    };
    let chosen = chosen.unwrap_or(capacity);
    if up {
        chosen.max(capacity)
    } else {
        chosen.min(capacity)
    }
}
