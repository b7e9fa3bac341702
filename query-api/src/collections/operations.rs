//! `/api/v1/operations`: filter by type, status and target (`target.id`,
//! `target.kind`), newest first.

use serde_json::Value;
use uuid::Uuid;
use views::operation::{COLUMNS, OperationRow};

use crate::collection::{Collection, Listed, equals, id, order, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for OperationRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/operations",
        plural: "operations",
        kind: "operation",
        table: "operation",
        id_column: "operation_id",
        owner_column: "owner",
        fields: &[
            text("type", "op_type"),
            text("status", "status"),
            id("target.id", "target_id"),
            text("target.kind", "target_kind"),
            time("created_at", "created_at"),
        ],
        orders: &[order("created_at", "created_at", FieldKind::Time)],
        shortcuts: &[equals("type", "type"), equals("status", "status")],
        soft_deleted: None,
        gone: &[],
        cached: false,
    };

    fn columns() -> String {
        COLUMNS.join(", ")
    }

    fn id(&self) -> Uuid {
        self.operation_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        OperationRow::to_resource(self)
    }

    fn sort_key(&self, _field: &str) -> String {
        time_key(self.created_at)
    }

    fn retry_after(&self) -> Option<u32> {
        (!self.is_done()).then(|| OperationRow::retry_after(self))
    }
}
