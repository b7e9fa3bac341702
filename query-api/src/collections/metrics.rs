//! `/api/v1/clusters/{id}/metrics`: a cluster's samples, newest first, filterable by type
//! (`?type=`) and time (`?since=` is a shortcut for `sampled_at >=`). The owner comes
//! from the cluster row, so the list's owner scope applies as everywhere.

use serde_json::Value;
use uuid::Uuid;
use views::telemetry::{MetricSampleRow, OWNER};

use crate::collection::{Collection, Listed, at_least, equals, id, order, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for MetricSampleRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/clusters/{id}/metrics",
        plural: "metrics",
        kind: "metric_sample",
        table: "metric_sample",
        id_column: "sample_id",
        owner_column: OWNER,
        fields: &[
            text("type", "metric_type"),
            id("node_id", "node_id"),
            text("source", "source"),
            time("sampled_at", "sampled_at"),
        ],
        orders: &[order("sampled_at", "sampled_at", FieldKind::Time)],
        shortcuts: &[equals("type", "type"), at_least("since", "sampled_at")],
        soft_deleted: None,
        gone: &[],
        cached: false,
    };

    fn columns() -> String {
        views::telemetry::columns()
    }

    fn id(&self) -> Uuid {
        self.sample_id
    }

    fn version(&self) -> u64 {
        1
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        MetricSampleRow::to_resource(self)
    }

    fn sort_key(&self, _field: &str) -> String {
        time_key(self.sampled_at)
    }
}
