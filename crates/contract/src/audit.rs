//! The audit feed (api.md §11 `/events`, `/events:stream`): one entry per event of any
//! aggregate, as the log recorded it. Types only; the `summary` is a bounded object of
//! the event's facts that never holds secrets (the projector's audit view decides it).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::cluster::Reference;

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    #[schema(example = "event")]
    pub kind: String,
    /// The event id: UUIDv5 of the command id and the event's index.
    pub id: Uuid,
    #[serde(rename = "type")]
    #[schema(example = "droplet.provisioned")]
    pub event_type: String,
    pub schema_version: u32,
    /// The aggregate the event belongs to (`kind` is its aggregate type).
    pub aggregate: Reference,
    /// The aggregate's version after this event.
    pub aggregate_version: u64,
    /// The command that emitted it, e.g. `droplet.create`.
    #[schema(example = "droplet.create")]
    pub command: String,
    /// Who issued the command.
    pub principal: String,
    /// Who owns the aggregate; members see only their own events.
    pub owner: String,
    /// The operation or request the command belongs to.
    pub correlation_id: String,
    /// Where the event's record lies in `cluster-events`.
    pub partition: i32,
    pub offset: i64,
    /// The event's place in its partition's stream: `partition:position` (for SSE ids).
    #[schema(example = "3:1245184")]
    pub position: String,
    #[schema(format = DateTime)]
    pub recorded_at: String,
    /// A few facts of the payload (operation ids and progress, a one-line message);
    /// at most 1 KiB, never secrets such as `user_data`.
    #[schema(value_type = Object)]
    pub summary: Value,
}
