//! Autoscaling policies (api.md §11, §13): the policy representation with `status`, the
//! body of `POST`/`PATCH /autoscaling_policies` (the same fields, each optional; the
//! defaults of §13.1 fill what a create leaves out), and the `:evaluate` dry run's
//! answer. Types only; must never compute a default or a decision.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The node pool a policy scales. Immutable after creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyTarget {
    pub cluster_id: Uuid,
    pub node_pool_id: Uuid,
}

/// A metric and the value the policy keeps it at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyMetric {
    /// `cpu_utilization`, `memory_utilization`, `jobs_backlog_per_node` or a custom name.
    #[serde(rename = "type")]
    #[schema(example = "cpu_utilization")]
    pub metric_type: String,
    /// A fraction for utilizations (0.6 = 60 %); default 0.6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
}

/// One rate rule: `nodes` or `percent` within `period_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<u32>,
    pub period_seconds: u32,
}

/// The behaviour of one direction; the two delays are read under `scale_down` only.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Direction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stabilization_window_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<RateRule>>,
    /// `max`, `min` or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_after_scale_up_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_after_failure_seconds: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Behavior {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<Direction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<Direction>,
    /// Simple mode, clamped to 300..1200 s; `null` = off.
    #[serde(default)]
    pub cooldown_seconds: Option<u32>,
}

/// A window that replaces the bounds while open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySchedule {
    #[schema(example = "09:00-17:00")]
    pub window: String,
    #[schema(example = "Europe/Berlin")]
    pub timezone: String,
    /// `mon` .. `sun`; empty = every day.
    #[serde(default)]
    pub days: Vec<String>,
    #[serde(default)]
    pub min_nodes: Option<u32>,
    #[serde(default)]
    pub max_nodes: Option<u32>,
}

/// The policy fields of §13.1. In a body every field is optional (`target`, `min_nodes`
/// and `max_nodes` are required on create); in a representation all are present.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<PolicyTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<PolicyMetric>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_interval_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_warmup_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<Behavior>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedules: Option<Vec<PolicySchedule>>,
    /// A decimal string in USD, e.g. `"250.00"`; `null` = no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_limit_monthly: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// One of `AbleToScale`, `ScalingActive`, `ScalingLimited`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyCondition {
    #[serde(rename = "type")]
    pub condition_type: String,
    /// `True` or `False`, as Kubernetes writes conditions.
    pub status: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyStatus {
    pub current_nodes: u32,
    pub desired_nodes: u32,
    #[schema(required = true, format = DateTime)]
    pub last_evaluated_at: Option<String>,
    #[schema(required = true, format = DateTime)]
    pub last_scale_at: Option<String>,
    pub conditions: Vec<PolicyCondition>,
}

/// An autoscaling policy of one node pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoscalingPolicy {
    #[schema(example = "autoscaling_policy")]
    pub kind: String,
    pub id: Uuid,
    pub version: u64,
    /// Every field of §13.1, defaults filled in.
    #[serde(flatten)]
    pub spec: PolicyBody,
    pub status: PolicyStatus,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// One metric's part of a tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricRatio {
    #[serde(rename = "type")]
    pub metric_type: String,
    pub target: f64,
    /// `mean / target` over usable nodes; `null` when it could not be computed.
    pub ratio: Option<f64>,
    /// The conservative recompute, when one was made.
    pub adjusted_ratio: Option<f64>,
    pub nodes_without_sample: u32,
    /// This metric's proposal; `null` when it could not be computed.
    pub proposal: Option<u32>,
}

/// What one tick decided and why (§13.2 step 10): the decision log's row and the
/// `:evaluate` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoscalerDecision {
    pub policy_id: Uuid,
    #[schema(format = DateTime)]
    pub evaluated_at: String,
    /// The pool's `count` when the tick started.
    pub current_count: u32,
    /// `C`: usable plus warming nodes.
    pub capacity: u32,
    pub metrics: Vec<MetricRatio>,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub raw: u32,
    pub clamped: u32,
    pub stabilized: u32,
    pub limited: u32,
    #[serde(rename = "final")]
    pub final_count: u32,
    /// The pool's count after the tick.
    pub desired: u32,
    /// Why the tick did not act (`ScaleInFlight`, `DelayAfterScaleUp`, ...), if it did not.
    pub gate: Option<String>,
    /// `TooManyReplicas`, `ScaleDownStabilized`, `ScaleUpLimit`, ...
    pub notes: Vec<String>,
    /// `scale_up`, `scale_down` or `hold`.
    pub action: String,
    pub reason: String,
}

/// The answer of `POST /autoscaling_policies/{id}:evaluate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateResponse {
    pub decision: AutoscalerDecision,
    /// Whether a real tick would store this decision.
    pub would_record: bool,
    pub conditions: Vec<PolicyCondition>,
}

/// Metrics supplied to `:evaluate`, each applied to every running node of the pool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// Metric type → value, e.g. `{"cpu_utilization": 0.9}`; absent = current samples.
    #[serde(default)]
    pub metrics: Option<std::collections::BTreeMap<String, f64>>,
}

/// A scaling event of the pool (DO autoscale-pool history shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScalingEvent {
    pub policy_id: Uuid,
    pub operation_id: Uuid,
    pub current_count: u32,
    pub desired_count: u32,
    /// `SCALE_UP` or `SCALE_DOWN`.
    pub reason: String,
    /// `in_progress`, `success` or `error`.
    pub status: String,
    #[schema(format = DateTime)]
    pub started_at: String,
    #[schema(required = true, format = DateTime)]
    pub finished_at: Option<String>,
}

crate::envelope::page!(
    /// A page of autoscaling policies.
    AutoscalingPolicyPage, autoscaling_policies, AutoscalingPolicy
);
crate::envelope::page!(
    /// A policy's scaling history, newest first.
    ScalingEventPage, events, ScalingEvent
);
crate::envelope::page!(
    /// A policy's decision log, newest first.
    AutoscalerDecisionPage, decisions, AutoscalerDecision
);
