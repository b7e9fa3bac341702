//! The HTTP handlers of api.md §8 and §11 that both services mount from their route
//! tables: `GET /rate_limit` (any caller; admins may ask about another user or a
//! cluster; consumes nothing and creates no state), and the admin-only policy resource
//! (`/rate_limit_policies[/default]`, `/users/{id}/rate_limit_policy`). Order of checks:
//! role (403), then `If-Match` on a `PUT` (428), then the body (422), then the version
//! (412). A Redis failure is a 503 the client may retry, never a 500.

use actix_web::http::header::{ETAG, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use contract::envelope::{Links, Meta};
use contract::rate_limit::{
    LimitKey, RateLimitPolicy, RateLimitPolicyPage, RateLimitState, RateLimitStatus,
};
use serde::Deserialize;

use super::store::{self, Expected, Written};
use super::{Mode, RateLimits, Subject};
use crate::auth::{Principal, Role};
use crate::problem::{Code, Problem};

const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 200;

#[derive(Debug, Deserialize)]
pub struct StatusQuery {
    pub user_id: Option<String>,
    pub cluster_id: Option<String>,
}

/// `GET /api/v1/rate_limit`.
pub async fn status(
    principal: Principal,
    query: web::Query<StatusQuery>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    let query = query.into_inner();
    if (query.user_id.is_some() || query.cluster_id.is_some()) && principal.role != Role::Admin {
        return Err(Problem::permission_denied(principal.role.as_str())
            .detail("only admins may ask about another user or a cluster"));
    }
    let user = query.user_id.unwrap_or(principal.id);
    for id in std::iter::once(&user).chain(query.cluster_id.as_ref()) {
        if !valid_id(id) {
            return Err(Problem::invalid_argument(format!(
                "{id:?} is not a valid id"
            )));
        }
    }
    let subject = Subject {
        user: &user,
        cluster: query.cluster_id.as_deref(),
        mutation: false,
        route: "GET /api/v1/rate_limit",
        mode: Mode::Report,
    };
    let verdict = limits.limiter.check(&subject).await;
    let policies = verdict
        .rules
        .iter()
        .map(|r| RateLimitState {
            name: r.name.clone(),
            quota: r.quota,
            window_seconds: r.window_seconds,
            burst: r.burst,
            key: match r.key.as_str() {
                "cluster" => LimitKey::Cluster,
                "global" => LimitKey::Global,
                _ => LimitKey::User,
            },
            remaining: r.remaining,
            reset_seconds: r.reset_seconds(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(RateLimitStatus {
        kind: "rate_limit".into(),
        user_id: user,
        cluster_id: query.cluster_id,
        source: if verdict.fallback {
            "fallback"
        } else {
            "redis"
        }
        .into(),
        policy_version: verdict.version,
        policies,
    }))
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub page_size: Option<i64>,
    pub per_page: Option<i64>,
    pub page_token: Option<String>,
}

/// `GET /api/v1/rate_limit_policies`: the defaults first, then overrides by user id.
pub async fn list(
    principal: Principal,
    req: HttpRequest,
    query: web::Query<ListQuery>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    let size = page_size(query.page_size.or(query.per_page))?;
    let after = match &query.page_token {
        None => None,
        Some(token) => Some(decode_token(token)?),
    };
    let mut items = Vec::new();
    if after.is_none() {
        items.push(current_default(&limits).await?);
    }
    let want = size - items.len();
    let (mut users, total) = store::list_users(
        limits.limiter.redis(),
        limits.limiter.keys(),
        after.as_deref(),
        want + 1,
    )
    .await
    .map_err(unavailable)?;
    let more = users.len() > want;
    users.truncate(want);
    // The token names the last user id served ("" when only the defaults were).
    let next = more.then(|| {
        let last = users.last().map_or("", |u| u.id.as_str());
        hex::encode(format!("u:{last}"))
    });
    items.append(&mut users);
    let links = Links {
        next: next
            .as_ref()
            .map(|t| format!("{}?page_size={size}&page_token={t}", req.path())),
    };
    Ok(HttpResponse::Ok().json(RateLimitPolicyPage {
        rate_limit_policies: items,
        next_page_token: next,
        meta: Meta { total: total + 1 },
        links,
    }))
}

/// `GET /api/v1/rate_limit_policies/default`.
pub async fn get_default(
    principal: Principal,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    Ok(resource(&current_default(&limits).await?))
}

/// `PUT /api/v1/rate_limit_policies/default` (`If-Match` required).
pub async fn put_default(
    principal: Principal,
    req: HttpRequest,
    body: web::Bytes,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    put(principal, &req, &body, &limits, None).await
}

/// `GET /api/v1/users/{id}/rate_limit_policy`: 404 when the user has no override.
pub async fn get_user(
    principal: Principal,
    path: web::Path<String>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    let user = user_id(&path)?;
    let key = limits.limiter.keys().user(user);
    match store::get(limits.limiter.redis(), &key)
        .await
        .map_err(unavailable)?
    {
        Some(doc) => Ok(resource(&doc)),
        None => Err(no_override()),
    }
}

/// `PUT /api/v1/users/{id}/rate_limit_policy` (`If-Match` required; `"0"` or `*`
/// creates).
pub async fn put_user(
    principal: Principal,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    put(principal, &req, &body, &limits, Some(path.as_str())).await
}

/// `DELETE /api/v1/users/{id}/rate_limit_policy` (`If-Match` honoured).
pub async fn delete_user(
    principal: Principal,
    req: HttpRequest,
    path: web::Path<String>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    let user = user_id(&path)?;
    let expected = if_match(&req).unwrap_or(Expected::Any);
    let written = store::delete(
        limits.limiter.redis(),
        limits.limiter.keys(),
        user,
        expected,
    )
    .await
    .map_err(unavailable)?;
    match written {
        Written::Stored(_) => Ok(HttpResponse::NoContent().finish()),
        Written::Missing => Err(no_override()),
        Written::VersionMismatch { current } => Err(mismatch(current)),
    }
}

async fn put(
    principal: Principal,
    req: &HttpRequest,
    body: &[u8],
    limits: &RateLimits,
    user: Option<&str>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    let user = user.map(user_id).transpose()?;
    let expected = if_match(req).ok_or_else(|| {
        Problem::of(Code::PreconditionRequired)
            .detail("send If-Match with the policy's ETag (or * for any version)")
    })?;
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| Problem::invalid_argument(format!("the body is not valid JSON: {e}")))?;
    let rules = super::policy::parse_update(&value).map_err(Problem::validation)?;
    let written = store::put(
        limits.limiter.redis(),
        limits.limiter.keys(),
        user,
        &rules,
        expected,
    )
    .await
    .map_err(unavailable)?;
    match written {
        Written::Stored(doc) => Ok(resource(&doc)),
        Written::VersionMismatch { current } => Err(mismatch(current)),
        Written::Missing => Err(no_override()),
    }
}

async fn current_default(limits: &RateLimits) -> Result<RateLimitPolicy, Problem> {
    let key = limits.limiter.keys().default_key();
    let stored = store::get(limits.limiter.redis(), key)
        .await
        .map_err(unavailable)?;
    Ok(stored.unwrap_or_else(|| limits.limiter.default_document()))
}

fn resource(doc: &RateLimitPolicy) -> HttpResponse {
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

/// `*` → any version; `"<n>"` → n; any other tag can never match (`u64::MAX`).
fn if_match(req: &HttpRequest) -> Option<Expected> {
    let raw = req.headers().get("if-match")?.to_str().unwrap_or("").trim();
    if raw == "*" {
        return Some(Expected::Any);
    }
    let version = raw
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse().ok());
    Some(Expected::Version(version.unwrap_or(u64::MAX)))
}

fn mismatch(current: u64) -> Problem {
    Problem::of(Code::PreconditionFailed)
        .detail(format!("the policy is at version {current}"))
        .meta("current_version", current)
        .header("ETag", format!("\"{current}\""))
}

fn no_override() -> Problem {
    Problem::not_found("rate_limit_policy")
}

fn user_id(raw: &str) -> Result<&str, Problem> {
    valid_id(raw).then_some(raw).ok_or_else(no_override)
}

fn valid_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.@".contains(&b))
}

fn page_size(raw: Option<i64>) -> Result<usize, Problem> {
    match raw {
        None | Some(0) => Ok(DEFAULT_PAGE),
        Some(n) if n < 0 => {
            Err(Problem::invalid_argument("page_size must not be negative").meta("page_size", n))
        }
        Some(n) => Ok((n as usize).min(MAX_PAGE)),
    }
}

fn decode_token(token: &str) -> Result<String, Problem> {
    hex::decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("u:").map(str::to_owned))
        .filter(|id| id.is_empty() || valid_id(id))
        .ok_or_else(|| Problem::of(Code::InvalidPageToken).detail("the page token is not valid"))
}

fn unavailable(error: anyhow::Error) -> Problem {
    tracing::warn!(
        error = format!("{error:#}"),
        "rate-limit policies unavailable"
    );
    Problem::unavailable(
        "rate-limit policies cannot be read or written now; retry",
        1,
    )
}
