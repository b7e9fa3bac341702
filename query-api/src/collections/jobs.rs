//! `/api/v1/jobs`: filterable by status, type, queue, priority, cluster and times;
//! ordered by `created_at` (default, newest first), `run_at` or `priority`. Deleted jobs
//! read as gone everywhere (their row stays for replays, flagged `deleted`).

use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::job::JobRow;

use crate::collection::{Collection, Listed, equals, id, order, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for JobRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/jobs",
        plural: "jobs",
        kind: "job",
        table: <JobRow as StateRow>::TABLE,
        id_column: <JobRow as StateRow>::ID_COLUMN,
        owner_column: "owner",
        fields: &[
            text("status", "status"),
            text("type", "job_type"),
            text("queue", "queue"),
            text("priority", "priority"),
            text("unique_key", "unique_key"),
            id("cluster_id", "cluster_id"),
            time("created_at", "created_at"),
            time("run_at", "run_at"),
        ],
        orders: &[
            order("created_at", "created_at", FieldKind::Time),
            order("run_at", "run_at", FieldKind::Time),
            order("priority", "priority", FieldKind::Text),
        ],
        shortcuts: &[
            equals("status", "status"),
            equals("type", "type"),
            equals("queue", "queue"),
            equals("priority", "priority"),
            equals("cluster_id", "cluster_id"),
        ],
        // `deleted` is a flag: rows with it set are gone, nothing is merely hidden.
        soft_deleted: Some(("deleted", &[])),
        gone: &["1"],
        cached: true,
    };

    fn columns() -> String {
        views::row::column_list::<JobRow>()
    }

    fn id(&self) -> Uuid {
        self.job_id
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
            "run_at" => time_key(self.run_at),
            "priority" => self.priority.to_string(),
            _ => time_key(self.created_at),
        }
    }

    fn is_gone(&self) -> bool {
        self.deleted
    }
}
