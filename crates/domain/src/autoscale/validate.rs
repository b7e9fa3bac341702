//! Validation of a whole policy: every field-level problem with its JSON pointer, so the
//! HTTP layer can answer 422 with one entry per field (api.md §4). Must never stop at the
//! first problem or coerce a value silently (the cooldown clamp is the documented one).

use std::collections::HashSet;

use super::policy::{Direction, Policy, RateRule, Select};

/// Bounds of a sane policy; outside them a value is a typo, not a plan.
pub const MAX_NODES: u32 = 1000;
pub const MAX_SECONDS: u32 = 86_400;

/// One field that is out of range, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// RFC 6901 pointer into the policy body, e.g. `/metrics/0/target`.
    pub pointer: String,
    pub reason: &'static str,
}

fn error(pointer: impl Into<String>, reason: &'static str) -> FieldError {
    FieldError {
        pointer: pointer.into(),
        reason,
    }
}

/// Every problem of `policy`; empty when it is acceptable.
pub fn validate(policy: &Policy) -> Vec<FieldError> {
    let mut errors = Vec::new();
    bounds(policy, &mut errors);
    metrics(policy, &mut errors);
    timing(policy, &mut errors);
    direction(
        "/behavior/scale_up",
        &policy.behavior.scale_up,
        None,
        &mut errors,
    );
    direction(
        "/behavior/scale_down",
        &policy.behavior.scale_down,
        Some(100),
        &mut errors,
    );
    schedules(policy, &mut errors);
    if policy.cost_limit_monthly_micro == Some(0) {
        errors.push(error("/cost_limit_monthly", "must be greater than zero"));
    }
    errors
}

fn bounds(policy: &Policy, errors: &mut Vec<FieldError>) {
    if policy.max_nodes == 0 || policy.max_nodes > MAX_NODES {
        errors.push(error("/max_nodes", "must be between 1 and 1000"));
    }
    if policy.min_nodes > policy.max_nodes {
        errors.push(error("/min_nodes", "must not exceed max_nodes"));
    }
}

fn metrics(policy: &Policy, errors: &mut Vec<FieldError>) {
    let mut seen = HashSet::new();
    for (i, metric) in policy.metrics.iter().enumerate() {
        let at = format!("/metrics/{i}");
        if !(metric.target.is_finite() && metric.target > 0.0) {
            errors.push(error(format!("{at}/target"), "must be greater than zero"));
        } else if metric.kind.is_utilization() && metric.target > 1.0 {
            errors.push(error(format!("{at}/target"), "a utilization is at most 1"));
        }
        if metric.kind.name().trim().is_empty() {
            errors.push(error(format!("{at}/type"), "a custom metric needs a name"));
        } else if !seen.insert(metric.kind.clone()) {
            errors.push(error(format!("{at}/type"), "each metric may appear once"));
        }
    }
}

fn timing(policy: &Policy, errors: &mut Vec<FieldError>) {
    if !(5..=3600).contains(&policy.evaluation_interval_seconds) {
        errors.push(error(
            "/evaluation_interval_seconds",
            "must be between 5 and 3600",
        ));
    }
    let behavior = &policy.behavior;
    for (pointer, value) in [
        ("/node_warmup_seconds", policy.node_warmup_seconds),
        (
            "/behavior/scale_down/delay_after_scale_up_seconds",
            behavior.delay_after_scale_up_seconds,
        ),
        (
            "/behavior/scale_down/delay_after_failure_seconds",
            behavior.delay_after_failure_seconds,
        ),
    ] {
        if value > MAX_SECONDS {
            errors.push(error(pointer, "must be at most 86400 seconds"));
        }
    }
}

fn direction(at: &str, d: &Direction, max_percent: Option<u32>, errors: &mut Vec<FieldError>) {
    if !(d.tolerance.is_finite() && (0.0..1.0).contains(&d.tolerance)) {
        errors.push(error(
            format!("{at}/tolerance"),
            "must be at least 0 and below 1",
        ));
    }
    if d.stabilization_window_seconds > 3600 {
        errors.push(error(
            format!("{at}/stabilization_window_seconds"),
            "must be at most 3600 seconds",
        ));
    }
    if d.policies.is_empty() && d.select_policy != Select::Disabled {
        errors.push(error(
            format!("{at}/policies"),
            "needs a rule unless select_policy is disabled",
        ));
    }
    for (i, rule) in d.policies.iter().enumerate() {
        let rule_at = format!("{at}/policies/{i}");
        if !(1..=1800).contains(&rule.period_seconds()) {
            errors.push(error(
                format!("{rule_at}/period_seconds"),
                "must be between 1 and 1800",
            ));
        }
        match *rule {
            RateRule::Nodes { nodes: 0, .. } => {
                errors.push(error(format!("{rule_at}/nodes"), "must be at least 1"));
            }
            RateRule::Percent { percent, .. }
                if percent == 0 || max_percent.is_some_and(|m| percent > m) =>
            {
                let reason = if max_percent.is_some() {
                    "must be between 1 and 100"
                } else {
                    "must be at least 1"
                };
                errors.push(error(format!("{rule_at}/percent"), reason));
            }
            _ => {}
        }
    }
}

fn schedules(policy: &Policy, errors: &mut Vec<FieldError>) {
    for (i, schedule) in policy.schedules.iter().enumerate() {
        let min = schedule.min_nodes.unwrap_or(policy.min_nodes);
        let max = schedule.max_nodes.unwrap_or(policy.max_nodes);
        if schedule.min_nodes.is_none() && schedule.max_nodes.is_none() {
            errors.push(error(
                format!("/schedules/{i}"),
                "needs min_nodes or max_nodes",
            ));
        }
        if max == 0 || max > MAX_NODES {
            errors.push(error(
                format!("/schedules/{i}/max_nodes"),
                "must be between 1 and 1000",
            ));
        }
        if min > max {
            errors.push(error(
                format!("/schedules/{i}/min_nodes"),
                "must not exceed the window's max_nodes",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::autoscale::policy::{MetricKind, MetricTarget, Target};

    fn policy() -> Policy {
        Policy::new(
            Target {
                cluster_id: Uuid::from_u128(1),
                node_pool_id: Uuid::from_u128(2),
            },
            1,
            5,
        )
    }

    fn pointers(p: &Policy) -> Vec<String> {
        validate(p).into_iter().map(|e| e.pointer).collect()
    }

    #[test]
    fn the_defaults_are_valid() {
        assert_eq!(validate(&policy()), vec![]);
    }

    #[test]
    fn every_bad_field_is_named_with_its_pointer() {
        let mut p = policy();
        p.min_nodes = 6;
        p.metrics = vec![
            MetricTarget {
                kind: MetricKind::CpuUtilization,
                target: 0.0,
            },
            MetricTarget {
                kind: MetricKind::MemoryUtilization,
                target: 1.5,
            },
            MetricTarget {
                kind: MetricKind::MemoryUtilization,
                target: 0.5,
            },
        ];
        p.behavior.scale_down.policies[1] = RateRule::Percent {
            percent: 150,
            period_seconds: 60,
        };
        p.behavior.scale_up.tolerance = -0.1;
        p.cost_limit_monthly_micro = Some(0);
        assert_eq!(
            pointers(&p),
            vec![
                "/min_nodes",
                "/metrics/0/target",
                "/metrics/1/target",
                "/metrics/2/type",
                "/behavior/scale_up/tolerance",
                "/behavior/scale_down/policies/1/percent",
                "/cost_limit_monthly",
            ]
        );
    }

    #[test]
    fn scale_up_percent_may_exceed_100_but_a_disabled_direction_needs_no_rule() {
        let mut p = policy();
        p.behavior.scale_up.policies = vec![RateRule::Percent {
            percent: 300,
            period_seconds: 60,
        }];
        p.behavior.scale_down.policies.clear();
        p.behavior.scale_down.select_policy = Select::Disabled;
        assert_eq!(validate(&p), vec![]);
    }
}
