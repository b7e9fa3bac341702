//! The boundary error of query-api: every way a read can fail, mapped to a problem
//! document in one `match`. Unexpected failures log their cause chain and answer a bare
//! 500; their details never reach the client.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use platform::problem::Problem;

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
    #[error("not found")]
    NotFound,
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Problem(Box<Problem>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl QueryError {
    pub fn to_problem(&self) -> Problem {
        let bad = StatusCode::BAD_REQUEST;
        match self {
            Self::InvalidArgument(detail) => Problem::invalid_argument(detail.clone()),
            Self::InvalidFilter { message, position } => {
                Problem::new(bad, "INVALID_FILTER", "The filter is not valid")
                    .detail(format!("{message} at position {position}"))
                    .meta("position", *position)
            }
            Self::InvalidPageToken => {
                Problem::new(bad, "INVALID_PAGE_TOKEN", "The page token is not valid")
                    .detail("the page token was altered or belongs to a different filter or order")
            }
            Self::PageTokenExpired => {
                Problem::new(bad, "PAGE_TOKEN_EXPIRED", "The page token has expired")
                    .detail("start again from the first page")
            }
            Self::InvalidConsistencyToken(detail) => Problem::new(
                bad,
                "INVALID_CONSISTENCY_TOKEN",
                "The consistency token is not valid",
            )
            .detail(detail.clone()),
            Self::NotFound => Problem::not_found("droplet"),
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
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(anyhow::Error::new(error).context("Failed to read the read model"))
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
