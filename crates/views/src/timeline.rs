//! The cluster timeline (`GET /clusters/{id}/events`, DO's `status_messages`): one row
//! per event of a cluster or of one of its nodes, with a one-line message. Rows are
//! appended by the projector and never changed; the message is written from the event's
//! facts alone.

use chrono::{DateTime, Utc};
use contract::cluster::{ClusterEvent, Reference};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::row::{Bound, rfc3339};

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
    /// Binds every column of `COLUMNS`, in that order.
    pub fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.event_id)
            .bind(self.cluster_id)
            .bind(&self.owner)
            .bind(&self.event_type)
            .bind(&self.subject_kind)
            .bind(self.subject_id)
            .bind(&self.message)
            .bind(self.operation_id)
            .bind(self.occurred_at)
    }

    pub fn to_resource(&self) -> Value {
        crate::row::to_value(&self.to_event())
    }

    /// One entry of the cluster timeline.
    pub fn to_event(&self) -> ClusterEvent {
        ClusterEvent {
            kind: "cluster_event".into(),
            id: self.event_id,
            event_type: self.event_type.clone(),
            subject: Reference {
                kind: self.subject_kind.clone(),
                id: self.subject_id,
            },
            message: self.message.clone(),
            operation_id: self.operation_id,
            occurred_at: rfc3339(self.occurred_at),
        }
    }
}
