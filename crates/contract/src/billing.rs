//! Billing on the wire (api.md §14, DO's billing shapes): usage records, the balance,
//! invoices with their items, a cluster's cost and estimates. Money is a decimal string
//! in USD with two to six decimals (stored as integer micro-USD). Holds no behaviour.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One item of `POST /billing/estimates`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EstimateRequestItem {
    /// Only `droplet` is priced.
    #[schema(example = "droplet")]
    pub kind: String,
    #[schema(example = "s-1vcpu-1gb")]
    pub size: String,
    /// 1 to 1000.
    #[schema(example = 3)]
    pub count: i64,
    /// 1 to 744; left out: 730 (a whole month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 730)]
    pub hours: Option<i64>,
}

/// `POST /billing/estimates`: 1 to 100 items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EstimateRequest {
    pub items: Vec<EstimateRequestItem>,
}

/// One priced item of an estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EstimateItem {
    pub kind: String,
    pub size: String,
    pub count: u32,
    pub hours: u32,
    /// `unit_monthly / 672`.
    #[schema(example = "0.008929")]
    pub unit_hourly: String,
    #[schema(example = "6.00")]
    pub unit_monthly: String,
    /// `count` × min(hours × unit_hourly, unit_monthly).
    pub amount: String,
    /// `hours` reach the 672 h cap.
    pub capped: bool,
}

/// The answer of `POST /billing/estimates`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Estimate {
    /// What the items cost per hour while they run.
    pub hourly_total: String,
    /// The sum of the items' amounts.
    pub monthly_total: String,
    pub items: Vec<EstimateItem>,
    pub assumptions: Vec<String>,
}

/// One (resource, size, price) run inside a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageRecord {
    pub resource_id: Uuid,
    #[schema(example = "droplet")]
    pub resource_kind: String,
    pub name: String,
    pub size: String,
    pub region: String,
    /// The provider's name; null when the droplet has none.
    pub provider: Option<String>,
    /// Set when the droplet is a cluster node.
    pub cluster_id: Option<Uuid>,
    pub start_time: String,
    /// Null while it still runs.
    pub end_time: Option<String>,
    pub billable_seconds: u64,
    pub amount: String,
    /// The monthly price was reached.
    pub capped: bool,
}

crate::envelope::page!(
    /// The usage records of one period.
    UsagePage, usage, UsageRecord
);

/// `GET /billing/balance` (DO's shape; no payments in v1, so balance = usage).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    pub month_to_date_usage: String,
    pub month_to_date_balance: String,
    /// Every invoice's amount, issued and open.
    pub account_balance: String,
    pub generated_at: String,
}

/// A month's invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invoice {
    /// The period, `YYYY-MM`.
    #[schema(example = "2026-11")]
    pub id: String,
    pub period: String,
    /// `open` for the current month, `issued` once it has ended.
    #[schema(example = "issued")]
    pub status: String,
    /// The sum of the lines, each rounded half up to the cent.
    pub amount: String,
    pub created_at: String,
}

crate::envelope::page!(
    /// Invoices, newest first.
    InvoicePage, invoices, Invoice
);

/// One line of an invoice (api.md §14).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceItem {
    pub resource_id: Uuid,
    pub description: String,
    pub size: String,
    pub duration: u64,
    /// `seconds` or `hours` (the granularity).
    pub duration_unit: String,
    pub start_time: String,
    /// Null while the resource still runs (an open invoice).
    pub end_time: Option<String>,
    /// Rounded half up to the cent.
    pub amount: String,
    pub capped: bool,
}

/// `GET /billing/invoices/{id}`: the invoice with its items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceDetail {
    pub id: String,
    pub period: String,
    pub status: String,
    pub amount: String,
    pub created_at: String,
    pub items: Vec<InvoiceItem>,
}

/// One resource of a cluster's cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceCost {
    pub resource_id: Uuid,
    pub name: String,
    pub size: String,
    pub node_pool_id: Option<Uuid>,
    pub month_to_date: String,
    /// Zero once deleted or capped.
    pub burn_rate_hourly: String,
    pub projected_month_end: String,
    /// Its monthly price is reached by month end.
    pub capped: bool,
}

/// `GET /clusters/{id}/cost`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterCost {
    pub cluster_id: Uuid,
    pub month_to_date: String,
    /// Month to date plus the burn over the remaining hours, each resource capped.
    pub projected_month_end: String,
    pub burn_rate_hourly: String,
    pub as_of: String,
    pub resources: Vec<ResourceCost>,
}
