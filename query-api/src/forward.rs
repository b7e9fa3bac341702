//! Relays mutations (`POST`/`PATCH`/`PUT`/`DELETE` under `/api/v1`) to command-api so the
//! SPA needs one origin. Method, path, query, end-to-end headers and body go through
//! unchanged, and so does the answer. It never interprets or retries a mutation: a
//! command-api that cannot be reached is a 503 the client may retry with its
//! Idempotency-Key.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, guard, web};
use platform::auth::Principal;

use crate::error::QueryError;

/// The upstream and the HTTP client used to reach it.
pub struct Relay {
    client: platform::relay::Relay,
    base_url: String,
    body_limit: usize,
}

impl Relay {
    pub fn new(base_url: &str, body_limit: usize) -> anyhow::Result<Self> {
        let client = platform::relay::Relay::new(Duration::from_secs(30))?;
        Ok(Self {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
            body_limit,
        })
    }
}

/// Matches the methods that are relayed.
pub fn is_mutation() -> impl guard::Guard {
    guard::Any(guard::Post())
        .or(guard::Patch())
        .or(guard::Put())
        .or(guard::Delete())
}

/// The relay handler. The caller is authenticated here too, so anonymous traffic never
/// reaches command-api; command-api still makes every authorisation decision.
#[tracing::instrument(name = "relay mutation", skip_all, fields(method = %req.method(), principal = %principal.id))]
pub async fn relay(
    req: HttpRequest,
    principal: Principal,
    payload: web::Payload,
    relay: web::Data<Relay>,
) -> Result<HttpResponse, QueryError> {
    let body = platform::relay::read_body(&req, payload, relay.body_limit).await?;
    relay
        .client
        .send(&relay.base_url, &req, body, &[])
        .await
        .map_err(unavailable)
}

fn unavailable(error: reqwest::Error) -> QueryError {
    tracing::warn!(error = %error, "command-api is unreachable");
    QueryError::Unavailable(
        "command-api cannot be reached; retry with the same Idempotency-Key".into(),
    )
}
