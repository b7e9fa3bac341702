//! RFC 9457 problem documents with a stable `code` (api.md §4). Every 4xx/5xx of every
//! binary is one of these; a 500 never carries the cause, which is logged instead.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::{Map, Value};

pub const CONTENT_TYPE: &str = "application/problem+json";

/// One field-level problem, pointing into the request body.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub pointer: String,
    pub code: &'static str,
    pub detail: String,
}

impl FieldError {
    pub fn new(pointer: impl Into<String>, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            code,
            detail: detail.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: &'static str,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip)]
    headers: Vec<(&'static str, String)>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, title: &str) -> Self {
        Self {
            type_uri: type_uri(status, code),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: None,
            code,
            metadata: Map::new(),
            errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn meta(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.metadata.insert(key.to_owned(), value.into());
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    // The common problems, one constructor each, so codes and titles stay uniform.

    pub fn invalid_argument(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            "The request is malformed",
        )
        .detail(detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let n = errors.len();
        let mut problem = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
            "The request is not valid",
        )
        .detail(format!(
            "{n} field{} invalid.",
            if n == 1 { " is" } else { "s are" }
        ))
        .meta("invalid_fields", n);
        problem.errors = errors;
        problem
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Authentication is required",
        )
        .detail("send a valid token as 'Authorization: Bearer <token>'")
        .header("WWW-Authenticate", "Bearer")
    }

    pub fn permission_denied(role: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            "The principal may not do this",
        )
        .detail(format!("the role {role} may not use this route"))
        .meta("role", role)
    }

    pub fn not_found(kind: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The resource does not exist",
        )
        .detail(format!("no such {kind}"))
        .meta("kind", kind)
    }

    pub fn unavailable(detail: impl Into<String>, retry_after_seconds: u32) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "UNAVAILABLE",
            "The service is temporarily unavailable",
        )
        .detail(detail)
        .header("Retry-After", retry_after_seconds.to_string())
    }

    pub fn internal() -> Self {
        let mut problem = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "Internal error",
        );
        problem.type_uri = "about:blank".into();
        problem
    }

    /// Logs the cause of an unexpected failure and returns the generic 500.
    pub fn from_internal(error: &anyhow::Error) -> Self {
        tracing::error!(error = format!("{error:#}"), "unexpected failure");
        Self::internal()
    }
}

fn type_uri(status: StatusCode, code: &str) -> String {
    if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
        return "about:blank".into();
    }
    format!(
        "https://docs.clustergenie.dev/problems/{}",
        code.to_ascii_lowercase().replace('_', "-")
    )
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.code)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        Problem::status_code(self)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(CONTENT_TYPE);
        for (name, value) in &self.headers {
            response.insert_header((*name, value.as_str()));
        }
        response.json(self)
    }
}
