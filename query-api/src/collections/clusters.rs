//! `/api/v1/clusters`: name, region, status, tags; deleted clusters hidden unless asked
//! for. Node pools are part of the row; nodes are read from the droplet table.

use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::cluster::ClusterRow;

use crate::collection::{Collection, Listed, equals, order, tags, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for ClusterRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/clusters",
        plural: "clusters",
        kind: "cluster",
        table: <ClusterRow as StateRow>::TABLE,
        id_column: <ClusterRow as StateRow>::ID_COLUMN,
        owner_column: "owner",
        fields: &[
            text("name", "name"),
            text("region", "region"),
            text("status", "status"),
            text("kube_version", "kube_version"),
            time("created_at", "created_at"),
            tags("tags", "tags"),
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
        gone: &[],
        cached: true,
    };

    fn columns() -> String {
        views::row::column_list::<ClusterRow>()
    }

    fn id(&self) -> Uuid {
        self.cluster_id
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
}
