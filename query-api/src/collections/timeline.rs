//! `/api/v1/clusters/{id}/events`: a cluster's timeline, oldest first by default,
//! filterable by type and time (`?since=` is a shortcut for `occurred_at >=`).

use serde_json::Value;
use uuid::Uuid;
use views::timeline::{COLUMNS, ClusterEventRow};

use crate::collection::{Collection, Listed, at_least, equals, order, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for ClusterEventRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/clusters/{id}/events",
        plural: "events",
        kind: "cluster_event",
        table: "cluster_event",
        id_column: "event_id",
        owner_column: "owner",
        fields: &[
            text("type", "event_type"),
            text("subject.kind", "subject_kind"),
            time("occurred_at", "occurred_at"),
        ],
        orders: &[order("occurred_at", "occurred_at", FieldKind::Time)],
        shortcuts: &[equals("type", "type"), at_least("since", "occurred_at")],
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
        1
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        ClusterEventRow::to_resource(self)
    }

    fn sort_key(&self, _field: &str) -> String {
        time_key(self.occurred_at)
    }
}
