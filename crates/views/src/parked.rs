//! The dead-letter read model as operators see it: a `parked_event` row with its age and
//! the number of records of its aggregate queued behind it, mapped to the
//! `contract::observability::ParkedEvent` representation. Shared by query-api's
//! `/observability/parked_events` and the CLI's `parked list`; each runs its own query
//! with these select expressions. Nothing here writes or releases anything.

use chrono::{DateTime, Utc};
use contract::observability::ParkedEvent;

/// The select list of a `ParkedEventRow` over `parked_event p`: age and queue computed by
/// the server, so every reader agrees on them.
pub const SELECT: &str = "p.parked_event_id, p.partition_id, p.record_offset, p.aggregate_type, \
     p.aggregate_id, p.reason, p.parked_at, \
     CAST(TIMESTAMPDIFF(MICROSECOND, p.parked_at, UTC_TIMESTAMP(6)) / 1e6 AS DOUBLE) AS age_seconds, \
     (SELECT COUNT(*) FROM parked_event b WHERE b.projection = p.projection \
        AND b.aggregate_id = p.aggregate_id AND b.parked_event_id > p.parked_event_id) AS queued_behind";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct ParkedEventRow {
    pub parked_event_id: u64,
    pub partition_id: i32,
    pub record_offset: i64,
    pub aggregate_type: Option<String>,
    pub aggregate_id: Option<String>,
    pub reason: String,
    pub parked_at: DateTime<Utc>,
    pub age_seconds: f64,
    pub queued_behind: i64,
}

impl ParkedEventRow {
    pub fn to_contract(&self) -> ParkedEvent {
        ParkedEvent {
            id: self.parked_event_id,
            reason: self.reason.clone(),
            aggregate_type: self.aggregate_type.clone(),
            aggregate_id: self.aggregate_id.clone(),
            partition: self.partition_id,
            offset: self.record_offset,
            parked_at: crate::rfc3339(self.parked_at),
            age_seconds: self.age_seconds.max(0.0),
            queued_behind: self.queued_behind.max(0) as u64,
        }
    }
}
