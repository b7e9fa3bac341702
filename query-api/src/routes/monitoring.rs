//! What the SPA's Monitoring page needs beyond the status snapshots:
//! `GET /api/v1/observability/logs?trace_id=&job_id=&service=` — lines of `log_lines`
//! (the job lines the projector writes and the service lines log-consumer writes),
//! oldest first, keyset pages by line id; admins see every line, others the lines of
//! their own resources (`owner`) — and `GET /api/v1/observability/grafana`, where Grafana
//! is. Reads only; a filter is always bound, never spliced into the SQL.

use actix_web::{HttpResponse, web};
use contract::envelope::{Links, Meta};
use contract::job::LogLinePage;
use contract::observability::GrafanaLinks;
use platform::auth::{Principal, Role};
use sqlx::AssertSqlSafe;
use uuid::Uuid;
use views::job::log::{LogLineRow, SELECT_COLUMNS};

use super::resources::Params;
use crate::error::QueryError;
use crate::state::AppState;

const DEFAULT_PAGE: u64 = 100;
const MAX_PAGE: u64 = 500;
/// The dashboard the Monitoring page embeds (monitoring/grafana/dashboards/cg-demo.json).
pub const DEMO_DASHBOARD: &str = "cg-demo";

/// One bound filter: its SQL condition and value.
enum Filter {
    Text(&'static str, String),
    Id(&'static str, Uuid),
    After(u64),
}

/// The filters of a request, checked; at least one of trace, job or service.
fn filters(params: &Params, principal: &Principal) -> Result<Vec<Filter>, QueryError> {
    let invalid = |detail: &str| QueryError::InvalidArgument(detail.into());
    let mut found = Vec::new();
    if let Some(trace) = params.get("trace_id") {
        let valid = trace.len() == 32
            && trace
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(invalid("trace_id must be 32 lower-case hex digits"));
        }
        found.push(Filter::Text("trace_id = ?", trace.clone()));
    }
    if let Some(job) = params.get("job_id") {
        let id = Uuid::parse_str(job).map_err(|_| invalid("job_id must be a UUID"))?;
        found.push(Filter::Id("job_id = ?", id));
    }
    if let Some(service) = params.get("service") {
        let valid = !service.is_empty()
            && service.len() <= 64
            && service
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(invalid(
                "service must be a service name such as command-api",
            ));
        }
        found.push(Filter::Text("service = ?", service.clone()));
    }
    if found.is_empty() {
        return Err(invalid("give trace_id, job_id or service"));
    }
    if principal.role != Role::Admin {
        found.push(Filter::Text("owner = ?", principal.id.clone()));
    }
    Ok(found)
}

fn page_size(params: &Params) -> Result<u64, QueryError> {
    match params.get("page_size").map(|raw| raw.parse::<u64>()) {
        None | Some(Ok(0)) => Ok(DEFAULT_PAGE),
        Some(Ok(n)) => Ok(n.min(MAX_PAGE)),
        Some(Err(_)) => Err(QueryError::InvalidArgument(
            "page_size must be a non-negative integer".into(),
        )),
    }
}

fn condition(filters: &[Filter]) -> String {
    let parts: Vec<&str> = filters
        .iter()
        .map(|f| match f {
            Filter::Text(sql, _) | Filter::Id(sql, _) => *sql,
            Filter::After(_) => "id > ?",
        })
        .collect();
    parts.join(" AND ")
}

async fn count(state: &AppState, filters: &[Filter]) -> Result<u64, QueryError> {
    let sql = format!(
        "SELECT COUNT(*) FROM log_lines WHERE {}",
        condition(filters)
    );
    let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
    for filter in filters {
        query = match filter {
            Filter::Text(_, value) => query.bind(value.clone()),
            Filter::Id(_, id) => query.bind(*id),
            Filter::After(after) => query.bind(*after),
        };
    }
    Ok(u64::try_from(query.fetch_one(&state.db).await?).unwrap_or_default())
}

async fn rows(
    state: &AppState,
    filters: &[Filter],
    limit: u64,
) -> Result<Vec<LogLineRow>, QueryError> {
    let sql = format!(
        "SELECT {SELECT_COLUMNS} FROM log_lines WHERE {} ORDER BY id LIMIT ?",
        condition(filters)
    );
    let mut query = sqlx::query_as::<_, LogLineRow>(AssertSqlSafe(sql));
    for filter in filters {
        query = match filter {
            Filter::Text(_, value) => query.bind(value.clone()),
            Filter::Id(_, id) => query.bind(*id),
            Filter::After(after) => query.bind(*after),
        };
    }
    Ok(query.bind(limit).fetch_all(&state.db).await?)
}

/// `GET /api/v1/observability/logs`.
pub async fn logs(
    principal: Principal,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let mut filters = filters(&params, &principal)?;
    let size = page_size(&params)?;
    let total = count(&state, &filters).await?;
    if let Some(token) = params.get("page_token") {
        let after = token
            .parse::<u64>()
            .map_err(|_| QueryError::InvalidPageToken)?;
        filters.push(Filter::After(after));
    }
    let mut lines = rows(&state, &filters, size + 1).await?;
    let more = lines.len() as u64 > size;
    lines.truncate(size as usize);
    let next = lines.last().filter(|_| more).map(|r| r.id.to_string());
    let link = next.as_ref().map(|token| {
        let kept: String = ["trace_id", "job_id", "service"]
            .iter()
            .filter_map(|k| params.get(*k).map(|v| format!("&{k}={v}")))
            .collect();
        format!("/api/v1/observability/logs?page_size={size}{kept}&page_token={token}")
    });
    Ok(HttpResponse::Ok().json(LogLinePage {
        lines: lines.iter().map(LogLineRow::to_resource).collect(),
        next_page_token: next,
        meta: Meta { total },
        links: Links { next: link },
    }))
}

/// `GET /api/v1/observability/grafana`.
pub async fn grafana(
    _principal: Principal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    Ok(HttpResponse::Ok().json(GrafanaLinks {
        url: state.grafana_url.clone(),
        demo_dashboard: DEMO_DASHBOARD.to_owned(),
    }))
}
