//! `/api/v1/events`: the audit feed, newest first by default. Filterable by aggregate,
//! event type, command and time; `since=`/`until=` stand for `recorded_at >=` / `<`, and
//! `aggregate_id=`, `aggregate_type=`, `type=` for equality terms. Members see the events
//! of aggregates they own (the collection's owner column); admins see all.

use serde_json::Value;
use uuid::Uuid;
use views::audit::{AuditEventRow, COLUMNS};

use crate::collection::{
    Collection, Listed, Shortcut, at_least, equals, id, order, text, time, time_key,
};
use crate::filter::FieldKind;

impl Listed for AuditEventRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/events",
        plural: "events",
        kind: "event",
        table: "audit_event",
        id_column: "event_id",
        owner_column: "owner",
        fields: &[
            id("aggregate_id", "aggregate_id"),
            text("aggregate_type", "aggregate_type"),
            text("type", "event_type"),
            text("command", "command_name"),
            text("principal", "principal"),
            text("correlation_id", "correlation_id"),
            time("recorded_at", "recorded_at"),
        ],
        orders: &[order("recorded_at", "recorded_at", FieldKind::Time)],
        shortcuts: &[
            equals("aggregate_id", "aggregate_id"),
            equals("aggregate_type", "aggregate_type"),
            equals("type", "type"),
            at_least("since", "recorded_at"),
            Shortcut {
                param: "until",
                field: "recorded_at",
                op: "<",
            },
        ],
        soft_deleted: None,
        gone: &[],
        cached: false,
    };

    fn columns() -> String {
        COLUMNS.join(", ")
    }

    fn id(&self) -> Uuid {
        self.event_id
    }

    fn version(&self) -> u64 {
        self.aggregate_version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        AuditEventRow::to_resource(self)
    }

    fn sort_key(&self, _field: &str) -> String {
        time_key(self.recorded_at)
    }
}
