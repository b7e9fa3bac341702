//! Deployments (api.md §10, §11, §12.4): the `Deployment` representation (the LRO of a
//! rollout), the revision list, and the bodies of `POST /clusters/{id}/deployments` and
//! `:rollback`. The resource-kind field every representation has is `kind`, so the
//! deployment's own kind (`rollout`/`rollback`) is served as `deployment_kind`. Types
//! only; must never compute a default, a plan or a transition.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// `pause: {duration_seconds?}`; without a duration it waits for `:resume`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<u32>,
}

/// One Argo-style canary step: exactly one of `set_weight`, `pause`, `analysis`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CanaryStepBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_weight: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<PauseBody>,
    /// `{}`: run the deployment's analysis here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub analysis: Option<Value>,
}

/// `{type: rolling | blue_green | canary, …}` with the fields of its type.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyBody {
    #[serde(rename = "type")]
    #[schema(example = "canary")]
    pub strategy_type: String,
    /// Rolling: `"25%"` or a replica count (rounded up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "25%")]
    pub max_surge: Option<Value>,
    /// Rolling: `"25%"` or a replica count (rounded down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "25%")]
    pub max_unavailable: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down_delay_seconds: Option<u32>,
    /// Blue-green: `{}` runs the deployment's analysis before switching traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub pre_promotion_analysis: Option<Value>,
    /// Blue-green: `{}` runs the deployment's analysis after switching traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub post_promotion_analysis: Option<Value>,
    /// Canary, Argo style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<CanaryStepBody>>,
    /// Canary, Flagger style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_weight: Option<u32>,
    /// Canary, Flagger style: the original's `target_percent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_weight: Option<u32>,
}

/// One analysis metric (api.md §12.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricBody {
    /// `success_rate` or `latency_p99_ms`.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[schema(example = "result >= 0.95")]
    pub success_condition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_condition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisBody {
    pub metrics: Vec<MetricBody>,
}

/// `POST /api/v1/clusters/{id}/deployments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartDeployment {
    pub image: String,
    /// Default 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Hashed into `config_hash`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub config: Option<Value>,
    pub strategy: StrategyBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<AnalysisBody>,
    /// Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_rollback: Option<bool>,
    /// Default 600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<u32>,
    /// Cancel a deployment in progress instead of `409 DEPLOYMENT_IN_PROGRESS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersede: Option<bool>,
}

/// `POST /api/v1/clusters/{id}/deployments:rollback`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackDeployment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_revision: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_deployment_id: Option<Uuid>,
    /// Default: true when the target is one of the last 3 revisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_analysis: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionRef {
    pub number: u32,
    pub image: String,
    pub config_hash: String,
    pub replicas: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentStep {
    pub index: u32,
    pub name: String,
    /// `pending`, `running`, `succeeded`, `failed` or `skipped`.
    pub status: String,
    pub message: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub steps: Vec<DeploymentStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricResult {
    pub name: String,
    pub value: f64,
    pub success_condition: String,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisRunView {
    /// The step it ran at; null after promotion.
    pub step: Option<u32>,
    /// `successful`, `failed` or `inconclusive`.
    pub result: String,
    pub metrics: Vec<MetricResult>,
    pub at: String,
}

/// A deployment (api.md §10): the LRO of a rollout or rollback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// Always `deployment`.
    pub kind: String,
    pub id: Uuid,
    pub cluster_id: Uuid,
    pub revision: RevisionRef,
    /// `rollout` or `rollback`.
    pub deployment_kind: String,
    /// For a rollback: the deployment whose revision it restores.
    pub rollback_of: Option<Uuid>,
    pub strategy: StrategyBody,
    pub analysis: Option<AnalysisBody>,
    pub auto_rollback: bool,
    pub skip_analysis: bool,
    pub progress_deadline_seconds: u32,
    /// `pending`, `progressing`, `paused`, `promoting`, `succeeded`, `rolling_back`,
    /// `rolled_back`, `failed`, `cancelled` or `superseded`.
    pub status: String,
    pub current_step: Option<u32>,
    pub canary_weight: u32,
    pub message: String,
    pub progress: Progress,
    pub analysis_runs: Vec<AnalysisRunView>,
    pub created_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
    pub version: u64,
}

/// One revision of a cluster: what a rollback can target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub number: u32,
    pub deployment_id: Uuid,
    pub image: String,
    pub config_hash: String,
    pub created_at: String,
    pub is_active: bool,
}

crate::envelope::page!(
    /// A page of a cluster's deployments, newest first.
    DeploymentPage, deployments, Deployment
);
crate::envelope::page!(
    /// A page of a cluster's revisions, newest first.
    RevisionPage, revisions, Revision
);
