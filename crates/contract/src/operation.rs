//! The Operation of a long-running mutation (api.md §9) and the answer to `:cancel`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::cluster::Reference;
use crate::problem::Problem;

/// Progress and outcome of one asynchronous mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    #[schema(example = "operation")]
    pub kind: String,
    pub id: Uuid,
    pub version: u64,
    #[serde(rename = "type")]
    #[schema(example = "node_pool.scale")]
    pub operation_type: String,
    pub target: Reference,
    /// `pending`, `running`, `succeeded`, `failed` or `cancelled`.
    #[schema(example = "running")]
    pub status: String,
    /// True once `succeeded`, `failed` or `cancelled`.
    pub done: bool,
    pub cancel_requested: bool,
    pub progress: Progress,
    pub requested_by: String,
    /// The correlation id of every event the operation caused.
    pub correlation_id: Uuid,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub started_at: String,
    #[schema(required = true, format = DateTime)]
    pub completed_at: Option<String>,
    /// Set when `succeeded`: the resource it produced or changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Reference>,
    /// Set when `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub percent: u32,
    pub step: String,
    pub message: String,
    pub steps_total: u32,
    pub steps_done: u32,
}

/// The answer to `POST /operations/{id}:cancel`: the request is recorded; the operation
/// ends `cancelled` only if its saga has not passed its point of no return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequested {
    #[schema(example = "operation")]
    pub kind: String,
    pub id: Uuid,
    pub cancel_requested: bool,
    pub done: bool,
    #[schema(example = "running")]
    pub status: String,
}
