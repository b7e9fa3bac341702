//! The generic read handlers every collection uses: list (keyset pages, filter, order,
//! totals, links) and get (Redis first, ETag/304, `Retry-After` while in motion), both
//! waiting for a consistency token when asked and answering with the positions they
//! reflect. Other owners' rows read as 404 and never appear in lists. Never writes.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use platform::auth::Principal;
use platform::consistency::ConsistencyToken;
use platform::kafka::partition_for;
use serde_json::{Value, json};
use uuid::Uuid;
use views::cluster::ClusterRow;

use crate::collection::Listed;
use crate::consistency::{self, RESPONSE_HEADER, WaitOutcome};
use crate::error::QueryError;
use crate::filter::{Bind, Condition};
use crate::listing::ListQuery;
use crate::state::AppState;
use crate::store;

pub type Params = web::Query<BTreeMap<String, String>>;

/// `GET <collection>`.
pub async fn list<R: Listed>(
    req: HttpRequest,
    principal: Principal,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    respond_list::<R>(
        &req,
        &principal,
        &params,
        &state,
        Vec::new(),
        R::COLLECTION.path,
    )
    .await
}

/// `GET <collection>/{id}`.
pub async fn get<R: Listed>(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let kind = R::COLLECTION.kind;
    let token = consistency::requested(
        &req,
        params.get("consistency_token").map(String::as_str),
        state.partitions,
    )?;
    let id = Uuid::parse_str(&path).map_err(|_| QueryError::NotFound(kind))?;
    let waited = wait(&req, &state, token.as_ref()).await?;
    let partition = partition_for(id.to_string().as_bytes(), state.partitions);
    let applied = state.feed.current(&[partition]);
    let cached = match (&token, R::COLLECTION.cached) {
        (None, true) => store::cached::<R>(&state.redis, &state.key_prefix, id).await,
        _ => None,
    };
    let row = match cached {
        Some(row) => Some(row),
        None => store::find::<R>(&state.db, id).await?,
    };
    let row = row
        .filter(|r| principal.can_see(r.owner()))
        .ok_or(QueryError::NotFound(kind))?;
    let etag = format!("\"{}\"", row.version());
    let status = if none_match(&req, &etag) {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut response = HttpResponse::build(status);
    response.insert_header((ETAG, etag));
    if let Some(seconds) = row.retry_after() {
        response.insert_header(("Retry-After", seconds.to_string()));
    }
    headers(
        &mut response,
        Some(ConsistencyToken::applied(&applied)),
        waited,
    );
    if status == StatusCode::NOT_MODIFIED {
        return Ok(response.finish());
    }
    Ok(response.json(row.to_resource()))
}

/// A page of `R` scoped to one (already visible) cluster, linked at
/// `/api/v1/clusters/{id}/<suffix>`: every list under a cluster.
pub async fn respond_under_cluster<R: Listed>(
    req: &HttpRequest,
    principal: &Principal,
    params: &BTreeMap<String, String>,
    state: &AppState,
    cluster: &ClusterRow,
    suffix: &str,
) -> Result<HttpResponse, QueryError> {
    let scope = vec![Condition::new(
        "cluster_id = ?",
        vec![Bind::Id(cluster.cluster_id)],
    )];
    let link = format!("/api/v1/clusters/{}/{suffix}", cluster.cluster_id);
    respond_list::<R>(req, principal, params, state, scope, &link).await
}

/// A page of `R` under the route's `scope` conditions; `path` is the links' base.
pub async fn respond_list<R: Listed>(
    req: &HttpRequest,
    principal: &Principal,
    params: &BTreeMap<String, String>,
    state: &AppState,
    scope: Vec<Condition>,
    path: &str,
) -> Result<HttpResponse, QueryError> {
    let collection = &R::COLLECTION;
    let token = consistency::requested(
        req,
        params.get("consistency_token").map(String::as_str),
        state.partitions,
    )?;
    let now = state.clock.now();
    let query = ListQuery::parse(
        collection,
        params,
        principal,
        scope,
        path,
        &state.page_tokens,
        now,
    )?;
    let waited = wait(req, state, token.as_ref()).await?;
    let order_sql = query.order.sql();
    let list = store::PageQuery {
        matching: &query.matching,
        page: &query.page,
        order_sql: &order_sql,
        limit: query.page_size + 1,
    };
    let (mut rows, total) = store::page_and_total::<R>(&state.db, &state.totals, list).await?;
    let more = rows.len() as u64 > query.page_size;
    rows.truncate(query.page_size as usize);
    let items: Vec<Value> = rows.iter().map(Listed::to_resource).collect();
    let mut body = json!({ collection.plural: items, "meta": { "total": total } });
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
        .map(|w| ConsistencyToken::applied(&w.next_offsets));
    headers(&mut response, applied, waited);
    Ok(response.json(body))
}

/// The row `id` of `R` if the principal may see it; 404 otherwise. For nested routes.
pub async fn visible<R: Listed>(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<R, QueryError> {
    let kind = R::COLLECTION.kind;
    let id = Uuid::parse_str(id).map_err(|_| QueryError::NotFound(kind))?;
    store::find::<R>(&state.db, id)
        .await?
        .filter(|r| principal.can_see(r.owner()))
        .ok_or(QueryError::NotFound(kind))
}

/// Waits for the consistency token the request carries (header, or `consistency_token`
/// in the query), if any: read-your-writes for the item routes that are not the generic
/// `get`, so a client that reads what it just wrote sees it (e.g. a diagnosis or a
/// deployment right after its `202`).
pub async fn wait_requested(
    req: &HttpRequest,
    state: &AppState,
) -> Result<Option<WaitOutcome>, QueryError> {
    let query = web::Query::<BTreeMap<String, String>>::from_query(req.query_string()).ok();
    let raw = query.as_ref().and_then(|q| q.get("consistency_token"));
    let token = consistency::requested(req, raw.map(String::as_str), state.partitions)?;
    wait(req, state, token.as_ref()).await
}

/// Waits for the request's token, if it carries one.
pub async fn wait(
    req: &HttpRequest,
    state: &AppState,
    token: Option<&ConsistencyToken>,
) -> Result<Option<WaitOutcome>, QueryError> {
    let Some(token) = token else {
        return Ok(None);
    };
    let budget = consistency::budget(req, &state.consistency);
    let started = std::time::Instant::now();
    let outcome = consistency::wait(&state.feed, token, budget).await;
    state
        .waits
        .record(&outcome, started.elapsed().as_secs_f64());
    Ok(Some(outcome))
}

fn headers(
    response: &mut HttpResponseBuilder,
    applied: Option<ConsistencyToken>,
    waited: Option<WaitOutcome>,
) {
    if let Some(positions) = applied.filter(|t| !t.is_empty()) {
        response.insert_header((RESPONSE_HEADER, positions.to_string()));
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
