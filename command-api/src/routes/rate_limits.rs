//! The admin writes of rate-limit policies (api.md §8, §11): `PUT
//! /rate_limit_policies/default`, `PUT` and `DELETE /users/{id}/rate_limit_policy`. Each
//! is one command on the target's `RateLimitPolicy` aggregate through the writer, like
//! every other write. After read-back the new document goes to Redis (compare-and-set
//! on its version) before the answer, so the next request in every instance obeys it;
//! the projector writes the same document, so Redis is rebuilt from the log if lost.
//! Checks, in order: role (403), `If-Match` on a `PUT` (428), body (422), version (412).

use actix_web::{HttpRequest, HttpResponse, web};
use domain::Aggregate;
use domain::rate_limit_policy::{PolicyCommand, RateLimitPolicy, Target, policy_id};
use domain::record::StoredResponse;
use platform::auth::{Principal, Role};
use platform::problem::{Code, Problem};
use platform::ratelimit::body::parse_update;
use platform::ratelimit::{RateLimits, status::valid_id, store};
use serde_json::Value;
use views::StateRow;
use views::rate_limit_policy::RateLimitPolicyRow;

use super::common::{self, Services, finish};
use super::{body, respond};
use crate::preconditions;
use crate::writer::{Accepted, Command, SubmitError};

const DEFAULT_ROUTE: &str = "/api/v1/rate_limit_policies/default";
const USER_ROUTE: &str = "/api/v1/users/{id}/rate_limit_policy";

/// `PUT /api/v1/rate_limit_policies/default`.
pub async fn put_default(
    req: HttpRequest,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    let put = Put {
        target: Target::Default,
        route: DEFAULT_ROUTE,
    };
    put.run(&req, payload, principal, &services, &limits).await
}

/// `PUT /api/v1/users/{id}/rate_limit_policy`.
pub async fn put_user(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    let put = Put {
        target: user(&path)?,
        route: USER_ROUTE,
    };
    put.run(&req, payload, principal, &services, &limits).await
}

/// `DELETE /api/v1/users/{id}/rate_limit_policy` (`If-Match` honoured).
pub async fn delete_user(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, Problem> {
    admin(&principal)?;
    let target = user(&path)?;
    let idempotency = preconditions::idempotency(&req, &principal, USER_ROUTE, &Value::Null)?;
    let id = policy_id(&target);
    let writer = &services.writer;
    let command = PolicyCommand::Delete {
        at: writer.clock().now(),
    };
    let correlation = common::correlation(&req);
    let submission = Command::<RateLimitPolicy>::new(
        id,
        command,
        writer.id_beside(&id),
        principal,
        "rate_limit_policy.delete",
    )
    .expecting(preconditions::expected_version(&req))
    .idempotency(idempotency)
    .correlated(correlation)
    .respond(|state, _, _| no_content(state));
    let result = writer.submit(submission).await;
    publish(&limits, &result).await;
    finish(&req, web::Bytes::new(), &services, result).await
}

/// One `PUT` of a target's rules.
struct Put {
    target: Target,
    route: &'static str,
}

impl Put {
    async fn run(
        self,
        req: &HttpRequest,
        payload: web::Payload,
        principal: Principal,
        services: &Services,
        limits: &RateLimits,
    ) -> Result<HttpResponse, Problem> {
        admin(&principal)?;
        if !req.headers().contains_key("if-match") {
            return Err(Problem::of(Code::PreconditionRequired)
                .detail("send If-Match with the policy's ETag (or * for any version)"));
        }
        let body::JsonBody { raw, object } = body::json_object(req, payload).await?;
        let value = Value::Object(object);
        let rules = parse_update(&value).map_err(Problem::validation)?;
        let idempotency = preconditions::idempotency(req, &principal, self.route, &value)?;
        let id = policy_id(&self.target);
        let writer = &services.writer;
        let command = PolicyCommand::Set {
            target: self.target,
            rules: serde_json::to_string(&rules).map_err(|e| Problem::from_internal(&e.into()))?,
            at: writer.clock().now(),
        };
        let correlation = common::correlation(req);
        let submission = Command::<RateLimitPolicy>::new(
            id,
            command,
            writer.id_beside(&id),
            principal,
            "rate_limit_policy.set",
        )
        .expecting(preconditions::expected_version(req))
        .idempotency(idempotency)
        .correlated(correlation)
        .respond(|state, _, _| respond::ok_row::<RateLimitPolicyRow>(state));
        let result = writer.submit(submission).await;
        publish(limits, &result).await;
        finish(req, raw, services, result).await
    }
}

/// Writes the confirmed document to Redis. A failure is logged, not answered: the
/// command is in the log and the projector writes the same document after its commit.
async fn publish(limits: &RateLimits, result: &Result<Accepted, SubmitError>) {
    let Some(state) = result
        .as_ref()
        .ok()
        .and_then(Accepted::state::<RateLimitPolicy>)
    else {
        return;
    };
    let Some(row) = RateLimitPolicyRow::from_state(state) else {
        return;
    };
    let keys = limits.limiter.keys();
    let key = match &row.user_id {
        Some(user) => keys.user(user),
        None => keys.default_key().to_owned(),
    };
    let written = match serde_json::to_string(&row) {
        Ok(json) => store::publish(limits.limiter.redis(), &key, row.version, &json).await,
        Err(error) => Err(error.into()),
    };
    if let Err(error) = written {
        tracing::warn!(
            error = format!("{error:#}"),
            "rate-limit policy not cached; the projector will"
        );
    }
}

fn no_content(state: &RateLimitPolicy) -> StoredResponse {
    StoredResponse {
        status: 204,
        headers: vec![("ETag".into(), format!("\"{}\"", state.version()))],
        body: Vec::new(),
    }
}

fn admin(principal: &Principal) -> Result<(), Problem> {
    match principal.role {
        Role::Admin => Ok(()),
        role => Err(Problem::permission_denied(role.as_str())),
    }
}

fn user(raw: &str) -> Result<Target, Problem> {
    if valid_id(raw) {
        Ok(Target::User(raw.to_owned()))
    } else {
        Err(Problem::not_found(<RateLimitPolicy as Aggregate>::NAME))
    }
}
