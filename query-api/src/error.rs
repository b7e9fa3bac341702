//! The boundary error of query-api: every way a read can fail, mapped to a problem
//! document in one `match`. Unexpected failures log their cause chain and answer a bare
//! 500; their details never reach the client.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use platform::problem::{Code, Problem};

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("invalid filter at {position}: {message}")]
    InvalidFilter { message: String, position: usize },
    #[error("invalid page token")]
    InvalidPageToken,
    #[error("page token expired")]
    PageTokenExpired,
    #[error("invalid consistency token: {0}")]
    InvalidConsistencyToken(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Problem(Box<Problem>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl QueryError {
    pub fn to_problem(&self) -> Problem {
        match self {
            Self::InvalidArgument(detail) => Problem::invalid_argument(detail.clone()),
            Self::InvalidFilter { message, position } => Problem::of(Code::InvalidFilter)
                .detail(format!("{message} at position {position}"))
                .meta("position", *position),
            Self::InvalidPageToken => Problem::of(Code::InvalidPageToken)
                .detail("the page token was altered or belongs to a different filter or order"),
            Self::PageTokenExpired => {
                Problem::of(Code::PageTokenExpired).detail("start again from the first page")
            }
            Self::InvalidConsistencyToken(detail) => {
                Problem::of(Code::InvalidConsistencyToken).detail(detail.clone())
            }
            Self::NotFound(kind) => Problem::not_found(kind),
            Self::Unavailable(detail) => Problem::unavailable(detail.clone(), 1),
            Self::Problem(problem) => (**problem).clone(),
            Self::Internal(error) => Problem::from_internal(error),
        }
    }
}

impl From<Problem> for QueryError {
    fn from(problem: Problem) -> Self {
        Self::Problem(Box::new(problem))
    }
}

impl From<sqlx::Error> for QueryError {
    /// A database that cannot be reached is a 503 (the client may retry), not a 500.
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(%error, "the read model is unreachable");
                Self::Unavailable("the read model is unreachable; retry".into())
            }
            error => {
                Self::Internal(anyhow::Error::new(error).context("Failed to read the read model"))
            }
        }
    }
}

impl ResponseError for QueryError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            other => other.to_problem().status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.to_problem().error_response()
    }
}
