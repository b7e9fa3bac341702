//! A cluster's cost (`GET /clusters/{id}/cost`, api.md §14): per resource, month to date
//! (its charges so far), the hourly burn while it runs uncapped, and the projection to
//! month end — month to date plus the burn over the remaining time, the running charge
//! capped at its monthly price. Totals are sums over the resources.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::metering::{Charge, Granularity};
use super::money::{charge_micro, hourly_micro};
use super::period::Month;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceCost {
    pub resource_id: Uuid,
    /// Index of its latest charge in the input (for its name and size).
    pub latest: usize,
    pub month_to_date_micro: u64,
    pub burn_rate_hourly_micro: u64,
    pub projected_month_end_micro: u64,
    /// The running charge reaches (or reached) its monthly price by month end.
    pub capped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterCost {
    pub month_to_date_micro: u64,
    pub burn_rate_hourly_micro: u64,
    pub projected_month_end_micro: u64,
    pub resources: Vec<ResourceCost>,
}

/// The cost of the resources whose `charges` (one month's, from `metering::charges`) are
/// given, as of `now`.
pub fn cluster_cost(
    charges: &[Charge],
    month: Month,
    now: DateTime<Utc>,
    granularity: Granularity,
) -> ClusterCost {
    let mut order: Vec<Uuid> = Vec::new();
    for charge in charges {
        if !order.contains(&charge.resource_id) {
            order.push(charge.resource_id);
        }
    }
    let remaining_micros = (month.end() - now).num_microseconds().unwrap_or(0).max(0);
    let resources: Vec<ResourceCost> = order
        .into_iter()
        .map(|id| resource_cost(id, charges, remaining_micros, granularity))
        .collect();
    ClusterCost {
        month_to_date_micro: resources.iter().map(|r| r.month_to_date_micro).sum(),
        burn_rate_hourly_micro: resources.iter().map(|r| r.burn_rate_hourly_micro).sum(),
        projected_month_end_micro: resources.iter().map(|r| r.projected_month_end_micro).sum(),
        resources,
    }
}

fn resource_cost(
    resource_id: Uuid,
    charges: &[Charge],
    remaining_micros: i64,
    granularity: Granularity,
) -> ResourceCost {
    let mine: Vec<(usize, &Charge)> = charges
        .iter()
        .enumerate()
        .filter(|(_, c)| c.resource_id == resource_id)
        .collect();
    let month_to_date: u64 = mine.iter().map(|(_, c)| c.amount_micro).sum();
    let latest = mine
        .iter()
        .max_by_key(|(_, c)| c.start)
        .map_or(0, |(i, _)| *i);
    let running = mine.iter().find(|(_, c)| c.end.is_none()).map(|(_, c)| *c);
    let Some(running) = running else {
        return ResourceCost {
            resource_id,
            latest,
            month_to_date_micro: month_to_date,
            burn_rate_hourly_micro: 0,
            projected_month_end_micro: month_to_date,
            capped: mine.iter().any(|(_, c)| c.capped),
        };
    };
    let burn = if running.capped {
        0
    } else {
        hourly_micro(running.monthly_micro)
    };
    let seconds =
        granularity.billable_seconds(running.elapsed_micros.saturating_add(remaining_micros));
    let (at_month_end, capped) = charge_micro(seconds, running.monthly_micro);
    let projected = (month_to_date - running.amount_micro.min(month_to_date)) + at_month_end;
    ResourceCost {
        resource_id,
        latest,
        month_to_date_micro: month_to_date,
        burn_rate_hourly_micro: burn,
        projected_month_end_micro: projected.max(month_to_date),
        capped,
    }
}
