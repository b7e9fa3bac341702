//! Autoscaling policies between the domain and the contract (api.md §13): the policy as
//! its representation (every default filled in), a body resolved against a base policy
//! (the defaults on create, the current policy on a merge-patch) into a domain `Policy`
//! with every bad field as a JSON pointer, and a tick's `Decision` as a decision-log
//! entry; `row.rs` the policy's row, `history.rs` its scaling events and decisions. The
//! one place these shapes are converted; must never decide anything.

pub mod history;
pub mod row;

use chrono::{DateTime, Utc, Weekday};
use contract::autoscaling as c;
use domain::autoscale::tick::{Condition, Decision, Gate};
use domain::autoscale::{
    AutoscalingPolicy, Direction, MetricKind, MetricTarget, Policy, RateRule, Schedule, Select,
    Target, Window, parse_money, parse_timezone, parse_weekday, validate, weekday_name,
};
use uuid::Uuid;

use crate::row::rfc3339;

/// A field the body got wrong: (JSON pointer, reason).
pub type BodyError = (String, String);

/// Micro-USD as the shortest decimal string of dollars with two decimals at least.
pub fn money_text(micro: u64) -> String {
    let (whole, fraction) = (micro / 1_000_000, micro % 1_000_000);
    let fraction = format!("{fraction:06}");
    let trimmed = fraction.trim_end_matches('0');
    format!("{whole}.{trimmed:0<2}")
}

fn direction_body(d: &Direction, delays: Option<(u32, u32)>) -> c::Direction {
    c::Direction {
        tolerance: Some(d.tolerance),
        stabilization_window_seconds: Some(d.stabilization_window_seconds),
        policies: Some(
            d.policies
                .iter()
                .map(|rule| match *rule {
                    RateRule::Nodes {
                        nodes,
                        period_seconds,
                    } => c::RateRule {
                        nodes: Some(nodes),
                        percent: None,
                        period_seconds,
                    },
                    RateRule::Percent {
                        percent,
                        period_seconds,
                    } => c::RateRule {
                        nodes: None,
                        percent: Some(percent),
                        period_seconds,
                    },
                })
                .collect(),
        ),
        select_policy: Some(
            match d.select_policy {
                Select::Max => "max",
                Select::Min => "min",
                Select::Disabled => "disabled",
            }
            .to_owned(),
        ),
        delay_after_scale_up_seconds: delays.map(|d| d.0),
        delay_after_failure_seconds: delays.map(|d| d.1),
    }
}

/// The policy as a body with every field present.
pub fn policy_body(p: &Policy) -> c::PolicyBody {
    let b = &p.behavior;
    c::PolicyBody {
        target: Some(c::PolicyTarget {
            cluster_id: p.target.cluster_id,
            node_pool_id: p.target.node_pool_id,
        }),
        min_nodes: Some(p.min_nodes),
        max_nodes: Some(p.max_nodes),
        metrics: Some(
            p.metrics
                .iter()
                .map(|m| c::PolicyMetric {
                    metric_type: m.kind.name().to_owned(),
                    target: Some(m.target),
                })
                .collect(),
        ),
        evaluation_interval_seconds: Some(p.evaluation_interval_seconds),
        node_warmup_seconds: Some(p.node_warmup_seconds),
        behavior: Some(c::Behavior {
            scale_up: Some(direction_body(&b.scale_up, None)),
            scale_down: Some(direction_body(
                &b.scale_down,
                Some((
                    b.delay_after_scale_up_seconds,
                    b.delay_after_failure_seconds,
                )),
            )),
            cooldown_seconds: b.cooldown_seconds,
        }),
        schedules: Some(
            p.schedules
                .iter()
                .map(|s| c::PolicySchedule {
                    window: format!(
                        "{}-{}",
                        s.window.start.format("%H:%M"),
                        s.window.end.format("%H:%M")
                    ),
                    timezone: s.timezone.name().to_owned(),
                    days: s.days.iter().map(|d| weekday_name(*d).to_owned()).collect(),
                    min_nodes: s.min_nodes,
                    max_nodes: s.max_nodes,
                })
                .collect(),
        ),
        cost_limit_monthly: Some(p.cost_limit_monthly_micro.map(money_text)),
        enabled: Some(p.enabled),
    }
}

/// `body` laid over `base` (the §13.1 defaults on create, the current policy on a
/// patch), then validated: every problem as a pointer, none silently coerced.
pub fn resolve(base: &Policy, body: &c::PolicyBody) -> Result<Policy, Vec<BodyError>> {
    let mut errors: Vec<BodyError> = Vec::new();
    let mut p = base.clone();
    if let Some(t) = body.target {
        p.target = Target {
            cluster_id: t.cluster_id,
            node_pool_id: t.node_pool_id,
        };
    }
    if let Some(v) = body.min_nodes {
        p.min_nodes = v;
    }
    if let Some(v) = body.max_nodes {
        p.max_nodes = v;
    }
    if let Some(metrics) = &body.metrics {
        p.metrics = metrics
            .iter()
            .map(|m| MetricTarget {
                kind: MetricKind::from_name(&m.metric_type),
                target: m.target.unwrap_or(MetricTarget::DEFAULT_TARGET),
            })
            .collect();
    }
    if let Some(v) = body.evaluation_interval_seconds {
        p.evaluation_interval_seconds = v;
    }
    if let Some(v) = body.node_warmup_seconds {
        p.node_warmup_seconds = v;
    }
    if let Some(behavior) = &body.behavior {
        let b = &mut p.behavior;
        if let Some(up) = &behavior.scale_up {
            lay_direction(&mut b.scale_up, up, "/behavior/scale_up", &mut errors);
        }
        if let Some(down) = &behavior.scale_down {
            lay_direction(&mut b.scale_down, down, "/behavior/scale_down", &mut errors);
            if let Some(v) = down.delay_after_scale_up_seconds {
                b.delay_after_scale_up_seconds = v;
            }
            if let Some(v) = down.delay_after_failure_seconds {
                b.delay_after_failure_seconds = v;
            }
        }
        b.cooldown_seconds = behavior.cooldown_seconds;
    }
    if let Some(schedules) = &body.schedules {
        p.schedules = schedules
            .iter()
            .enumerate()
            .filter_map(|(i, s)| schedule(i, s, &mut errors))
            .collect();
    }
    if let Some(limit) = &body.cost_limit_monthly {
        p.cost_limit_monthly_micro = match limit {
            None => None,
            Some(text) => match parse_money(text) {
                Ok(micro) => Some(micro),
                Err(reason) => {
                    errors.push(("/cost_limit_monthly".into(), reason.into()));
                    None
                }
            },
        };
    }
    if let Some(v) = body.enabled {
        p.enabled = v;
    }
    errors.extend(
        validate(&p)
            .into_iter()
            .map(|e| (e.pointer, e.reason.to_owned())),
    );
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

fn lay_direction(d: &mut Direction, body: &c::Direction, at: &str, errors: &mut Vec<BodyError>) {
    if let Some(v) = body.tolerance {
        d.tolerance = v;
    }
    if let Some(v) = body.stabilization_window_seconds {
        d.stabilization_window_seconds = v;
    }
    if let Some(rules) = &body.policies {
        d.policies = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            match (r.nodes, r.percent) {
                (Some(nodes), None) => d.policies.push(RateRule::Nodes {
                    nodes,
                    period_seconds: r.period_seconds,
                }),
                (None, Some(percent)) => d.policies.push(RateRule::Percent {
                    percent,
                    period_seconds: r.period_seconds,
                }),
                _ => errors.push((
                    format!("{at}/policies/{i}"),
                    "must set exactly one of nodes and percent".into(),
                )),
            }
        }
    }
    if let Some(select) = &body.select_policy {
        match select.as_str() {
            "max" => d.select_policy = Select::Max,
            "min" => d.select_policy = Select::Min,
            "disabled" => d.select_policy = Select::Disabled,
            _ => errors.push((
                format!("{at}/select_policy"),
                "must be one of max, min, disabled".into(),
            )),
        }
    }
}

fn schedule(i: usize, s: &c::PolicySchedule, errors: &mut Vec<BodyError>) -> Option<Schedule> {
    let at = |field: &str| format!("/schedules/{i}/{field}");
    let window = Window::parse(&s.window).map_err(|r| errors.push((at("window"), r.into())));
    let zone = parse_timezone(&s.timezone).map_err(|r| errors.push((at("timezone"), r.into())));
    let days: Vec<Weekday> = s
        .days
        .iter()
        .filter_map(|d| {
            parse_weekday(d)
                .map_err(|r| errors.push((at("days"), r.into())))
                .ok()
        })
        .collect();
    Some(Schedule {
        window: window.ok()?,
        timezone: zone.ok()?,
        days,
        min_nodes: s.min_nodes,
        max_nodes: s.max_nodes,
    })
}

/// A condition as Kubernetes writes it.
pub fn condition(c: &Condition) -> c::PolicyCondition {
    c::PolicyCondition {
        condition_type: c.kind.as_str().to_owned(),
        status: if c.status { "True" } else { "False" }.to_owned(),
        reason: c.reason.to_owned(),
    }
}

/// The representation of a live policy; `None` before creation.
pub fn representation(state: &AutoscalingPolicy) -> Option<c::AutoscalingPolicy> {
    let policy = state.policy.as_ref()?;
    let s = &state.status;
    Some(c::AutoscalingPolicy {
        kind: "autoscaling_policy".into(),
        id: state.id,
        version: state.version,
        spec: policy_body(policy),
        status: c::PolicyStatus {
            current_nodes: s.current_nodes,
            desired_nodes: s.desired_nodes,
            last_evaluated_at: s.last_evaluated_at.map(rfc3339),
            last_scale_at: s.last_scale_at.map(rfc3339),
            conditions: s.conditions.iter().map(condition).collect(),
        },
        created_at: state.created_at.map(rfc3339).unwrap_or_default(),
        updated_at: state.updated_at.map(rfc3339).unwrap_or_default(),
    })
}

fn gate_text(gate: &Gate) -> String {
    match gate {
        Gate::DelayAfterScaleUp { until }
        | Gate::DelayAfterFailure { until }
        | Gate::Cooldown { until } => format!("{} until {}", gate.reason(), rfc3339(*until)),
        Gate::ScaleInFlight | Gate::NodesWarmingUp => gate.reason().to_owned(),
    }
}

/// One tick's decision as a decision-log entry.
pub fn decision(
    policy_id: Uuid,
    policy: &Policy,
    current_count: u32,
    d: &Decision,
    at: DateTime<Utc>,
) -> c::AutoscalerDecision {
    c::AutoscalerDecision {
        policy_id,
        evaluated_at: rfc3339(at),
        current_count,
        capacity: d.capacity,
        metrics: d
            .proposals
            .iter()
            .zip(&policy.metrics)
            .map(|(p, m)| c::MetricRatio {
                metric_type: p.metric.name().to_owned(),
                target: m.target,
                ratio: p.ratio,
                adjusted_ratio: p.adjusted_ratio,
                nodes_without_sample: p.nodes_without_sample,
                proposal: p.count,
            })
            .collect(),
        min_nodes: d.bounds.min,
        max_nodes: d.bounds.max,
        raw: d.steps.raw,
        clamped: d.steps.clamped,
        stabilized: d.steps.stabilized,
        limited: d.steps.limited,
        final_count: d.steps.final_count,
        desired: d.desired,
        gate: d.gate.as_ref().map(gate_text),
        notes: d.notes.iter().map(|n| n.as_str().to_owned()).collect(),
        action: match d.scale {
            Some(s) if s.to > s.from => "scale_up",
            Some(_) => "scale_down",
            None => "hold",
        }
        .to_owned(),
        reason: d.reason(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_survives_its_body() {
        let target = Target {
            cluster_id: Uuid::from_u128(1),
            node_pool_id: Uuid::from_u128(2),
        };
        let mut policy = domain::autoscale::business_hours(
            target,
            parse_timezone("Europe/Berlin").expect("zone"),
        );
        policy.cost_limit_monthly_micro = Some(250_500_000);
        policy.behavior.cooldown_seconds = Some(400);
        let body = policy_body(&policy);
        assert_eq!(body.cost_limit_monthly, Some(Some("250.50".into())));
        let defaults = Policy::new(target, 1, 1);
        assert_eq!(resolve(&defaults, &body), Ok(policy));
    }

    #[test]
    fn every_bad_field_is_reported_with_its_pointer() {
        let target = Target {
            cluster_id: Uuid::from_u128(1),
            node_pool_id: Uuid::from_u128(2),
        };
        let body = c::PolicyBody {
            min_nodes: Some(7),
            max_nodes: Some(3),
            cost_limit_monthly: Some(Some("ten".into())),
            schedules: Some(vec![c::PolicySchedule {
                window: "9-5".into(),
                timezone: "Mars/Olympus".into(),
                days: vec![],
                min_nodes: None,
                max_nodes: None,
            }]),
            ..c::PolicyBody::default()
        };
        let errors = resolve(&Policy::new(target, 1, 5), &body).expect_err("invalid");
        let pointers: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
        for wanted in [
            "/min_nodes",
            "/cost_limit_monthly",
            "/schedules/0/window",
            "/schedules/0/timezone",
        ] {
            assert!(pointers.contains(&wanted), "{wanted} in {pointers:?}");
        }
    }
}
