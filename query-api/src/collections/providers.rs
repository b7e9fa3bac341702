//! `/api/v1/providers`: filterable by `name` and `created_at`; ordered by `created_at`
//! (default, newest first) or `name`. Providers belong to the platform (owner
//! `system`), so only admins list them; deleted ones read as gone (their row stays for
//! replays, flagged `deleted`).

use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::provider::ProviderRow;

use crate::collection::{Collection, Listed, order, text, time, time_key};
use crate::filter::FieldKind;

impl Listed for ProviderRow {
    const COLLECTION: Collection = Collection {
        path: "/api/v1/providers",
        plural: "providers",
        kind: "provider",
        table: <ProviderRow as StateRow>::TABLE,
        id_column: <ProviderRow as StateRow>::ID_COLUMN,
        owner_column: "owner",
        fields: &[text("name", "name"), time("created_at", "created_at")],
        orders: &[
            order("created_at", "created_at", FieldKind::Time),
            order("name", "name", FieldKind::Text),
        ],
        shortcuts: &[],
        soft_deleted: Some(("deleted", &[])),
        gone: &["1"],
        cached: true,
    };

    fn columns() -> String {
        views::row::column_list::<ProviderRow>()
    }

    fn id(&self) -> Uuid {
        self.provider_id
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
        self.deleted
    }
}
