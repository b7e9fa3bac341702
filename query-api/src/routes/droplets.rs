//! `GET /api/v1/droplets` and `GET /api/v1/droplets/{id}`: parse, wait for the
//! consistency token if any, read, respond. Other owners' droplets read as 404 and never
//! appear in lists; these handlers never write anything.

use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use platform::auth::Principal;
use platform::kafka::partition_for;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::consistency::{self, ConsistencyToken, RESPONSE_HEADER, WaitOutcome};
use crate::error::QueryError;
use crate::listing::{ListParams, ListQuery};
use crate::state::AppState;
use crate::store;

#[derive(Debug, Deserialize)]
pub struct GetParams {
    consistency_token: Option<String>,
}

/// `GET /api/v1/droplets/{id}`.
#[tracing::instrument(name = "get droplet", skip_all, fields(principal = %principal.id))]
pub async fn get(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: web::Query<GetParams>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let token =
        consistency::requested(&req, params.consistency_token.as_deref(), state.partitions)?;
    let id = Uuid::parse_str(&path).map_err(|_| QueryError::NotFound)?;
    let waited = wait(&req, &state, token.as_ref()).await?;
    let partition = partition_for(id.to_string().as_bytes(), state.partitions);
    let applied = state.feed.current(&[partition]);
    let cached = match token {
        None => store::cached(&state.redis, &state.key_prefix, id).await,
        Some(_) => None,
    };
    let row = match cached {
        Some(row) => Some(row),
        None => store::find(&state.db, id).await?,
    };
    let row = row
        .filter(|r| principal.can_see(&r.owner))
        .ok_or(QueryError::NotFound)?;
    let etag = format!("\"{}\"", row.version);
    let status = if none_match(&req, &etag) {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, etag));
    consistency_headers(
        &mut response,
        consistency::applied_positions(&applied),
        waited,
    );
    if status == StatusCode::NOT_MODIFIED {
        return Ok(response.finish());
    }
    Ok(response.json(row.to_resource()))
}

/// `GET /api/v1/droplets`.
#[tracing::instrument(name = "list droplets", skip_all, fields(principal = %principal.id))]
pub async fn list(
    req: HttpRequest,
    principal: Principal,
    params: web::Query<ListParams>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let token =
        consistency::requested(&req, params.consistency_token.as_deref(), state.partitions)?;
    let now = state.clock.now();
    let query = ListQuery::parse(&params, &principal, &state.page_tokens, now)?;
    let waited = wait(&req, &state, token.as_ref()).await?;
    let total = store::count(&state.db, &query.matching).await?;
    let mut rows = store::page(
        &state.db,
        &query.page,
        query.order.sql(),
        query.page_size + 1,
    )
    .await?;
    let more = rows.len() as u64 > query.page_size;
    rows.truncate(query.page_size as usize);
    let items: Vec<Value> = rows.iter().map(|r| r.to_resource()).collect();
    let mut body = json!({ "droplets": items, "meta": { "total": total } });
    if let (true, Some(last)) = (more, rows.last()) {
        let next = query.next_token(last, &state.page_tokens, now);
        body["links"] = json!({ "next": query.next_link(&next) });
        body["next_page_token"] = Value::String(next);
    } else {
        body["links"] = json!({});
    }
    let mut response = HttpResponse::Ok();
    let applied = waited
        .as_ref()
        .and_then(|w| consistency::applied_positions(&w.next_offsets));
    consistency_headers(&mut response, applied, waited);
    Ok(response.json(body))
}

/// Waits for the request's token, if it carries one.
async fn wait(
    req: &HttpRequest,
    state: &AppState,
    token: Option<&ConsistencyToken>,
) -> Result<Option<WaitOutcome>, QueryError> {
    let Some(token) = token else {
        return Ok(None);
    };
    let budget = consistency::budget(req, &state.consistency);
    let outcome = consistency::wait(&state.feed, token, budget).await;
    Ok(Some(outcome))
}

fn consistency_headers(
    response: &mut HttpResponseBuilder,
    applied: Option<String>,
    waited: Option<WaitOutcome>,
) {
    if let Some(positions) = applied {
        response.insert_header((RESPONSE_HEADER, positions));
    }
    if waited.is_some_and(|w| !w.caught_up) {
        response.insert_header(("x-consistency", "stale"));
    }
}

/// `If-None-Match` with weak comparison (RFC 9110 §13.1.2); `*` matches any version.
fn none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}
