//! Route descriptions of billing (api.md §14), all served by query-api: usage, balance,
//! invoices, a cluster's cost and estimates (a pure function, so no event and no IK).

use serde::Deserialize;
use utoipa::IntoParams;

use crate::billing::{
    Balance, ClusterCost, Estimate, EstimateRequest, InvoiceDetail, InvoicePage, UsagePage,
};
use crate::problem::Problem;

/// `GET /billing/usage`'s period.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageParams {
    /// `YYYY-MM` (UTC); default: the current month.
    pub period: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/billing/usage", tag = "billing",
    params(UsageParams),
    responses(
        (status = 200, description = "One record per (resource, size, price) run inside the \
            period, oldest first; a member sees their own droplets, an admin everyone's. \
            Powered-off time bills; only deletion stops the meter.", body = UsagePage),
        (status = 400, description = "INVALID_ARGUMENT: period is not YYYY-MM", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn billing_usage() {}

#[utoipa::path(get, path = "/api/v1/billing/balance", tag = "billing",
    responses(
        (status = 200, description = "Month-to-date usage and the account balance (the sum \
            of every invoice; no payments in v1)", body = Balance),
    ))]
pub fn billing_balance() {}

#[utoipa::path(get, path = "/api/v1/billing/invoices", tag = "billing",
    responses(
        (status = 200, description = "One invoice per month from the first usage, newest \
            first: `open` for the current month, `issued` after", body = InvoicePage),
    ))]
pub fn list_invoices() {}

#[utoipa::path(get, path = "/api/v1/billing/invoices/{id}", tag = "billing",
    params(("id" = String, Path, description = "The period, YYYY-MM")),
    responses(
        (status = 200, description = "The invoice and its items, each rounded half up to the \
            cent; the amount is their sum", body = InvoiceDetail),
        (status = 404, description = "NOT_FOUND: not a YYYY-MM period up to the current month",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_invoice() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/cost", tag = "billing",
    params(("id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "Month to date, hourly burn and the month-end projection \
            of the cluster's nodes, per node and in total", body = ClusterCost),
        (status = 404, description = "NOT_FOUND: unknown or someone else's cluster", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn cluster_cost() {}

#[utoipa::path(post, path = "/api/v1/billing/estimates", tag = "billing",
    request_body = EstimateRequest,
    responses(
        (status = 200, description = "The items priced at the catalog prices in effect now, \
            each capped at its monthly price; records nothing", body = Estimate),
        (status = 400, description = "INVALID_ARGUMENT: the body is not JSON", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED: every bad field by pointer (unknown \
            kind or size, count outside 1–1000, hours outside 1–744, 1–100 items)",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn create_estimate() {}
