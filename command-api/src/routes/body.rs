//! Reading a JSON request body: content type checked (415), size capped while reading
//! (413, never buffered past the cap), syntax checked (400), and an object required. The
//! raw bytes are kept so a forwarded request carries exactly what the client sent.

use actix_web::{HttpRequest, web};
use platform::problem::{Code, Problem};
use serde_json::{Map, Value};

/// The largest accepted body, set by the application from `http.body_limit`.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A parsed JSON object and the bytes it came from.
pub struct JsonBody {
    pub raw: web::Bytes,
    pub object: Map<String, Value>,
}

pub async fn json_object(req: &HttpRequest, payload: web::Payload) -> Result<JsonBody, Problem> {
    let limit = req
        .app_data::<web::Data<BodyLimit>>()
        .map_or(256 * 1024, |l| l.0);
    check_content_type(req)?;
    let raw = platform::relay::read_body(req, payload, limit).await?;
    match serde_json::from_slice::<Value>(&raw) {
        Ok(Value::Object(object)) => Ok(JsonBody { raw, object }),
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
    // PATCH bodies are JSON merge patches (RFC 7396); plain JSON is accepted too.
    if media == "application/json"
        || (media == "application/merge-patch+json" && req.method() == "PATCH")
    {
        return Ok(());
    }
    Err(Problem::of(Code::UnsupportedMediaType)
        .detail("send the body as application/json (application/merge-patch+json for PATCH)")
        .meta("content_type", content_type))
}
