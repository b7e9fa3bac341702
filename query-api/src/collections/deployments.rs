//! `/api/v1/clusters/{id}/deployments` and `/revisions`: a cluster's deployments and its
//! revisions (the same `deployment` rows read two ways), newest first. The routes scope
//! both to one visible cluster; `GET /deployments/{id}` reads one row.

use serde_json::Value;
use uuid::Uuid;
use views::deployment::row::{COLUMNS, DeploymentRow, REVISION_COLUMNS, RevisionRow};

use crate::collection::{Collection, Listed, order, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for DeploymentRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/clusters/{id}/deployments",
        plural: "deployments",
        kind: "deployment",
        table: "deployment",
        id_column: "deployment_id",
        owner_column: "owner",
        fields: &[
            text("status", "status"),
            text("image", "image"),
            time("created_at", "created_at"),
        ],
        orders: &[order("created_at", "created_at", FieldKind::Time)],
        shortcuts: &[],
        soft_deleted: None,
        gone: &[],
        cached: false,
    };

    fn columns() -> String {
        COLUMNS.join(", ")
    }

    fn id(&self) -> Uuid {
        self.deployment_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        DeploymentRow::to_resource(self)
    }

    fn sort_key(&self, _field: &str) -> String {
        time_key(self.created_at)
    }
}

impl Listed for RevisionRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/clusters/{id}/revisions",
        plural: "revisions",
        kind: "revision",
        table: "deployment",
        id_column: "deployment_id",
        owner_column: "owner",
        fields: &[time("created_at", "created_at")],
        orders: &[order("created_at", "created_at", FieldKind::Time)],
        shortcuts: &[],
        soft_deleted: None,
        gone: &[],
        cached: false,
    };

    fn columns() -> String {
        REVISION_COLUMNS.join(", ")
    }

    fn id(&self) -> Uuid {
        self.deployment_id
    }

    fn version(&self) -> u64 {
        1
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        views::row::to_value(&RevisionRow::to_resource(self))
    }

    fn sort_key(&self, _field: &str) -> String {
        time_key(self.created_at)
    }
}
