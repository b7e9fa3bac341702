//! Relays mutations (`POST`/`PATCH`/`PUT`/`DELETE` under `/api/v1`) to command-api so the
//! SPA needs one origin. Method, path, query, end-to-end headers and body go through
//! unchanged, and so does the answer. It never interprets or retries a mutation: a
//! command-api that cannot be reached is a 503 the client may retry with its
//! Idempotency-Key.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, guard, web};
use futures::StreamExt;
use platform::auth::Principal;
use platform::problem::Problem;
use platform::request_id::RequestId;

use crate::error::QueryError;

/// Hop-by-hop headers (RFC 9110 §7.6.1) and those the client library sets itself.
const SKIPPED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// The upstream and the HTTP client used to reach it.
pub struct Relay {
    client: reqwest::Client,
    base_url: String,
    body_limit: usize,
}

impl Relay {
    pub fn new(base_url: &str, body_limit: usize) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
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
    let body = read_body(payload, relay.body_limit).await?;
    let path = req
        .uri()
        .path_and_query()
        .map_or(req.path(), |pq| pq.as_str());
    let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes())
        .map_err(|_| QueryError::InvalidArgument("unsupported method".into()))?;
    let mut upstream = relay
        .client
        .request(method, format!("{}{path}", relay.base_url));
    for (name, value) in req.headers() {
        if !SKIPPED.contains(&name.as_str()) && name.as_str() != "x-request-id" {
            upstream = upstream.header(name.as_str(), value.as_bytes());
        }
    }
    if let Some(id) = req.extensions().get::<RequestId>() {
        upstream = upstream.header("x-request-id", id.0.as_str());
    }
    let answer = upstream.body(body).send().await.map_err(unavailable)?;
    let mut response = HttpResponse::build(
        StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY),
    );
    for (name, value) in answer.headers() {
        if !SKIPPED.contains(&name.as_str()) {
            response.append_header((name.as_str(), value.as_bytes()));
        }
    }
    let bytes = answer.bytes().await.map_err(unavailable)?;
    Ok(response.body(bytes))
}

fn unavailable(error: reqwest::Error) -> QueryError {
    tracing::warn!(error = %error, "command-api is unreachable");
    QueryError::Unavailable(
        "command-api cannot be reached; retry with the same Idempotency-Key".into(),
    )
}

/// Reads the request body, refusing more than `limit` bytes.
async fn read_body(mut payload: web::Payload, limit: usize) -> Result<web::Bytes, QueryError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| QueryError::InvalidArgument(format!("unreadable body: {e}")))?;
        if body.len() + chunk.len() > limit {
            let problem = Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "The request body is too large",
            )
            .detail(format!("request bodies are limited to {limit} bytes"))
            .meta("limit_bytes", limit);
            return Err(problem.into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
