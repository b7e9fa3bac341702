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

/// Every problem code of api.md §4, with its HTTP status and title: the one table the
/// binaries draw codes from. Clients branch on these strings, so they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    InvalidArgument,
    InvalidFilter,
    InvalidPageToken,
    PageTokenExpired,
    InvalidConsistencyToken,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    MethodNotAllowed,
    AlreadyExists,
    InvalidStateTransition,
    ResourceLocked,
    ConcurrentModification,
    IdempotencyKeyInUse,
    DuplicateJob,
    AutoscaleOwnsCount,
    DeploymentInProgress,
    NoCapacity,
    FailedPrecondition,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    IdempotencyKeyReused,
    QuotaExceededResource,
    PreconditionRequired,
    RateLimited,
    Internal,
    Unavailable,
    QueueFull,
}

impl Code {
    pub const ALL: [Self; 30] = [
        Self::InvalidArgument,
        Self::InvalidFilter,
        Self::InvalidPageToken,
        Self::PageTokenExpired,
        Self::InvalidConsistencyToken,
        Self::Unauthenticated,
        Self::PermissionDenied,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::AlreadyExists,
        Self::InvalidStateTransition,
        Self::ResourceLocked,
        Self::ConcurrentModification,
        Self::IdempotencyKeyInUse,
        Self::DuplicateJob,
        Self::AutoscaleOwnsCount,
        Self::DeploymentInProgress,
        Self::NoCapacity,
        Self::FailedPrecondition,
        Self::PreconditionFailed,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::ValidationFailed,
        Self::IdempotencyKeyReused,
        Self::QuotaExceededResource,
        Self::PreconditionRequired,
        Self::RateLimited,
        Self::Internal,
        Self::Unavailable,
        Self::QueueFull,
    ];

    /// The stable UPPER_SNAKE code.
    pub fn as_str(self) -> &'static str {
        self.row().0
    }

    pub fn status(self) -> StatusCode {
        StatusCode::from_u16(self.row().1).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn title(self) -> &'static str {
        self.row().2
    }

    fn row(self) -> (&'static str, u16, &'static str) {
        match self {
            Self::InvalidArgument => ("INVALID_ARGUMENT", 400, "The request is malformed"),
            Self::InvalidFilter => ("INVALID_FILTER", 400, "The filter is not valid"),
            Self::InvalidPageToken => ("INVALID_PAGE_TOKEN", 400, "The page token is not valid"),
            Self::PageTokenExpired => ("PAGE_TOKEN_EXPIRED", 400, "The page token has expired"),
            Self::InvalidConsistencyToken => (
                "INVALID_CONSISTENCY_TOKEN",
                400,
                "The consistency token is not valid",
            ),
            Self::Unauthenticated => ("UNAUTHENTICATED", 401, "Authentication is required"),
            Self::PermissionDenied => ("PERMISSION_DENIED", 403, "The principal may not do this"),
            Self::NotFound => ("NOT_FOUND", 404, "The resource does not exist"),
            Self::MethodNotAllowed => ("METHOD_NOT_ALLOWED", 405, "The method is not allowed"),
            Self::AlreadyExists => ("ALREADY_EXISTS", 409, "The resource already exists"),
            Self::InvalidStateTransition => (
                "INVALID_STATE_TRANSITION",
                409,
                "The action is not allowed in the current state",
            ),
            Self::ResourceLocked => (
                "RESOURCE_LOCKED",
                409,
                "An operation on the resource is in progress",
            ),
            Self::ConcurrentModification => (
                "CONCURRENT_MODIFICATION",
                409,
                "The resource was changed concurrently",
            ),
            Self::IdempotencyKeyInUse => (
                "IDEMPOTENCY_KEY_IN_USE",
                409,
                "A request with this Idempotency-Key is in progress",
            ),
            Self::DuplicateJob => ("DUPLICATE_JOB", 409, "An equivalent job exists"),
            Self::AutoscaleOwnsCount => (
                "AUTOSCALE_OWNS_COUNT",
                409,
                "The node pool's count is owned by its autoscaler",
            ),
            Self::DeploymentInProgress => {
                ("DEPLOYMENT_IN_PROGRESS", 409, "A deployment is in progress")
            }
            Self::NoCapacity => ("NO_CAPACITY", 409, "No provider can take the resource"),
            Self::FailedPrecondition => (
                "FAILED_PRECONDITION",
                409,
                "A precondition of the request does not hold",
            ),
            Self::PreconditionFailed => ("PRECONDITION_FAILED", 412, "The resource has changed"),
            Self::PayloadTooLarge => ("PAYLOAD_TOO_LARGE", 413, "The request body is too large"),
            Self::UnsupportedMediaType => (
                "UNSUPPORTED_MEDIA_TYPE",
                415,
                "The content type is not supported",
            ),
            Self::ValidationFailed => ("VALIDATION_FAILED", 422, "The request is not valid"),
            Self::IdempotencyKeyReused => (
                "IDEMPOTENCY_KEY_REUSED",
                422,
                "The Idempotency-Key was used with a different request",
            ),
            Self::QuotaExceededResource => (
                "QUOTA_EXCEEDED_RESOURCE",
                422,
                "A resource quota would be exceeded",
            ),
            Self::PreconditionRequired => {
                ("PRECONDITION_REQUIRED", 428, "This request needs If-Match")
            }
            Self::RateLimited => ("RATE_LIMITED", 429, "Too many requests"),
            Self::Internal => ("INTERNAL", 500, "Internal error"),
            Self::Unavailable => ("UNAVAILABLE", 503, "The service is temporarily unavailable"),
            Self::QueueFull => ("QUEUE_FULL", 503, "The queue is full"),
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
    /// On `429`: the rate-limit policies the request ran over (api.md §8).
    #[serde(rename = "violated-policies", skip_serializing_if = "Option::is_none")]
    pub violated_policies: Option<Vec<String>>,
    #[serde(skip)]
    headers: Vec<(&'static str, String)>,
}

impl Problem {
    /// The problem of `code`, with its status and title.
    pub fn of(code: Code) -> Self {
        Self::new(code.status(), code.as_str(), code.title())
    }

    fn new(status: StatusCode, code: &'static str, title: &str) -> Self {
        Self {
            type_uri: type_uri(status, code),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: None,
            code,
            metadata: Map::new(),
            errors: Vec::new(),
            violated_policies: None,
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

    pub fn violated_policies(mut self, names: Vec<String>) -> Self {
        self.violated_policies = Some(names);
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
        Self::of(Code::InvalidArgument).detail(detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let n = errors.len();
        let mut problem = Self::of(Code::ValidationFailed)
            .detail(format!(
                "{n} field{} invalid.",
                if n == 1 { " is" } else { "s are" }
            ))
            .meta("invalid_fields", n);
        problem.errors = errors;
        problem
    }

    pub fn unauthenticated() -> Self {
        Self::of(Code::Unauthenticated)
            .detail("send a valid token as 'Authorization: Bearer <token>'")
            .header("WWW-Authenticate", "Bearer")
    }

    pub fn permission_denied(role: &str) -> Self {
        Self::of(Code::PermissionDenied)
            .detail(format!("the role {role} may not use this route"))
            .meta("role", role)
    }

    pub fn not_found(kind: &str) -> Self {
        Self::of(Code::NotFound)
            .detail(format!("no such {kind}"))
            .meta("kind", kind)
    }

    pub fn unavailable(detail: impl Into<String>, retry_after_seconds: u32) -> Self {
        Self::of(Code::Unavailable)
            .detail(detail)
            .header("Retry-After", retry_after_seconds.to_string())
    }

    pub fn internal() -> Self {
        let mut problem = Self::of(Code::Internal);
        problem.type_uri = "about:blank".into();
        problem
    }

    /// Logs the cause of an unexpected failure and returns the generic 500.
    pub fn from_internal(error: &anyhow::Error) -> Self {
        tracing::error!(error = format!("{error:#}"), "unexpected failure");
        Self::internal()
    }
}

/// The registered problem type of a rate-limited request (api.md §4).
pub const QUOTA_EXCEEDED_TYPE: &str =
    "https://iana.org/assignments/http-problem-types#quota-exceeded";

fn type_uri(status: StatusCode, code: &str) -> String {
    if code == Code::RateLimited.as_str() {
        return QUOTA_EXCEEDED_TYPE.into();
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_upper_snake_and_carry_their_status() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(text.len() <= 63 && text.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
            assert!(code.status().is_client_error() || code.status().is_server_error());
        }
        assert_eq!(Problem::of(Code::PreconditionRequired).status, 428);
        assert_eq!(Problem::of(Code::QueueFull).status, 503);
    }
}
