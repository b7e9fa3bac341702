//! The autoscaling policy row (table `autoscaling_policy`): a lossless copy of the
//! `AutoscalingPolicy` state — the policy as its body (JSON text), and the status with the
//! recommendation log and recent scaling events the next tick reads (JSON text) — and its
//! representation. Written only by the projector; query-api reads it.

use chrono::{DateTime, Utc};
use contract::autoscaling::PolicyBody;
use domain::autoscale::tick::{
    Condition, ConditionType, Recommendation, ScaleEvent, ScaleStatus, known_reason,
};
use domain::autoscale::{AutoscalingPolicy, Policy, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::{policy_body, representation, resolve};
use crate::row::{Bound, StateRow, from_json_text, to_value};

/// Every column of `autoscaling_policy`, in the order of `COLUMNS`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub struct AutoscalingPolicyRow {
    pub policy_id: Uuid,
    pub owner: String,
    pub cluster_id: Uuid,
    pub node_pool_id: Uuid,
    pub enabled: bool,
    pub deleted: bool,
    /// The policy as its body, every field present (JSON text).
    pub spec: String,
    /// `Memory` (JSON text).
    pub memory: String,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the state holds besides the policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Memory {
    current_nodes: u32,
    desired_nodes: u32,
    last_evaluated_at: Option<DateTime<Utc>>,
    last_scale_at: Option<DateTime<Utc>>,
    /// (type, status, reason).
    conditions: Vec<(String, bool, String)>,
    /// (at, count).
    recommendations: Vec<(DateTime<Utc>, u32)>,
    scale_events: Vec<StoredScaleEvent>,
    scaling_operation: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredScaleEvent {
    from: u32,
    to: u32,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    status: String,
}

pub fn scale_status_text(status: ScaleStatus) -> &'static str {
    match status {
        ScaleStatus::InProgress => "in_progress",
        ScaleStatus::Success => "success",
        ScaleStatus::Error => "error",
    }
}

fn scale_status(text: &str) -> Result<ScaleStatus, String> {
    match text {
        "in_progress" => Ok(ScaleStatus::InProgress),
        "success" => Ok(ScaleStatus::Success),
        "error" => Ok(ScaleStatus::Error),
        other => Err(format!("stored scale status {other}")),
    }
}

fn memory_of(state: &AutoscalingPolicy) -> Memory {
    let s = &state.status;
    Memory {
        current_nodes: s.current_nodes,
        desired_nodes: s.desired_nodes,
        last_evaluated_at: s.last_evaluated_at,
        last_scale_at: s.last_scale_at,
        conditions: s
            .conditions
            .iter()
            .map(|c| (c.kind.as_str().to_owned(), c.status, c.reason.to_owned()))
            .collect(),
        recommendations: state
            .recommendations
            .iter()
            .map(|r| (r.at, r.count))
            .collect(),
        scale_events: state
            .scale_events
            .iter()
            .map(|e| StoredScaleEvent {
                from: e.from,
                to: e.to,
                started_at: e.started_at,
                finished_at: e.finished_at,
                status: scale_status_text(e.status).to_owned(),
            })
            .collect(),
        scaling_operation: state.scaling_operation,
    }
}

fn condition((kind, status, reason): &(String, bool, String)) -> Result<Condition, String> {
    Ok(Condition {
        kind: ConditionType::parse(kind).ok_or(format!("stored condition {kind}"))?,
        status: *status,
        reason: known_reason(reason).ok_or(format!("stored reason {reason}"))?,
    })
}

impl AutoscalingPolicyRow {
    fn policy(&self) -> Result<Policy, String> {
        let body: PolicyBody = from_json_text(&self.spec, "spec")?;
        let target = domain::autoscale::Target {
            cluster_id: self.cluster_id,
            node_pool_id: self.node_pool_id,
        };
        resolve(&Policy::new(target, 1, 1), &body)
            .map_err(|errors| format!("stored spec is invalid: {errors:?}"))
    }
}

impl StateRow for AutoscalingPolicyRow {
    type State = AutoscalingPolicy;
    const TABLE: &'static str = "autoscaling_policy";
    const ID_COLUMN: &'static str = "policy_id";
    const COLUMNS: &'static [&'static str] = &[
        "policy_id",
        "owner",
        "cluster_id",
        "node_pool_id",
        "enabled",
        "deleted",
        "spec",
        "memory",
        "version",
        "created_at",
        "updated_at",
    ];

    fn from_state(state: &AutoscalingPolicy) -> Option<Self> {
        let policy = state.policy.as_ref()?;
        Some(Self {
            policy_id: state.id,
            owner: state.owner.clone(),
            cluster_id: policy.target.cluster_id,
            node_pool_id: policy.target.node_pool_id,
            enabled: policy.enabled,
            deleted: state.deleted,
            spec: serde_json::to_string(&policy_body(policy)).unwrap_or_default(),
            memory: serde_json::to_string(&memory_of(state)).unwrap_or_default(),
            version: state.version,
            created_at: state.created_at.unwrap_or_default(),
            updated_at: state.updated_at.unwrap_or_default(),
        })
    }

    fn to_state(&self) -> Result<AutoscalingPolicy, String> {
        let memory: Memory = from_json_text(&self.memory, "memory")?;
        Ok(AutoscalingPolicy {
            id: self.policy_id,
            owner: self.owner.clone(),
            policy: Some(self.policy()?),
            deleted: self.deleted,
            status: Status {
                current_nodes: memory.current_nodes,
                desired_nodes: memory.desired_nodes,
                last_evaluated_at: memory.last_evaluated_at,
                last_scale_at: memory.last_scale_at,
                conditions: memory
                    .conditions
                    .iter()
                    .map(condition)
                    .collect::<Result<_, _>>()?,
            },
            recommendations: memory
                .recommendations
                .iter()
                .map(|(at, count)| Recommendation {
                    at: *at,
                    count: *count,
                })
                .collect(),
            scale_events: memory
                .scale_events
                .iter()
                .map(|e| {
                    Ok(ScaleEvent {
                        from: e.from,
                        to: e.to,
                        started_at: e.started_at,
                        finished_at: e.finished_at,
                        status: scale_status(&e.status)?,
                    })
                })
                .collect::<Result<_, String>>()?,
            scaling_operation: memory.scaling_operation,
            version: self.version,
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        })
    }

    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.policy_id)
            .bind(&self.owner)
            .bind(self.cluster_id)
            .bind(self.node_pool_id)
            .bind(self.enabled)
            .bind(self.deleted)
            .bind(&self.spec)
            .bind(&self.memory)
            .bind(self.version)
            .bind(self.created_at)
            .bind(self.updated_at)
    }

    fn id(&self) -> Uuid {
        self.policy_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        self.to_state()
            .ok()
            .and_then(|state| representation(&state))
            .map(|r| to_value(&r))
            .unwrap_or(Value::Null)
    }
}
