//! The cluster timeline (`GET /clusters/{id}/events`, DO's `status_messages`): one row
//! per event of a cluster or of one of its nodes, with a one-line message. Rows are
//! appended by the projector and never changed; the message is written from the event's
//! facts alone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::row::rfc3339;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct ClusterEventRow {
    pub event_id: Uuid,
    pub cluster_id: Uuid,
    pub owner: String,
    pub event_type: String,
    pub subject_kind: String,
    pub subject_id: Uuid,
    pub message: String,
    pub operation_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
}

pub const COLUMNS: &[&str] = &[
    "event_id",
    "cluster_id",
    "owner",
    "event_type",
    "subject_kind",
    "subject_id",
    "message",
    "operation_id",
    "occurred_at",
];

impl ClusterEventRow {
    pub fn to_resource(&self) -> Value {
        json!({
            "kind": "cluster_event",
            "id": self.event_id.to_string(),
            "type": self.event_type,
            "subject": { "kind": self.subject_kind, "id": self.subject_id.to_string() },
            "message": self.message,
            "operation_id": self.operation_id.map(|id| id.to_string()),
            "occurred_at": rfc3339(self.occurred_at),
        })
    }
}
