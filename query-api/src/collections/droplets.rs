//! `/api/v1/droplets`: filter fields, orders and shortcuts of api.md §3 (`tag_name` is
//! membership in `tags`); deleted droplets hidden unless asked for, purged ones gone.

use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::droplet::DropletRow;

use crate::collection::{Collection, Listed, equals, id, order, tags, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for DropletRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/droplets",
        plural: "droplets",
        kind: "droplet",
        table: <DropletRow as StateRow>::TABLE,
        id_column: <DropletRow as StateRow>::ID_COLUMN,
        owner_column: "owner",
        fields: &[
            text("name", "name"),
            text("region", "region"),
            text("status", "status"),
            text("size_slug", "size_slug"),
            text("image", "image"),
            time("created_at", "created_at"),
            tags("tags", "tags"),
            id("cluster_id", "cluster_id"),
            id("node_pool_id", "node_pool_id"),
        ],
        orders: &[
            order("created_at", "created_at", FieldKind::Time),
            order("name", "name", FieldKind::Text),
        ],
        shortcuts: &[
            equals("name", "name"),
            equals("region", "region"),
            equals("status", "status"),
            equals("tag_name", "tags"),
        ],
        soft_deleted: Some(("status", &["deleted"])),
        gone: &["purged"],
        cached: true,
    };

    fn columns() -> String {
        views::row::column_list::<DropletRow>()
    }

    fn id(&self) -> Uuid {
        self.droplet_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        StateRow::to_resource(self)
    }

    fn sort_key(&self, field: &str) -> String {
        match field {
            "name" => self.name.clone(),
            _ => time_key(self.created_at),
        }
    }

    fn is_gone(&self) -> bool {
        DropletRow::is_gone(self)
    }
}
