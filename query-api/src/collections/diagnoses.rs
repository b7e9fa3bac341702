//! `/api/v1/clusters/{id}/diagnoses`: a cluster's recorded diagnoses, newest first,
//! filterable by source and insight counts. The route scopes it to the cluster.

use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::diagnosis::DiagnosisRow;

use crate::collection::{Collection, Listed, id, order, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for DiagnosisRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/clusters/{id}/diagnoses",
        plural: "diagnoses",
        kind: "diagnosis",
        table: "diagnosis",
        id_column: "diagnosis_id",
        owner_column: "owner",
        fields: &[
            text("source", "source"),
            id("job_id", "job_id"),
            id("operation_id", "operation_id"),
            time("completed_at", "recorded_at"),
        ],
        orders: &[order("completed_at", "recorded_at", FieldKind::Time)],
        shortcuts: &[],
        soft_deleted: None,
        gone: &[],
        cached: false,
    };

    fn columns() -> String {
        views::row::column_list::<DiagnosisRow>()
    }

    fn id(&self) -> Uuid {
        self.diagnosis_id
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
        time_key(self.recorded_at)
    }
}
