//! The audit feed: `GET /api/v1/events` (the generic list over `audit_event`, newest
//! first) and `GET /api/v1/events:stream` (SSE, `events::sse`), which also serves the
//! per-resource streams as `?aggregate_id=` or `filter=aggregate_id="…"`: like a `GET`
//! of the resource, such a stream is a 404 unless the caller may see an event of it (so
//! another owner's resource and a missing one look the same). Never writes.

use actix_web::{HttpRequest, HttpResponse, web};
use platform::auth::Principal;
use uuid::Uuid;
use views::audit::AuditEventRow;

use super::resources::{Params, respond_list};
use crate::error::QueryError;
use crate::events::{StreamCursor, StreamScope, sse};
use crate::state::AppState;

/// `GET /api/v1/events`
pub async fn list(
    req: HttpRequest,
    principal: Principal,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let path = "/api/v1/events";
    respond_list::<AuditEventRow>(&req, &principal, &params, &state, Vec::new(), path).await
}

/// `GET /api/v1/events:stream` — resumes after `Last-Event-ID` when given.
pub async fn stream(
    req: HttpRequest,
    principal: Principal,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let scope = StreamScope::parse(&principal, &params)?;
    if let Some(id) = scope.aggregate_id {
        visible_aggregate(&state, &scope, id).await?;
    }
    let resume = match req.headers().get("last-event-id") {
        Some(value) => {
            let raw = value.to_str().map_err(|_| {
                QueryError::InvalidArgument("Last-Event-ID is not a stream cursor".into())
            })?;
            let raw = raw.trim();
            (!raw.is_empty())
                .then(|| StreamCursor::parse(raw, state.partitions))
                .transpose()?
        }
        None => None,
    };
    Ok(sse::respond(&state.events, scope, resume))
}

/// 404 unless the scope's owner (any, for admins) has an event of aggregate `id`.
async fn visible_aggregate(
    state: &AppState,
    scope: &StreamScope,
    id: Uuid,
) -> Result<(), QueryError> {
    let seen: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM audit_event WHERE aggregate_id = ? AND (? IS NULL OR owner = ?) LIMIT 1",
    )
    .bind(id)
    .bind(scope.owner.as_deref())
    .bind(scope.owner.as_deref())
    .fetch_optional(&state.db)
    .await?;
    seen.map(|_| ()).ok_or(QueryError::NotFound("resource"))
}
