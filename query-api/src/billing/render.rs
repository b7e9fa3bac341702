//! `domain::billing` results as contract types: usage records, invoices and their
//! items, a cluster's cost and estimates. Money becomes decimal strings here and only here.

use chrono::{DateTime, Utc};
use contract::billing as wire;
use domain::billing::cost::ClusterCost;
use domain::billing::estimate::Estimate;
use domain::billing::invoice::{self, InvoiceStatus};
use domain::billing::money::format_usd;
use domain::billing::{Charge, Granularity, Month};
use uuid::Uuid;
use views::billing::UsageIntervalRow;
use views::rfc3339;

pub fn usage_record(row: &UsageIntervalRow, charge: &Charge) -> wire::UsageRecord {
    wire::UsageRecord {
        resource_id: row.droplet_id,
        resource_kind: "droplet".into(),
        name: row.name.clone(),
        size: charge.size_slug.clone(),
        region: row.region.clone(),
        provider: row.provider.clone(),
        cluster_id: row.cluster_id,
        start_time: rfc3339(charge.start),
        end_time: charge.end.map(rfc3339),
        billable_seconds: charge.billable_seconds,
        amount: format_usd(charge.amount_micro),
        capped: charge.capped,
    }
}

/// A month's invoice: created when the month starts (open), dated its end once issued.
pub fn invoice(month: Month, charges: &[Charge], now: DateTime<Utc>) -> wire::Invoice {
    let status = InvoiceStatus::of(month, now);
    let created_at = match status {
        InvoiceStatus::Open => month.start(),
        InvoiceStatus::Issued => month.end(),
    };
    wire::Invoice {
        id: month.to_string(),
        period: month.to_string(),
        status: status.as_str().into(),
        amount: format_usd(invoice::total(charges)),
        created_at: rfc3339(created_at),
    }
}

pub fn invoice_item(
    row: &UsageIntervalRow,
    charge: &Charge,
    granularity: Granularity,
) -> wire::InvoiceItem {
    wire::InvoiceItem {
        resource_id: row.droplet_id,
        description: format!("Droplet {} ({})", row.name, charge.size_slug),
        size: charge.size_slug.clone(),
        duration: invoice::duration(charge, granularity),
        duration_unit: granularity.duration_unit().into(),
        start_time: rfc3339(charge.start),
        end_time: charge.end.map(rfc3339),
        amount: format_usd(invoice::line_amount(charge)),
        capped: charge.capped,
    }
}

pub fn cluster_cost(
    cluster_id: Uuid,
    cost: &ClusterCost,
    charges: &[Charge],
    rows: &[UsageIntervalRow],
    now: DateTime<Utc>,
) -> wire::ClusterCost {
    let resources = cost
        .resources
        .iter()
        .filter_map(|r| {
            let latest = charges.get(r.latest)?;
            let row = rows.get(latest.run)?;
            Some(wire::ResourceCost {
                resource_id: r.resource_id,
                name: row.name.clone(),
                size: latest.size_slug.clone(),
                node_pool_id: row.node_pool_id,
                month_to_date: format_usd(r.month_to_date_micro),
                burn_rate_hourly: format_usd(r.burn_rate_hourly_micro),
                projected_month_end: format_usd(r.projected_month_end_micro),
                capped: r.capped,
            })
        })
        .collect();
    wire::ClusterCost {
        cluster_id,
        month_to_date: format_usd(cost.month_to_date_micro),
        projected_month_end: format_usd(cost.projected_month_end_micro),
        burn_rate_hourly: format_usd(cost.burn_rate_hourly_micro),
        as_of: rfc3339(now),
        resources,
    }
}

pub fn estimate(estimate: &Estimate) -> wire::Estimate {
    wire::Estimate {
        hourly_total: format_usd(estimate.hourly_total_micro),
        monthly_total: format_usd(estimate.monthly_total_micro),
        items: estimate
            .lines
            .iter()
            .map(|l| wire::EstimateItem {
                kind: "droplet".into(),
                size: l.size_slug.clone(),
                count: l.count,
                hours: l.hours,
                unit_hourly: format_usd(l.unit_hourly_micro),
                unit_monthly: format_usd(l.unit_monthly_micro),
                amount: format_usd(l.amount_micro),
                capped: l.capped,
            })
            .collect(),
        assumptions: domain::billing::estimate::assumptions(),
    }
}
