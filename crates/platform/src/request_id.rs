//! Middleware that accepts or generates `X-Request-Id`, echoes it on every response, and
//! stamps `request_id` and `instance` into problem bodies, including those produced by
//! extractors and default handlers that never saw the request id.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use serde_json::Value;

pub const HEADER: &str = "x-request-id";
const MAX_LEN: usize = 128;

/// The id of the current request, available from request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = incoming_id(&req).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let path = req.path().to_owned();
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.call(req).await?.map_into_boxed_body();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(HEADER), value);
    }
    if is_problem(&response) {
        response = stamp_problem(response, &id, &path).await;
    }
    Ok(response)
}

fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let raw = req.headers().get(HEADER)?.to_str().ok()?;
    let ok = !raw.is_empty() && raw.len() <= MAX_LEN && raw.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| raw.to_owned())
}

fn is_problem(response: &ServiceResponse<BoxBody>) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(crate::problem::CONTENT_TYPE))
}

async fn stamp_problem(
    response: ServiceResponse<BoxBody>,
    id: &str,
    path: &str,
) -> ServiceResponse<BoxBody> {
    let (req, res) = response.into_parts();
    let (head, body) = res.into_parts();
    let bytes = to_bytes(body).await.unwrap_or_default();
    let stamped = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(mut map)) => {
            map.insert("request_id".into(), Value::String(id.to_owned()));
            map.entry("instance")
                .or_insert_with(|| Value::String(path.to_owned()));
            serde_json::to_vec(&map).unwrap_or_else(|_| bytes.to_vec())
        }
        _ => bytes.to_vec(),
    };
    ServiceResponse::new(req, head.set_body(BoxBody::new(stamped)))
}
