//! Metering (api.md §14): run intervals of resources (a droplet from provisioned to
//! deleted, one interval per size) become charges for one month — each run clipped to
//! the month and to `now`, split at price changes, grouped per (resource, size, price),
//! measured in the configured granularity, capped at the monthly price, and in `second`
//! granularity raised to the resource-month minimum of max(60 s, $0.01). Runs are facts
//! stored by the projector; money is computed here at read time, so a price change or a
//! month boundary always splits the same way.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::money::{CENT, charge_micro};
use super::period::Month;
use super::prices::{self, PriceOverride};

/// How run time is counted (`[billing] granularity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Granularity {
    /// Per second, with a minimum charge per resource-month of max(60 s, $0.01).
    #[default]
    Second,
    /// Every started hour counts (DO's older rule).
    Hour,
}

impl Granularity {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "second" => Some(Self::Second),
            "hour" => Some(Self::Hour),
            _ => None,
        }
    }

    /// The unit of an invoice line's `duration`.
    pub fn duration_unit(self) -> &'static str {
        match self {
            Self::Second => "seconds",
            Self::Hour => "hours",
        }
    }

    /// Whole seconds that bill for `elapsed_micros` of run time.
    pub fn billable_seconds(self, elapsed_micros: i64) -> u64 {
        let micros = u64::try_from(elapsed_micros).unwrap_or(0);
        match self {
            Self::Second => micros.div_ceil(1_000_000),
            Self::Hour => micros.div_ceil(3_600_000_000) * 3600,
        }
    }
}

/// One interval a resource ran at one size (`end` = `None`: still running).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub resource_id: Uuid,
    pub size_slug: String,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub price_override: Option<PriceOverride>,
}

/// What one (resource, size, price) owes for the run time inside one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub resource_id: Uuid,
    pub size_slug: String,
    pub monthly_micro: u64,
    /// Index in the input of the first run this charge covers (for its metadata).
    pub run: usize,
    pub start: DateTime<Utc>,
    /// `None` while the resource still runs at this size and price.
    pub end: Option<DateTime<Utc>>,
    /// Measured run time inside the month, in microseconds.
    pub elapsed_micros: i64,
    pub billable_seconds: u64,
    pub amount_micro: u64,
    /// The monthly price was reached.
    pub capped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no price for size {0:?}")]
pub struct UnknownSize(pub String);

/// The charges of `runs` for `month` as of `now`, oldest first.
pub fn charges(
    runs: &[Run],
    month: Month,
    now: DateTime<Utc>,
    granularity: Granularity,
) -> Result<Vec<Charge>, UnknownSize> {
    let mut grouped: Vec<Charge> = Vec::new();
    for (index, run) in runs.iter().enumerate() {
        for segment in segments(run, month, now)? {
            add(&mut grouped, run, index, segment);
        }
    }
    for charge in &mut grouped {
        charge.billable_seconds = granularity.billable_seconds(charge.elapsed_micros);
        (charge.amount_micro, charge.capped) =
            charge_micro(charge.billable_seconds, charge.monthly_micro);
    }
    if granularity == Granularity::Second {
        apply_minimum(&mut grouped);
    }
    grouped.sort_by_key(|c| (c.start, c.resource_id));
    Ok(grouped)
}

/// A piece of a run at one price: `[start, end)`, `open` when it still runs at `now`.
struct Segment {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    open: bool,
    monthly_micro: u64,
}

/// The run clipped to the month and to `now`, split at its size's price changes.
fn segments(run: &Run, month: Month, now: DateTime<Utc>) -> Result<Vec<Segment>, UnknownSize> {
    let window_end = month.end().min(now);
    let start = run.start.max(month.start());
    let end = run.end.unwrap_or(window_end).min(window_end);
    if end <= start {
        return Ok(Vec::new());
    }
    let open = run.end.is_none_or(|e| e > now) && month.end() > now;
    let mut cuts = vec![start];
    cuts.extend(prices::changes_between(
        &run.size_slug,
        start,
        end,
        run.price_override,
    ));
    cuts.push(end);
    let mut out = Vec::new();
    for pair in cuts.windows(2) {
        let monthly_micro = prices::monthly_price_at(&run.size_slug, pair[0], run.price_override)
            .ok_or_else(|| UnknownSize(run.size_slug.clone()))?;
        out.push(Segment {
            start: pair[0],
            end: pair[1],
            open: open && pair[1] == end,
            monthly_micro,
        });
    }
    Ok(out)
}

/// Adds a segment's run time to the charge of its (resource, size, price).
fn add(grouped: &mut Vec<Charge>, run: &Run, index: usize, segment: Segment) {
    let elapsed = (segment.end - segment.start)
        .num_microseconds()
        .unwrap_or(i64::MAX);
    let end = (!segment.open).then_some(segment.end);
    let same = grouped.iter_mut().find(|c| {
        c.resource_id == run.resource_id
            && c.size_slug == run.size_slug
            && c.monthly_micro == segment.monthly_micro
    });
    match same {
        Some(charge) => {
            charge.elapsed_micros = charge.elapsed_micros.saturating_add(elapsed);
            charge.start = charge.start.min(segment.start);
            charge.end = match (charge.end, end) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
        None => grouped.push(Charge {
            resource_id: run.resource_id,
            size_slug: run.size_slug.clone(),
            monthly_micro: segment.monthly_micro,
            run: index,
            start: segment.start,
            end,
            elapsed_micros: elapsed,
            billable_seconds: 0,
            amount_micro: 0,
            capped: false,
        }),
    }
}

/// `second` granularity: a resource-month costs at least max(60 s of its latest price,
/// $0.01), never more than that price; the shortfall goes on its latest charge.
fn apply_minimum(charges: &mut [Charge]) {
    let mut resources: Vec<Uuid> = charges.iter().map(|c| c.resource_id).collect();
    resources.sort();
    resources.dedup();
    for resource in resources {
        let total: u64 = charges
            .iter()
            .filter(|c| c.resource_id == resource)
            .map(|c| c.amount_micro)
            .sum();
        let Some(latest) = charges
            .iter_mut()
            .filter(|c| c.resource_id == resource)
            .max_by_key(|c| c.start)
        else {
            continue;
        };
        let minimum = charge_micro(60, latest.monthly_micro)
            .0
            .max(CENT)
            .min(latest.monthly_micro);
        if total < minimum {
            latest.amount_micro += minimum - total;
        }
    }
}
