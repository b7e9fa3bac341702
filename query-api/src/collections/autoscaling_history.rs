//! `/api/v1/autoscaling_policies/{id}/events` and `/decisions`: a policy's scaling
//! history and decision log as generic keyset lists, newest first, filterable by time.
//! The routes scope them to one visible policy.

use serde_json::Value;
use uuid::Uuid;
use views::autoscaling::history::{DECISION_COLUMNS, DecisionRow, EVENT_COLUMNS, ScalingEventRow};

use crate::collection::{Collection, Listed, order, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for ScalingEventRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/autoscaling_policies/{id}/events",
        plural: "events",
        kind: "scaling_event",
        table: "autoscaling_event",
        id_column: "operation_id",
        owner_column: "owner",
        fields: &[
            text("reason", "reason"),
            text("status", "status"),
            time("started_at", "started_at"),
        ],
        orders: &[order("started_at", "started_at", FieldKind::Time)],
        shortcuts: &[],
        soft_deleted: None,
        gone: &[],
        cached: false,
    };

    fn columns() -> String {
        EVENT_COLUMNS.join(", ")
    }

    fn id(&self) -> Uuid {
        self.operation_id
    }

    fn version(&self) -> u64 {
        1
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        serde_json::to_value(ScalingEventRow::to_resource(self)).unwrap_or_default()
    }

    fn sort_key(&self, _field: &str) -> String {
        time_key(self.started_at)
    }
}

impl Listed for DecisionRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/autoscaling_policies/{id}/decisions",
        plural: "decisions",
        kind: "autoscaler_decision",
        table: "autoscaler_decision",
        id_column: "event_id",
        owner_column: "owner",
        fields: &[time("evaluated_at", "evaluated_at")],
        orders: &[order("evaluated_at", "evaluated_at", FieldKind::Time)],
        shortcuts: &[],
        soft_deleted: None,
        gone: &[],
        cached: false,
    };

    fn columns() -> String {
        DECISION_COLUMNS.join(", ")
    }

    fn id(&self) -> Uuid {
        self.event_id
    }

    fn version(&self) -> u64 {
        1
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    /// The stored entry as it was written (`null` for one no longer readable).
    fn to_resource(&self) -> Value {
        serde_json::to_value(DecisionRow::to_resource(self)).unwrap_or_default()
    }

    fn sort_key(&self, _field: &str) -> String {
        time_key(self.evaluated_at)
    }
}
