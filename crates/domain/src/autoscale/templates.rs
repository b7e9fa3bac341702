//! The original UI's three policy templates (design/features.md §2.7), as policies with
//! §13.1 defaults for everything they do not say. Pure data; must never pick a target pool
//! or a time zone on its own: the caller passes them.

use chrono::NaiveTime;
use chrono_tz::Tz;

use super::policy::{MetricKind, MetricTarget, Policy, Target};
use super::schedule::{Schedule, Window};

/// A template's stable name and its policy.
pub fn templates(target: Target, timezone: Tz) -> [(&'static str, Policy); 3] {
    [
        ("cpu_autoscale", cpu_autoscale(target)),
        ("business_hours", business_hours(target, timezone)),
        ("cost_limit", cost_limit(target)),
    ]
}

/// "CPU autoscale": CPU at 0.7, 1 to 5 nodes.
pub fn cpu_autoscale(target: Target) -> Policy {
    Policy {
        metrics: vec![MetricTarget {
            kind: MetricKind::CpuUtilization,
            target: 0.7,
        }],
        ..Policy::new(target, 1, 5)
    }
}

/// "Business hours": up to 6 nodes from 08:00 to 18:00 in `timezone`, a single node
/// outside it (the original's `time_of_day` policy, now actually reading the clock).
pub fn business_hours(target: Target, timezone: Tz) -> Policy {
    let hour = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
    Policy {
        schedules: vec![Schedule {
            window: Window {
                start: hour(8),
                end: hour(18),
            },
            timezone,
            days: Vec::new(),
            min_nodes: Some(1),
            max_nodes: Some(6),
        }],
        ..Policy::new(target, 1, 1)
    }
}

/// "Cost limit": $100 a month, 1 to 4 nodes.
pub fn cost_limit(target: Target) -> Policy {
    Policy {
        cost_limit_monthly_micro: Some(100_000_000),
        ..Policy::new(target, 1, 4)
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::autoscale::validate;

    #[test]
    fn every_template_is_a_valid_policy() {
        let target = Target {
            cluster_id: Uuid::from_u128(1),
            node_pool_id: Uuid::from_u128(2),
        };
        for (name, policy) in templates(target, chrono_tz::Europe::Berlin) {
            assert_eq!(validate(&policy), vec![], "{name}");
        }
    }
}
