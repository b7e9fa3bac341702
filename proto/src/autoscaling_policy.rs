//! Autoscaling policy events to and from the wire, schema version 1 (api.md §13), and the
//! policy's own conversion, shared with the state codec. Enums travel as their text; a
//! text this codec does not know is a `DecodeError`, never a default.

use domain::autoscale::tick::{Condition, ConditionType, ScaleReason, ScaleStatus, known_reason};
use domain::autoscale::{
    Behavior, Direction, Evaluation, MetricKind, MetricTarget, Policy, PolicyEvent, RateRule,
    Schedule, Select, Target, Window, parse_timezone, parse_weekday, weekday_name,
};
use prost::Message;

use crate::DecodeError;
use crate::codec::{Encoded, WireEvent, payload, unknown, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

impl WireEvent for PolicyEvent {
    const TYPES: &'static [(&'static str, u32)] = &[
        ("autoscaling_policy.created", SCHEMA_VERSION),
        ("autoscaling_policy.updated", SCHEMA_VERSION),
        ("autoscaling_policy.deleted", SCHEMA_VERSION),
        ("autoscaling_policy.enabled", SCHEMA_VERSION),
        ("autoscaling_policy.disabled", SCHEMA_VERSION),
        ("autoscaling_policy.evaluated", SCHEMA_VERSION),
        ("autoscaling_policy.scaling_started", SCHEMA_VERSION),
        ("autoscaling_policy.scaling_finished", SCHEMA_VERSION),
    ];

    fn encode(&self) -> Encoded {
        (
            self.type_name().to_owned(),
            SCHEMA_VERSION,
            encode_payload(self),
        )
    }

    fn decode(event_type: &str, schema_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        if schema_version != SCHEMA_VERSION {
            return Err(unknown(event_type, schema_version));
        }
        let at = |e: wire::AutoscalingPolicyAt| from_timestamp(e.at.as_ref(), "at");
        Ok(match event_type {
            "autoscaling_policy.created" => {
                let e: wire::AutoscalingPolicyCreated = payload(bytes)?;
                Self::Created {
                    id: uuid(&e.id, "id")?,
                    owner: e.owner,
                    policy: policy_from_wire(e.policy)?,
                    at: from_timestamp(e.at.as_ref(), "at")?,
                }
            }
            "autoscaling_policy.updated" => {
                let e: wire::AutoscalingPolicyUpdated = payload(bytes)?;
                Self::Updated {
                    policy: policy_from_wire(e.policy)?,
                    at: from_timestamp(e.at.as_ref(), "at")?,
                }
            }
            "autoscaling_policy.deleted" => Self::Deleted {
                at: at(payload(bytes)?)?,
            },
            "autoscaling_policy.enabled" => Self::Enabled {
                at: at(payload(bytes)?)?,
            },
            "autoscaling_policy.disabled" => Self::Disabled {
                at: at(payload(bytes)?)?,
            },
            "autoscaling_policy.evaluated" => Self::Evaluated(evaluation(payload(bytes)?)?),
            "autoscaling_policy.scaling_started" => {
                let e: wire::AutoscalingScalingStarted = payload(bytes)?;
                Self::ScalingStarted {
                    operation_id: uuid(&e.operation_id, "operation_id")?,
                    from: e.from,
                    to: e.to,
                    reason: scale_reason(&e.reason)?,
                    at: from_timestamp(e.at.as_ref(), "at")?,
                }
            }
            "autoscaling_policy.scaling_finished" => {
                let e: wire::AutoscalingScalingFinished = payload(bytes)?;
                Self::ScalingFinished {
                    operation_id: uuid(&e.operation_id, "operation_id")?,
                    status: scale_status(&e.status)?,
                    at: from_timestamp(e.at.as_ref(), "at")?,
                }
            }
            other => return Err(unknown(other, schema_version)),
        })
    }
}

fn encode_payload(event: &PolicyEvent) -> Vec<u8> {
    let at = |at| {
        wire::AutoscalingPolicyAt {
            at: Some(to_timestamp(at)),
        }
        .encode_to_vec()
    };
    match event {
        PolicyEvent::Created {
            id,
            owner,
            policy,
            at,
        } => wire::AutoscalingPolicyCreated {
            id: id.to_string(),
            owner: owner.clone(),
            policy: Some(policy_to_wire(policy)),
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec(),
        PolicyEvent::Updated { policy, at } => wire::AutoscalingPolicyUpdated {
            policy: Some(policy_to_wire(policy)),
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec(),
        PolicyEvent::Deleted { at: when }
        | PolicyEvent::Enabled { at: when }
        | PolicyEvent::Disabled { at: when } => at(*when),
        PolicyEvent::Evaluated(e) => wire::AutoscalingPolicyEvaluated {
            current_nodes: e.current_nodes,
            desired_nodes: e.desired_nodes,
            recommendation: e.recommendation,
            conditions: e.conditions.iter().map(condition_to_wire).collect(),
            at: Some(to_timestamp(e.at)),
            log: e.log.clone(),
        }
        .encode_to_vec(),
        PolicyEvent::ScalingStarted {
            operation_id,
            from,
            to,
            reason,
            at,
        } => wire::AutoscalingScalingStarted {
            operation_id: operation_id.to_string(),
            from: *from,
            to: *to,
            reason: reason.as_str().to_owned(),
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec(),
        PolicyEvent::ScalingFinished {
            operation_id,
            status,
            at,
        } => wire::AutoscalingScalingFinished {
            operation_id: operation_id.to_string(),
            status: scale_status_text(*status).to_owned(),
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec(),
    }
}

fn evaluation(e: wire::AutoscalingPolicyEvaluated) -> Result<Evaluation, DecodeError> {
    let conditions: Vec<Condition> = e
        .conditions
        .iter()
        .map(condition_from_wire)
        .collect::<Result<_, _>>()?;
    Ok(Evaluation {
        current_nodes: e.current_nodes,
        desired_nodes: e.desired_nodes,
        recommendation: e.recommendation,
        conditions: conditions
            .try_into()
            .map_err(|_| DecodeError::Invalid("conditions"))?,
        log: e.log,
        at: from_timestamp(e.at.as_ref(), "at")?,
    })
}

pub(crate) fn condition_to_wire(c: &Condition) -> wire::AutoscalingCondition {
    wire::AutoscalingCondition {
        r#type: c.kind.as_str().to_owned(),
        status: c.status,
        reason: c.reason.to_owned(),
    }
}

pub(crate) fn condition_from_wire(
    c: &wire::AutoscalingCondition,
) -> Result<Condition, DecodeError> {
    Ok(Condition {
        kind: ConditionType::parse(&c.r#type).ok_or(DecodeError::Invalid("condition.type"))?,
        status: c.status,
        reason: known_reason(&c.reason).ok_or(DecodeError::Invalid("condition.reason"))?,
    })
}

fn scale_reason(text: &str) -> Result<ScaleReason, DecodeError> {
    match text {
        "SCALE_UP" => Ok(ScaleReason::ScaleUp),
        "SCALE_DOWN" => Ok(ScaleReason::ScaleDown),
        _ => Err(DecodeError::Invalid("reason")),
    }
}

pub(crate) fn scale_status_text(status: ScaleStatus) -> &'static str {
    match status {
        ScaleStatus::InProgress => "in_progress",
        ScaleStatus::Success => "success",
        ScaleStatus::Error => "error",
    }
}

pub(crate) fn scale_status(text: &str) -> Result<ScaleStatus, DecodeError> {
    match text {
        "in_progress" => Ok(ScaleStatus::InProgress),
        "success" => Ok(ScaleStatus::Success),
        "error" => Ok(ScaleStatus::Error),
        _ => Err(DecodeError::Invalid("status")),
    }
}

// ---- The policy. ----

pub(crate) fn policy_to_wire(p: &Policy) -> wire::AutoscalingPolicySpec {
    wire::AutoscalingPolicySpec {
        cluster_id: p.target.cluster_id.to_string(),
        node_pool_id: p.target.node_pool_id.to_string(),
        min_nodes: p.min_nodes,
        max_nodes: p.max_nodes,
        metrics: p
            .metrics
            .iter()
            .map(|m| wire::AutoscalingMetric {
                r#type: m.kind.name().to_owned(),
                target: m.target,
            })
            .collect(),
        evaluation_interval_seconds: p.evaluation_interval_seconds,
        node_warmup_seconds: p.node_warmup_seconds,
        scale_up: Some(direction_to_wire(&p.behavior.scale_up)),
        scale_down: Some(direction_to_wire(&p.behavior.scale_down)),
        delay_after_scale_up_seconds: p.behavior.delay_after_scale_up_seconds,
        delay_after_failure_seconds: p.behavior.delay_after_failure_seconds,
        cooldown_seconds: p.behavior.cooldown_seconds,
        schedules: p.schedules.iter().map(schedule_to_wire).collect(),
        cost_limit_monthly_micro: p.cost_limit_monthly_micro,
        enabled: p.enabled,
    }
}

pub(crate) fn policy_from_wire(
    spec: Option<wire::AutoscalingPolicySpec>,
) -> Result<Policy, DecodeError> {
    let s = spec.ok_or(DecodeError::Invalid("policy"))?;
    Ok(Policy {
        target: Target {
            cluster_id: uuid(&s.cluster_id, "policy.cluster_id")?,
            node_pool_id: uuid(&s.node_pool_id, "policy.node_pool_id")?,
        },
        min_nodes: s.min_nodes,
        max_nodes: s.max_nodes,
        metrics: s
            .metrics
            .into_iter()
            .map(|m| MetricTarget {
                kind: MetricKind::from_name(&m.r#type),
                target: m.target,
            })
            .collect(),
        evaluation_interval_seconds: s.evaluation_interval_seconds,
        node_warmup_seconds: s.node_warmup_seconds,
        behavior: Behavior {
            scale_up: direction_from_wire(s.scale_up)?,
            scale_down: direction_from_wire(s.scale_down)?,
            delay_after_scale_up_seconds: s.delay_after_scale_up_seconds,
            delay_after_failure_seconds: s.delay_after_failure_seconds,
            cooldown_seconds: s.cooldown_seconds,
        },
        schedules: s
            .schedules
            .into_iter()
            .map(schedule_from_wire)
            .collect::<Result<_, _>>()?,
        cost_limit_monthly_micro: s.cost_limit_monthly_micro,
        enabled: s.enabled,
    })
}

fn direction_to_wire(d: &Direction) -> wire::AutoscalingDirection {
    wire::AutoscalingDirection {
        tolerance: d.tolerance,
        stabilization_window_seconds: d.stabilization_window_seconds,
        policies: d
            .policies
            .iter()
            .map(|rule| {
                let (kind, value) = match *rule {
                    RateRule::Nodes { nodes, .. } => ("nodes", nodes),
                    RateRule::Percent { percent, .. } => ("percent", percent),
                };
                wire::AutoscalingRateRule {
                    kind: kind.to_owned(),
                    value,
                    period_seconds: rule.period_seconds(),
                }
            })
            .collect(),
        select_policy: match d.select_policy {
            Select::Max => "max",
            Select::Min => "min",
            Select::Disabled => "disabled",
        }
        .to_owned(),
    }
}

fn direction_from_wire(d: Option<wire::AutoscalingDirection>) -> Result<Direction, DecodeError> {
    let d = d.ok_or(DecodeError::Invalid("policy.behavior"))?;
    let policies = d
        .policies
        .iter()
        .map(|r| match r.kind.as_str() {
            "nodes" => Ok(RateRule::Nodes {
                nodes: r.value,
                period_seconds: r.period_seconds,
            }),
            "percent" => Ok(RateRule::Percent {
                percent: r.value,
                period_seconds: r.period_seconds,
            }),
            _ => Err(DecodeError::Invalid("policy.behavior.policies.kind")),
        })
        .collect::<Result<_, _>>()?;
    Ok(Direction {
        tolerance: d.tolerance,
        stabilization_window_seconds: d.stabilization_window_seconds,
        policies,
        select_policy: match d.select_policy.as_str() {
            "max" => Select::Max,
            "min" => Select::Min,
            "disabled" => Select::Disabled,
            _ => return Err(DecodeError::Invalid("policy.behavior.select_policy")),
        },
    })
}

fn schedule_to_wire(s: &Schedule) -> wire::AutoscalingSchedule {
    wire::AutoscalingSchedule {
        window: format!(
            "{}-{}",
            s.window.start.format("%H:%M"),
            s.window.end.format("%H:%M")
        ),
        timezone: s.timezone.name().to_owned(),
        days: s.days.iter().map(|d| weekday_name(*d).to_owned()).collect(),
        min_nodes: s.min_nodes,
        max_nodes: s.max_nodes,
    }
}

fn schedule_from_wire(s: wire::AutoscalingSchedule) -> Result<Schedule, DecodeError> {
    Ok(Schedule {
        window: Window::parse(&s.window).map_err(|_| DecodeError::Invalid("schedule.window"))?,
        timezone: parse_timezone(&s.timezone)
            .map_err(|_| DecodeError::Invalid("schedule.timezone"))?,
        days: s
            .days
            .iter()
            .map(|d| parse_weekday(d).map_err(|_| DecodeError::Invalid("schedule.days")))
            .collect::<Result<_, _>>()?,
        min_nodes: s.min_nodes,
        max_nodes: s.max_nodes,
    })
}
