//! Reading a JSON request body: content type checked (415), size capped while reading
//! (413, never buffered past the cap), syntax checked (400), and an object required.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use futures::StreamExt;
use platform::problem::Problem;
use serde_json::{Map, Value};

/// The largest accepted body, set by the application from `http.body_limit`.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

pub async fn json_object(
    req: &HttpRequest,
    mut payload: web::Payload,
) -> Result<Map<String, Value>, Problem> {
    let limit = req
        .app_data::<web::Data<BodyLimit>>()
        .map_or(256 * 1024, |l| l.0);
    check_content_type(req)?;
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| Problem::invalid_argument(format!("could not read the body: {e}")))?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Problem::invalid_argument("the body must be a JSON object")),
        Err(e) => Err(
            Problem::invalid_argument(format!("the body is not valid JSON: {e}"))
                .meta("line", e.line())
                .meta("column", e.column()),
        ),
    }
}

fn check_content_type(req: &HttpRequest) -> Result<(), Problem> {
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media == "application/json" {
        return Ok(());
    }
    Err(Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        "Unsupported content type",
    )
    .detail("send the body as application/json")
    .meta("content_type", content_type))
}

fn too_large(limit: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        "The request body is too large",
    )
    .detail(format!("bodies are limited to {limit} bytes"))
    .meta("limit_bytes", limit)
}
