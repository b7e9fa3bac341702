//! Reads under an autoscaling policy: its scaling history (`/events`) and decision log
//! (`/decisions`), both keyset pages newest first (token = the last row's time and key).
//! The policy itself and the list are served by the generic handlers. Never writes.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use contract::autoscaling::{AutoscalerDecisionPage, ScalingEventPage};
use contract::envelope::{Links, Meta};
use platform::auth::Principal;
use sqlx::AssertSqlSafe;
use uuid::Uuid;
use views::autoscaling::history::{DECISION_COLUMNS, DecisionRow, EVENT_COLUMNS, ScalingEventRow};
use views::autoscaling::row::AutoscalingPolicyRow;

use super::resources::{Params, visible};
use crate::error::QueryError;
use crate::state::AppState;

const DEFAULT_PAGE: u64 = 50;
const MAX_PAGE: u64 = 500;

/// One history table's shape: where its rows live and how they are ordered.
struct Table {
    name: &'static str,
    columns: &'static [&'static str],
    time: &'static str,
    key: &'static str,
    route: &'static str,
}

const EVENTS: Table = Table {
    name: "autoscaling_event",
    columns: EVENT_COLUMNS,
    time: "started_at",
    key: "operation_id",
    route: "events",
};

const DECISIONS: Table = Table {
    name: "autoscaler_decision",
    columns: DECISION_COLUMNS,
    time: "evaluated_at",
    key: "event_id",
    route: "decisions",
};

/// The last row of the previous page: its time and key.
type After = Option<(DateTime<Utc>, Uuid)>;

/// `(page_size, after)` of a request.
fn paging(params: &Params) -> Result<(u64, After), QueryError> {
    let size = match params.get("page_size").map(|raw| raw.parse::<u64>()) {
        None | Some(Ok(0)) => DEFAULT_PAGE,
        Some(Ok(n)) => n.min(MAX_PAGE),
        Some(Err(_)) => {
            return Err(QueryError::InvalidArgument(
                "page_size must be a non-negative integer".into(),
            ));
        }
    };
    let after = match params.get("page_token") {
        None => None,
        Some(raw) => {
            let (at, key) = raw.split_once('_').ok_or(QueryError::InvalidPageToken)?;
            let at = at
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or(QueryError::InvalidPageToken)?;
            let key = Uuid::parse_str(key).map_err(|_| QueryError::InvalidPageToken)?;
            Some((at, key))
        }
    };
    Ok((size, after))
}

fn token(at: DateTime<Utc>, key: Uuid) -> String {
    format!("{}_{key}", at.timestamp_micros())
}

/// One page of `table` for `policy_id`, newest first, and the total.
async fn page<R>(
    state: &AppState,
    table: &Table,
    policy_id: Uuid,
    size: u64,
    after: After,
) -> Result<(Vec<R>, u64), QueryError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::mysql::MySqlRow> + Send + Unpin,
{
    let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {} WHERE policy_id = ?",
        table.name
    )))
    .bind(policy_id)
    .fetch_one(&state.db)
    .await?;
    let (time, key) = (table.time, table.key);
    let before = if after.is_some() {
        format!(" AND ({time} < ? OR ({time} = ? AND {key} < ?))")
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE policy_id = ?{before} ORDER BY {time} DESC, {key} DESC LIMIT ?",
        table.columns.join(", "),
        table.name
    );
    let mut query = sqlx::query_as::<_, R>(AssertSqlSafe(sql)).bind(policy_id);
    if let Some((at, id)) = after {
        query = query.bind(at).bind(at).bind(id);
    }
    let rows = query.bind(size + 1).fetch_all(&state.db).await?;
    Ok((rows, u64::try_from(total).unwrap_or_default()))
}

fn next_link(table: &Table, policy_id: Uuid, size: u64, next: Option<&String>) -> Links {
    Links {
        next: next.map(|t| {
            format!(
                "/api/v1/autoscaling_policies/{policy_id}/{}?page_size={size}&page_token={t}",
                table.route
            )
        }),
    }
}

/// `GET /api/v1/autoscaling_policies/{id}/events`
pub async fn events(
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let policy = visible::<AutoscalingPolicyRow>(&state, &principal, &path).await?;
    let (size, after) = paging(&params)?;
    let (mut rows, total) =
        page::<ScalingEventRow>(&state, &EVENTS, policy.policy_id, size, after).await?;
    let more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    let next = rows
        .last()
        .filter(|_| more)
        .map(|r| token(r.started_at, r.operation_id));
    Ok(HttpResponse::Ok().json(ScalingEventPage {
        events: rows.iter().map(ScalingEventRow::to_resource).collect(),
        links: next_link(&EVENTS, policy.policy_id, size, next.as_ref()),
        next_page_token: next,
        meta: Meta { total },
    }))
}

/// `GET /api/v1/autoscaling_policies/{id}/decisions`
pub async fn decisions(
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let policy = visible::<AutoscalingPolicyRow>(&state, &principal, &path).await?;
    let (size, after) = paging(&params)?;
    let (mut rows, total) =
        page::<DecisionRow>(&state, &DECISIONS, policy.policy_id, size, after).await?;
    let more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    let next = rows
        .last()
        .filter(|_| more)
        .map(|r| token(r.evaluated_at, r.event_id));
    Ok(HttpResponse::Ok().json(AutoscalerDecisionPage {
        decisions: rows.iter().filter_map(DecisionRow::to_resource).collect(),
        links: next_link(&DECISIONS, policy.policy_id, size, next.as_ref()),
        next_page_token: next,
        meta: Meta { total },
    }))
}
