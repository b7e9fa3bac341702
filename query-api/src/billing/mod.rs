//! Billing reads (api.md §14): `[billing]` settings, the caller's and a cluster's runs
//! from `usage_interval` (`store.rs`), the estimate body read field by field
//! (`estimate_body.rs`), and the conversion of `domain::billing` results into contract
//! types (`render.rs`). Money is computed here at read time by the pure domain functions;
//! nothing is written.

pub mod estimate_body;
pub mod render;
pub mod store;

use domain::billing::{Granularity, PriceOverride};
use serde::Deserialize;

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

/// The price override of a run placed with `provider` (its `price_hourly_override`).
/// Providers are not read here yet, so every run is priced from the catalog; the one
/// place to look the override up once they are.
pub fn price_override_for(_provider: Option<&str>) -> Option<PriceOverride> {
    None
}
