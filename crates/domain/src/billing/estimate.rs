//! Estimates (`POST /billing/estimates`, api.md §14): a proposed set of resources priced
//! with the same rules as real usage — the price in effect at the given instant, each
//! item capped at its monthly price (672 h). Every bad item field is reported with its
//! JSON pointer, so the caller can answer one 422 naming all of them.

use chrono::{DateTime, Utc};

use super::money::{CAP_SECONDS, charge_micro, hourly_micro};
use super::prices::{self, PriceOverride};

/// Hours an item runs when the request leaves them out: a whole month as DO counts it.
pub const DEFAULT_HOURS: u32 = 730;
/// The longest month.
pub const MAX_HOURS: u32 = 744;
pub const MAX_COUNT: u32 = 1000;
pub const MAX_ITEMS: usize = 100;

/// One requested item, as read from the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstimateItem {
    pub kind: String,
    pub size_slug: String,
    /// As sent; out of range is a field problem.
    pub count: i64,
    /// As sent; `None` = `DEFAULT_HOURS`.
    pub hours: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstimateLine {
    pub size_slug: String,
    pub count: u32,
    pub hours: u32,
    pub unit_hourly_micro: u64,
    pub unit_monthly_micro: u64,
    /// `count` × the capped charge of `hours` at the monthly price.
    pub amount_micro: u64,
    pub capped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    /// What the items cost per hour while running (before the cap).
    pub hourly_total_micro: u64,
    /// The sum of the items' amounts.
    pub monthly_total_micro: u64,
    pub lines: Vec<EstimateLine>,
}

/// A bad field: its JSON pointer in the request body and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub pointer: String,
    pub reason: String,
}

/// What every estimate assumes, for the answer's `assumptions[]`.
pub fn assumptions() -> Vec<String> {
    vec![
        format!("items without hours run {DEFAULT_HOURS} h (a whole month)"),
        "price_hourly = price_monthly / 672; a resource's charge is capped at its monthly \
         price, reached at 672 h"
            .into(),
        "catalog prices in effect now; a provider's price override is not applied".into(),
        "per-second metering; a resource-month costs at least max(60 s, $0.01)".into(),
    ]
}

/// Prices `items` at the prices in effect at `at`.
pub fn estimate(
    items: &[EstimateItem],
    at: DateTime<Utc>,
    price_override: Option<PriceOverride>,
) -> Result<Estimate, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    if items.is_empty() || items.len() > MAX_ITEMS {
        problems.push(problem(
            "/items",
            format!("must hold 1 to {MAX_ITEMS} items"),
        ));
    }
    let mut lines = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match line(index, item, at, price_override) {
            Ok(line) => lines.push(line),
            Err(mut bad) => problems.append(&mut bad),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Estimate {
        hourly_total_micro: lines
            .iter()
            .map(|l| l.unit_hourly_micro * u64::from(l.count))
            .sum(),
        monthly_total_micro: lines.iter().map(|l| l.amount_micro).sum(),
        lines,
    })
}

fn line(
    index: usize,
    item: &EstimateItem,
    at: DateTime<Utc>,
    price_override: Option<PriceOverride>,
) -> Result<EstimateLine, Vec<FieldProblem>> {
    let at_field = |field: &str| format!("/items/{index}/{field}");
    let mut problems = Vec::new();
    if item.kind != "droplet" {
        problems.push(problem(
            &at_field("kind"),
            "only \"droplet\" is priced".into(),
        ));
    }
    let monthly = prices::monthly_price_at(&item.size_slug, at, price_override);
    if monthly.is_none() {
        problems.push(problem(
            &at_field("size"),
            format!("unknown size {:?}", item.size_slug),
        ));
    }
    let count = u32::try_from(item.count)
        .ok()
        .filter(|c| (1..=MAX_COUNT).contains(c));
    if count.is_none() {
        problems.push(problem(
            &at_field("count"),
            format!("must be 1 to {MAX_COUNT}"),
        ));
    }
    let hours = item
        .hours
        .map_or(Some(DEFAULT_HOURS), |h| u32::try_from(h).ok())
        .filter(|h| (1..=MAX_HOURS).contains(h));
    if hours.is_none() {
        problems.push(problem(
            &at_field("hours"),
            format!("must be 1 to {MAX_HOURS}"),
        ));
    }
    match (monthly, count, hours) {
        (Some(monthly), Some(count), Some(hours)) if problems.is_empty() => {
            let seconds = u64::from(hours) * 3600;
            let (each, _) = charge_micro(seconds, monthly);
            Ok(EstimateLine {
                size_slug: item.size_slug.clone(),
                count,
                hours,
                unit_hourly_micro: hourly_micro(monthly),
                unit_monthly_micro: monthly,
                amount_micro: each * u64::from(count),
                capped: seconds >= CAP_SECONDS,
            })
        }
        _ => Err(problems),
    }
}

fn problem(pointer: &str, reason: String) -> FieldProblem {
    FieldProblem {
        pointer: pointer.to_owned(),
        reason,
    }
}
