//! The audit feed's rows (`audit_event`): one per event of any aggregate, appended by the
//! projector's audit view and never changed, read by query-api's `/events` list and SSE
//! streams. `stream_position` orders a partition's events (see the migration); the
//! cursor helpers here are the one place that encodes it. No decisions are made here.

use chrono::{DateTime, Utc};
use contract::audit::AuditEvent;
use contract::cluster::Reference;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::row::{Bound, rfc3339};

/// Positions per record: an event's position is `offset * EVENTS_PER_RECORD + index`.
pub const EVENTS_PER_RECORD: i64 = 65_536;

/// The first stream position of record `offset` (its event 0).
pub fn record_position(offset: i64) -> i64 {
    offset.saturating_mul(EVENTS_PER_RECORD)
}

/// The stream position of event `index` of record `offset`.
pub fn event_position(offset: i64, index: usize) -> i64 {
    let index = i64::try_from(index)
        .unwrap_or(EVENTS_PER_RECORD - 1)
        .min(EVENTS_PER_RECORD - 1);
    record_position(offset) + index
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct AuditEventRow {
    pub event_id: Uuid,
    pub aggregate_type: String,
    pub aggregate_id: Uuid,
    pub event_type: String,
    pub schema_version: u32,
    pub aggregate_version: u64,
    pub partition_id: i32,
    pub log_offset: i64,
    pub stream_position: i64,
    pub command_name: String,
    pub principal: String,
    pub owner: String,
    pub correlation_id: String,
    pub recorded_at: DateTime<Utc>,
    /// JSON text of the bounded summary.
    pub summary: String,
}

pub const COLUMNS: &[&str] = &[
    "event_id",
    "aggregate_type",
    "aggregate_id",
    "event_type",
    "schema_version",
    "aggregate_version",
    "partition_id",
    "log_offset",
    "stream_position",
    "command_name",
    "principal",
    "owner",
    "correlation_id",
    "recorded_at",
    "summary",
];

impl AuditEventRow {
    /// Binds every column of `COLUMNS`, in that order.
    pub fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.event_id)
            .bind(&self.aggregate_type)
            .bind(self.aggregate_id)
            .bind(&self.event_type)
            .bind(self.schema_version)
            .bind(self.aggregate_version)
            .bind(self.partition_id)
            .bind(self.log_offset)
            .bind(self.stream_position)
            .bind(&self.command_name)
            .bind(&self.principal)
            .bind(&self.owner)
            .bind(&self.correlation_id)
            .bind(self.recorded_at)
            .bind(&self.summary)
    }

    pub fn to_resource(&self) -> Value {
        crate::row::to_value(&self.to_event())
    }

    pub fn to_event(&self) -> AuditEvent {
        AuditEvent {
            kind: "event".into(),
            id: self.event_id,
            event_type: self.event_type.clone(),
            schema_version: self.schema_version,
            aggregate: Reference {
                kind: self.aggregate_type.clone(),
                id: self.aggregate_id,
            },
            aggregate_version: self.aggregate_version,
            command: self.command_name.clone(),
            principal: self.principal.clone(),
            owner: self.owner.clone(),
            correlation_id: self.correlation_id.clone(),
            partition: self.partition_id,
            offset: self.log_offset,
            position: format!("{}:{}", self.partition_id, self.stream_position),
            recorded_at: rfc3339(self.recorded_at),
            summary: serde_json::from_str(&self.summary)
                .unwrap_or_else(|_| Value::Object(Default::default())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_grow_with_offset_then_index() {
        assert!(event_position(7, 3) < event_position(8, 0));
        assert_eq!(event_position(8, 0), record_position(8));
        assert_eq!(event_position(0, usize::MAX), EVENTS_PER_RECORD - 1);
    }
}
