//! `GET /api/v1/rate_limit` (api.md §8, §11), mounted by query-api: every rule for the
//! caller (admins may ask about another user with `?user_id=` or include a cluster's
//! rules with `?cluster_id=`), from the same script the limiter runs, in report mode:
//! it consumes nothing and creates no limiter state.

use actix_web::{HttpResponse, web};
use contract::rate_limit::{LimitKey, RateLimitState, RateLimitStatus};
use serde::Deserialize;

use super::{Mode, RateLimits, Subject};
use crate::auth::{Principal, Role};
use crate::problem::Problem;

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

/// Ids a limiter key may be built from: bounded, and never a pattern.
pub fn valid_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.@".contains(&b))
}
