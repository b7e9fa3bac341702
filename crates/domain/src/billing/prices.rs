//! The versioned price list (api.md §10, §14): a size's monthly price at any instant
//! (its catalog price since forever, then each `catalog::PRICE_CHANGES` entry from its
//! `effective_from`), and **the** pricing function `monthly_price_at`, which a provider's
//! `price_hourly_override` replaces when set. No price is ever assumed to be zero.

use chrono::{DateTime, Utc};

use crate::catalog::{self, PRICE_CHANGES};

/// A provider's `price_hourly_override` in micro-USD per hour; it replaces the catalog
/// price of every size for droplets placed there (monthly = hourly × 672).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceOverride {
    pub hourly_micro: u64,
}

impl PriceOverride {
    pub fn monthly_micro(self) -> u64 {
        self.hourly_micro.saturating_mul(672)
    }
}

/// One version of a price: in effect from `effective_from` until the next version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceVersion {
    /// `None` for the earliest version (in effect since forever).
    pub effective_from: Option<DateTime<Utc>>,
    pub monthly_micro: u64,
}

/// Every version of a size's price, oldest first; `None` for an unknown size.
pub fn versions(size_slug: &str) -> Option<Vec<PriceVersion>> {
    let size = catalog::find_size(size_slug)?;
    let mut all = vec![PriceVersion {
        effective_from: None,
        monthly_micro: size.price_monthly_micro,
    }];
    all.extend(
        PRICE_CHANGES
            .iter()
            .filter(|c| c.slug == size_slug)
            .map(|c| PriceVersion {
                effective_from: DateTime::from_timestamp(c.effective_from_unix, 0),
                monthly_micro: c.price_monthly_micro,
            }),
    );
    Some(all)
}

/// The monthly price of `size_slug` in effect at `at`, or the override's when given.
/// `None` only for a size the catalog does not know (and no override).
pub fn monthly_price_at(
    size_slug: &str,
    at: DateTime<Utc>,
    price_override: Option<PriceOverride>,
) -> Option<u64> {
    if let Some(price_override) = price_override {
        return Some(price_override.monthly_micro());
    }
    versions(size_slug)?
        .iter()
        .rev()
        .find(|v| v.effective_from.is_none_or(|from| from <= at))
        .map(|v| v.monthly_micro)
}

/// The instants inside `(start, end)` where the price of `size_slug` changes (none under
/// an override): where a run interval is split.
pub fn changes_between(
    size_slug: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    price_override: Option<PriceOverride>,
) -> Vec<DateTime<Utc>> {
    if price_override.is_some() {
        return Vec::new();
    }
    versions(size_slug)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.effective_from)
        .filter(|from| *from > start && *from < end)
        .collect()
}
