//! Billing reads (api.md §14): `[billing]` settings, the caller's and a cluster's runs
//! from `usage_interval` (`store.rs`), the estimate body read field by field
//! (`estimate_body.rs`), and the conversion of `domain::billing` results into contract
//! types (`render.rs`). Money is computed here at read time by the pure domain functions;
//! nothing is written.

pub mod estimate_body;
pub mod render;
pub mod store;

use std::collections::HashMap;

use domain::billing::{Granularity, PriceOverride};
use serde::Deserialize;
use sqlx::MySqlPool;

use crate::error::QueryError;

/// `[billing]` of query-api's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct BillingSettings {
    /// `second` (per-second metering, minimum max(60 s, $0.01) per resource-month) or
    /// `hour` (every started hour counts).
    pub granularity: String,
}

impl Default for BillingSettings {
    fn default() -> Self {
        Self {
            granularity: "second".into(),
        }
    }
}

impl BillingSettings {
    /// The configured granularity; an unknown one stops the service at start.
    pub fn granularity(&self) -> anyhow::Result<Granularity> {
        Granularity::parse(&self.granularity).ok_or_else(|| {
            anyhow::anyhow!(
                "billing.granularity {:?} is neither \"second\" nor \"hour\"",
                self.granularity
            )
        })
    }
}

/// The granularity handlers meter with, checked at start.
#[derive(Debug, Clone, Copy)]
pub struct Metering(pub Granularity);

/// Every provider's `price_hourly_override`, by provider name (runs store the name):
/// what a run placed there is priced at instead of the catalog. A live provider wins over
/// deleted ones of the same name. Overrides are not versioned: a changed override
/// re-prices the provider's past runs too (the catalog's own prices are versioned).
#[derive(Debug, Default)]
pub struct Overrides(HashMap<String, PriceOverride>);

impl Overrides {
    pub async fn load(db: &MySqlPool) -> Result<Self, QueryError> {
        let rows: Vec<(String, u64)> = sqlx::query_as(
            "SELECT name, price_hourly_override FROM provider \
             WHERE price_hourly_override IS NOT NULL ORDER BY deleted DESC, updated_at",
        )
        .fetch_all(db)
        .await?;
        Ok(Self(
            rows.into_iter()
                .map(|(name, hourly_micro)| (name, PriceOverride { hourly_micro }))
                .collect(),
        ))
    }

    /// The override of a run placed with `provider`, if that provider has one.
    pub fn of(&self, provider: Option<&str>) -> Option<PriceOverride> {
        provider.and_then(|name| self.0.get(name).copied())
    }
}
