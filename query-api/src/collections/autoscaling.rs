//! `/api/v1/autoscaling_policies`: filterable by `target.cluster_id`,
//! `target.node_pool_id` and `created_at` (shortcut `cluster_id=`); ordered by
//! `created_at`, newest first. Deleted policies read as gone (their row stays for
//! replays, flagged `deleted`).

use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::autoscaling::row::AutoscalingPolicyRow;

use crate::collection::{Collection, Listed, equals, id, order, time, time_key};
use crate::filter::FieldKind;

impl Listed for AutoscalingPolicyRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/autoscaling_policies",
        plural: "autoscaling_policies",
        kind: "autoscaling_policy",
        table: <AutoscalingPolicyRow as StateRow>::TABLE,
        id_column: <AutoscalingPolicyRow as StateRow>::ID_COLUMN,
        owner_column: "owner",
        fields: &[
            id("target.cluster_id", "cluster_id"),
            id("target.node_pool_id", "node_pool_id"),
            time("created_at", "created_at"),
        ],
        orders: &[order("created_at", "created_at", FieldKind::Time)],
        shortcuts: &[equals("cluster_id", "target.cluster_id")],
        soft_deleted: Some(("deleted", &[])),
        gone: &["1"],
        cached: true,
    };

    fn columns() -> String {
        views::row::column_list::<AutoscalingPolicyRow>()
    }

    fn id(&self) -> Uuid {
        self.policy_id
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

    fn sort_key(&self, _field: &str) -> String {
        time_key(self.created_at)
    }

    fn is_gone(&self) -> bool {
        self.deleted
    }
}
