//! Billing reads (api.md §14): `GET /billing/usage`, `/billing/balance`,
//! `/billing/invoices` (+ `/{id}`), `GET /clusters/{id}/cost` and
//! `POST /billing/estimates` — the one POST query-api answers itself, because an estimate
//! is a pure function that records nothing. Runs come from `usage_interval`; money is
//! computed per request with `domain::billing` at the clock's now. Members see their own
//! droplets' usage, admins everyone's; a cluster's cost answers 404 for an unknown or
//! someone else's cluster.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use contract::billing::{Balance, InvoiceDetail, InvoicePage, UsagePage};
use contract::envelope::{Links, Meta};
use contract::openapi::billing::UsageParams;
use domain::billing::invoice::{self, months_until};
use domain::billing::money::format_usd;
use domain::billing::{Charge, Month, cost, estimate, metering};
use platform::auth::Principal;
use platform::problem::{FieldError, Problem};
use serde_json::Value;
use views::billing::UsageIntervalRow;
use views::cluster::ClusterRow;
use views::rfc3339;

use super::resources::visible;
use crate::billing::{Metering, Overrides, estimate_body, render, store};
use crate::error::QueryError;
use crate::state::AppState;

/// The charges of `rows` in `month` as of `now`; `Charge::run` indexes `rows`.
fn charges(
    rows: &[UsageIntervalRow],
    overrides: &Overrides,
    month: Month,
    now: DateTime<Utc>,
    metering: Metering,
) -> Result<Vec<Charge>, QueryError> {
    let runs: Vec<metering::Run> = rows
        .iter()
        .map(|r| r.run(overrides.of(r.provider.as_deref())))
        .collect();
    metering::charges(&runs, month, now, metering.0)
        .map_err(|e| QueryError::Internal(anyhow::Error::new(e).context("Failed to price usage")))
}

/// `GET /api/v1/billing/usage?period=YYYY-MM`
pub async fn usage(
    principal: Principal,
    params: web::Query<UsageParams>,
    state: web::Data<AppState>,
    metering: web::Data<Metering>,
) -> Result<HttpResponse, QueryError> {
    let now = state.clock.now();
    let month = match params.period.as_deref() {
        None => Month::containing(now),
        Some(raw) => Month::parse(raw)
            .ok_or_else(|| QueryError::InvalidArgument(format!("period {raw:?} is not YYYY-MM")))?,
    };
    let rows = store::runs_of(&state.db, &principal, month.start(), month.end()).await?;
    let overrides = Overrides::load(&state.db).await?;
    let charges = charges(&rows, &overrides, month, now, **metering)?;
    let usage: Vec<_> = charges
        .iter()
        .filter_map(|c| Some(render::usage_record(rows.get(c.run)?, c)))
        .collect();
    Ok(HttpResponse::Ok().json(UsagePage {
        meta: Meta {
            total: usage.len() as u64,
        },
        usage,
        next_page_token: None,
        links: Links::default(),
    }))
}

/// Every month's invoice for `principal`, newest first, with that month's charges.
async fn invoices_of(
    state: &AppState,
    principal: &Principal,
    now: DateTime<Utc>,
    metering: Metering,
) -> Result<Vec<(Month, Vec<Charge>)>, QueryError> {
    let Some(first) = store::first_start(&state.db, principal).await? else {
        return Ok(Vec::new());
    };
    let months = months_until(Month::containing(first), now);
    let (Some(newest), Some(oldest)) = (months.first(), months.last()) else {
        return Ok(Vec::new());
    };
    let rows = store::runs_of(&state.db, principal, oldest.start(), newest.end()).await?;
    let overrides = Overrides::load(&state.db).await?;
    months
        .into_iter()
        .map(|month| Ok((month, charges(&rows, &overrides, month, now, metering)?)))
        .collect()
}

/// `GET /api/v1/billing/balance`
pub async fn balance(
    principal: Principal,
    state: web::Data<AppState>,
    metering: web::Data<Metering>,
) -> Result<HttpResponse, QueryError> {
    let now = state.clock.now();
    let invoices = invoices_of(&state, &principal, now, **metering).await?;
    let current = Month::containing(now);
    let month_to_date: u64 = invoices
        .iter()
        .filter(|(m, _)| *m == current)
        .map(|(_, c)| invoice::total(c))
        .sum();
    let account: u64 = invoices.iter().map(|(_, c)| invoice::total(c)).sum();
    Ok(HttpResponse::Ok().json(Balance {
        month_to_date_usage: format_usd(month_to_date),
        month_to_date_balance: format_usd(month_to_date),
        account_balance: format_usd(account),
        generated_at: rfc3339(now),
    }))
}

/// `GET /api/v1/billing/invoices`
pub async fn invoices(
    principal: Principal,
    state: web::Data<AppState>,
    metering: web::Data<Metering>,
) -> Result<HttpResponse, QueryError> {
    let now = state.clock.now();
    let invoices: Vec<_> = invoices_of(&state, &principal, now, **metering)
        .await?
        .iter()
        .map(|(month, charges)| render::invoice(*month, charges, now))
        .collect();
    Ok(HttpResponse::Ok().json(InvoicePage {
        meta: Meta {
            total: invoices.len() as u64,
        },
        invoices,
        next_page_token: None,
        links: Links::default(),
    }))
}

/// `GET /api/v1/billing/invoices/{id}` (`id` = the period).
pub async fn invoice(
    principal: Principal,
    path: web::Path<String>,
    state: web::Data<AppState>,
    metering: web::Data<Metering>,
) -> Result<HttpResponse, QueryError> {
    let now = state.clock.now();
    let month = Month::parse(&path)
        .filter(|m| *m <= Month::containing(now))
        .ok_or(QueryError::NotFound("invoice"))?;
    let rows = store::runs_of(&state.db, &principal, month.start(), month.end()).await?;
    let overrides = Overrides::load(&state.db).await?;
    let charges = charges(&rows, &overrides, month, now, **metering)?;
    let head = render::invoice(month, &charges, now);
    let items = charges
        .iter()
        .filter_map(|c| Some(render::invoice_item(rows.get(c.run)?, c, metering.0)))
        .collect();
    Ok(HttpResponse::Ok().json(InvoiceDetail {
        id: head.id,
        period: head.period,
        status: head.status,
        amount: head.amount,
        created_at: head.created_at,
        items,
    }))
}

/// `GET /api/v1/clusters/{id}/cost`
pub async fn cluster_cost(
    principal: Principal,
    path: web::Path<String>,
    state: web::Data<AppState>,
    metering: web::Data<Metering>,
) -> Result<HttpResponse, QueryError> {
    let cluster = visible::<ClusterRow>(&state, &principal, &path).await?;
    let now = state.clock.now();
    let month = Month::containing(now);
    let rows =
        store::runs_of_cluster(&state.db, cluster.cluster_id, month.start(), month.end()).await?;
    let overrides = Overrides::load(&state.db).await?;
    let charges = charges(&rows, &overrides, month, now, **metering)?;
    let cost = cost::cluster_cost(&charges, month, now, metering.0);
    Ok(HttpResponse::Ok().json(render::cluster_cost(
        cluster.cluster_id,
        &cost,
        &charges,
        &rows,
        now,
    )))
}

/// `POST /api/v1/billing/estimates`
pub async fn create_estimate(
    _principal: Principal,
    body: web::Json<Value>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let items = estimate_body::read(&body).map_err(invalid)?;
    let priced = estimate::estimate(&items, state.clock.now(), None).map_err(invalid)?;
    Ok(HttpResponse::Ok().json(render::estimate(&priced)))
}

fn invalid(problems: Vec<estimate::FieldProblem>) -> QueryError {
    Problem::validation(
        problems
            .into_iter()
            .map(|p| FieldError::new(format!("#{}", p.pointer), "INVALID_FIELD", p.reason))
            .collect(),
    )
    .into()
}
