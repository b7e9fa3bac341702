//! Passing an HTTP request on to another service unchanged and returning its answer
//! unchanged: query-api relays mutations to command-api, and a command-api instance
//! forwards a command to the instance that owns its partition. It never interprets,
//! retries or rewrites a request; hop-by-hop headers are dropped (RFC 9110 §7.6.1). The
//! one header it sets itself is the W3C trace context: the relaying request's span is
//! the parent of the next hop's.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use futures::StreamExt;

use crate::problem::{Code, Problem};
use crate::request_id::RequestId;

/// Hop-by-hop headers, those the client library sets itself, and the trace context
/// (replaced by this hop's).
const SKIPPED: &[&str] = &[
    crate::telemetry::context::TRACEPARENT,
    crate::telemetry::context::TRACESTATE,
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

/// An HTTP client for relaying.
#[derive(Clone)]
pub struct Relay {
    client: reqwest::Client,
}

impl Relay {
    pub fn new(timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self { client })
    }

    /// Sends `req` (with `body`, plus `extra` headers) to `base_url` + the same path and
    /// query, and turns the answer into a response.
    pub async fn send(
        &self,
        base_url: &str,
        req: &HttpRequest,
        body: web::Bytes,
        extra: &[(&str, &str)],
    ) -> Result<HttpResponse, reqwest::Error> {
        let path = req
            .uri()
            .path_and_query()
            .map_or(req.path(), |pq| pq.as_str());
        let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes())
            .unwrap_or(reqwest::Method::POST);
        let url = format!("{}{path}", base_url.trim_end_matches('/'));
        let mut upstream = self.client.request(method, url);
        for (name, value) in req.headers() {
            if !SKIPPED.contains(&name.as_str()) && name.as_str() != crate::request_id::HEADER {
                upstream = upstream.header(name.as_str(), value.as_bytes());
            }
        }
        if let Some(id) = req.extensions().get::<RequestId>() {
            upstream = upstream.header(crate::request_id::HEADER, id.0.as_str());
        }
        if let Some(trace) = crate::telemetry::context::current() {
            upstream = upstream.header(crate::telemetry::context::TRACEPARENT, trace.traceparent);
            if !trace.tracestate.is_empty() {
                upstream = upstream.header(crate::telemetry::context::TRACESTATE, trace.tracestate);
            }
        }
        for (name, value) in extra {
            upstream = upstream.header(*name, *value);
        }
        let answer = upstream.body(body).send().await?;
        let status =
            StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        let mut response = HttpResponse::build(status);
        for (name, value) in answer.headers() {
            if !SKIPPED.contains(&name.as_str()) && name.as_str() != crate::request_id::HEADER {
                response.append_header((name.as_str(), value.as_bytes()));
            }
        }
        Ok(response.body(answer.bytes().await?))
    }
}

/// Reads a request body, refusing more than `limit` bytes with a 413 problem while
/// reading (a declared `Content-Length` over the limit is refused before reading).
pub async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, Problem> {
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| Problem::invalid_argument(format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn too_large(limit: usize) -> Problem {
    Problem::of(Code::PayloadTooLarge)
        .detail(format!("request bodies are limited to {limit} bytes"))
        .meta("limit_bytes", limit)
}
