//! The provider row (table `provider`) and its representation (features.md §2.8). The
//! row is a lossless copy of `domain::provider::Provider` — the reserved droplet ids with
//! their times are JSON text, `reserved` a column of its own for reads — and the
//! `Provider` resource is a pure function of it. Deleted providers keep their row,
//! flagged, so a replay folds onto it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use contract::provider::Provider as Resource;
use domain::name::ResourceName;
use domain::provider::{Provider, Spec};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::autoscaling::money_text;
use crate::row::{Bound, StateRow, from_json_text, json_text, rfc3339, to_value};

/// Every column of `provider`, in the order of `COLUMNS`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct ProviderRow {
    pub provider_id: Uuid,
    pub owner: String,
    pub name: String,
    /// JSON arrays of strings.
    pub regions: String,
    pub classes: String,
    pub capacity: u32,
    pub reserved: u32,
    /// Micro-USD per hour.
    pub price_hourly_override: Option<u64>,
    /// JSON object: droplet id → reserved since (RFC 3339).
    pub reservations: String,
    pub deleted: bool,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StateRow for ProviderRow {
    type State = Provider;
    const TABLE: &'static str = "provider";
    const ID_COLUMN: &'static str = "provider_id";
    const COLUMNS: &'static [&'static str] = &[
        "provider_id",
        "owner",
        "name",
        "regions",
        "classes",
        "capacity",
        "reserved",
        "price_hourly_override",
        "reservations",
        "deleted",
        "version",
        "created_at",
        "updated_at",
    ];

    fn from_state(state: &Provider) -> Option<Self> {
        if state.version == 0 {
            return None;
        }
        Some(Self {
            provider_id: state.id,
            owner: domain::provider::OWNER.to_owned(),
            name: state.name.to_string(),
            regions: json_text(&state.spec.regions),
            classes: json_text(&state.spec.classes),
            capacity: state.spec.capacity,
            reserved: state.reserved(),
            price_hourly_override: state.spec.price_hourly_override,
            reservations: json_text(&state.reservations),
            deleted: state.deleted,
            version: state.version,
            created_at: state.created_at.unwrap_or_default(),
            updated_at: state.updated_at.unwrap_or_default(),
        })
    }

    fn to_state(&self) -> Result<Provider, String> {
        let reservations: BTreeMap<Uuid, DateTime<Utc>> =
            from_json_text(&self.reservations, "reservations")?;
        Ok(Provider {
            id: self.provider_id,
            name: ResourceName::parse(&self.name)
                .map_err(|e| format!("stored name {:?}: {e}", self.name))?,
            spec: Spec {
                regions: from_json_text(&self.regions, "regions")?,
                classes: from_json_text(&self.classes, "classes")?,
                capacity: self.capacity,
                price_hourly_override: self.price_hourly_override,
            },
            reservations,
            deleted: self.deleted,
            version: self.version,
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        })
    }

    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.provider_id)
            .bind(&self.owner)
            .bind(&self.name)
            .bind(&self.regions)
            .bind(&self.classes)
            .bind(self.capacity)
            .bind(self.reserved)
            .bind(self.price_hourly_override)
            .bind(&self.reservations)
            .bind(self.deleted)
            .bind(self.version)
            .bind(self.created_at)
            .bind(self.updated_at)
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
        to_value(&self.to_provider())
    }
}

impl ProviderRow {
    /// The `Provider` resource.
    pub fn to_provider(&self) -> Resource {
        Resource {
            kind: "provider".into(),
            id: self.provider_id,
            name: self.name.clone(),
            regions: serde_json::from_str(&self.regions).unwrap_or_default(),
            classes: serde_json::from_str(&self.classes).unwrap_or_default(),
            capacity: self.capacity,
            reserved: self.reserved,
            available: self.capacity.saturating_sub(self.reserved),
            price_hourly_override: self.price_hourly_override.map(money_text),
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            version: self.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::Aggregate;
    use domain::provider::ProviderEvent;

    use super::*;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0)
            .single()
            .expect("time")
    }

    fn history() -> Vec<ProviderEvent> {
        vec![
            ProviderEvent::Registered {
                id: Uuid::from_u128(1),
                name: ResourceName::parse("edge-1").expect("valid"),
                spec: Spec {
                    regions: vec!["nyc1".into()],
                    classes: vec!["standard".into()],
                    capacity: 3,
                    price_hourly_override: Some(12_500),
                },
                at: at(),
            },
            ProviderEvent::CapacityReserved {
                droplet_id: Uuid::from_u128(7),
                at: at(),
            },
        ]
    }

    #[test]
    fn a_row_maps_back_to_the_state_it_came_from() {
        let state = Provider::replay(&history());
        let row = ProviderRow::from_state(&state).expect("registered");
        assert_eq!(row.to_state(), Ok(state));
    }

    #[test]
    fn the_representation_counts_slots_and_prices_in_dollars() {
        let row = ProviderRow::from_state(&Provider::replay(&history())).expect("registered");
        let resource = row.to_resource();
        assert_eq!(
            (
                resource["reserved"].as_u64(),
                resource["available"].as_u64()
            ),
            (Some(1), Some(2))
        );
        assert_eq!(resource["price_hourly_override"], "0.0125");
        assert_eq!(resource["kind"], "provider");
    }
}
