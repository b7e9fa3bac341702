//! The admin-only reads of rate-limit policies (api.md §8, §11), from the read model the
//! projector keeps: `GET /rate_limit_policies` (the defaults first, then every live
//! override by user id, keyset-paged), `GET /rate_limit_policies/default` (the configured
//! defaults at version 0 until an admin first sets them) and `GET
//! /users/{id}/rate_limit_policy` (404 without a live override). Role first (403).
//! Writes go to command-api (relayed); `GET /rate_limit` is `platform::ratelimit::status`.

use actix_web::http::header::{ETAG, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use contract::envelope::{Links, Meta};
use contract::rate_limit::{RateLimitPolicy, RateLimitPolicyPage};
use domain::rate_limit_policy::{Target, policy_id};
use platform::auth::{Principal, Role};
use platform::problem::{Code, Problem};
use platform::ratelimit::RateLimits;
use platform::ratelimit::status::valid_id;
use serde::Deserialize;
use sqlx::MySqlPool;
use views::StateRow;
use views::rate_limit_policy::RateLimitPolicyRow;

use crate::error::QueryError;
use crate::state::AppState;

const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 200;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub page_size: Option<i64>,
    pub per_page: Option<i64>,
    pub page_token: Option<String>,
}

/// `GET /api/v1/rate_limit_policies`.
pub async fn list(
    principal: Principal,
    req: HttpRequest,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, QueryError> {
    admin(&principal)?;
    let size = page_size(query.page_size.or(query.per_page))?;
    let after = query.page_token.as_deref().map(decode_token).transpose()?;
    let mut items = Vec::new();
    if after.is_none() {
        items.push(current_default(&state.db, &limits).await?);
    }
    let want = size - items.len();
    let mut users = overrides(&state.db, after.as_deref().unwrap_or(""), want + 1).await?;
    let more = users.len() > want;
    users.truncate(want);
    // The token names the last user id served ("" when only the defaults were).
    let next = more.then(|| {
        let last = users
            .last()
            .and_then(|u| u.user_id.as_deref())
            .unwrap_or("");
        hex::encode(format!("u:{last}"))
    });
    items.extend(users.iter().map(resource_of));
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM rate_limit_policy WHERE deleted = FALSE AND user_id IS NOT NULL",
    )
    .fetch_one(&state.db)
    .await?;
    let links = Links {
        next: next
            .as_ref()
            .map(|t| format!("{}?page_size={size}&page_token={t}", req.path())),
    };
    Ok(HttpResponse::Ok().json(RateLimitPolicyPage {
        rate_limit_policies: items,
        next_page_token: next,
        meta: Meta {
            total: total.max(0) as u64 + 1,
        },
        links,
    }))
}

/// `GET /api/v1/rate_limit_policies/default`.
pub async fn get_default(
    principal: Principal,
    state: web::Data<AppState>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, QueryError> {
    admin(&principal)?;
    Ok(with_etag(&current_default(&state.db, &limits).await?))
}

/// `GET /api/v1/users/{id}/rate_limit_policy`.
pub async fn get_user(
    principal: Principal,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    admin(&principal)?;
    let missing = || QueryError::NotFound("rate_limit_policy");
    if !valid_id(&path) {
        return Err(missing());
    }
    let target = Target::User(path.into_inner());
    let row = find(&state.db, &target).await?.ok_or_else(missing)?;
    Ok(with_etag(&resource_of(&row)))
}

async fn current_default(
    db: &MySqlPool,
    limits: &RateLimits,
) -> Result<RateLimitPolicy, QueryError> {
    Ok(match find(db, &Target::Default).await? {
        Some(row) => resource_of(&row),
        None => limits.limiter.default_document(),
    })
}

/// The live row of `target`'s policy.
async fn find(db: &MySqlPool, target: &Target) -> Result<Option<RateLimitPolicyRow>, QueryError> {
    let sql = format!(
        "SELECT {} FROM rate_limit_policy WHERE policy_id = ? AND deleted = FALSE",
        views::row::column_list::<RateLimitPolicyRow>()
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(policy_id(target))
        .fetch_optional(db)
        .await?)
}

/// Live overrides with a user id after `after`, in user id order.
async fn overrides(
    db: &MySqlPool,
    after: &str,
    limit: usize,
) -> Result<Vec<RateLimitPolicyRow>, QueryError> {
    let sql = format!(
        "SELECT {} FROM rate_limit_policy WHERE deleted = FALSE AND user_id IS NOT NULL \
         AND user_id > ? ORDER BY user_id LIMIT ?",
        views::row::column_list::<RateLimitPolicyRow>()
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(after)
        .bind(limit as u64)
        .fetch_all(db)
        .await?)
}

fn resource_of(row: &RateLimitPolicyRow) -> RateLimitPolicy {
    serde_json::from_value(row.to_resource()).unwrap_or_else(|_| RateLimitPolicy {
        kind: "rate_limit_policy".into(),
        id: row.owner.clone(),
        version: row.version,
        user_id: row.user_id.clone(),
        policies: Vec::new(),
    })
}

fn with_etag(doc: &RateLimitPolicy) -> HttpResponse {
    let mut response = HttpResponse::Ok().json(doc);
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{}\"", doc.version)) {
        response.headers_mut().insert(ETAG, tag);
    }
    response
}

fn admin(principal: &Principal) -> Result<(), Problem> {
    match principal.role {
        Role::Admin => Ok(()),
        role => Err(Problem::permission_denied(role.as_str())),
    }
}

fn page_size(raw: Option<i64>) -> Result<usize, QueryError> {
    match raw {
        None | Some(0) => Ok(DEFAULT_PAGE),
        Some(n) if n < 0 => Err(QueryError::InvalidArgument(
            "page_size must not be negative".into(),
        )),
        Some(n) => Ok((n as usize).min(MAX_PAGE)),
    }
}

fn decode_token(token: &str) -> Result<String, QueryError> {
    hex::decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("u:").map(str::to_owned))
        .filter(|id| id.is_empty() || valid_id(id))
        .ok_or_else(|| {
            Problem::of(Code::InvalidPageToken)
                .detail("the page token is not valid")
                .into()
        })
}
