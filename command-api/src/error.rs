//! Maps write-path outcomes to RFC 9457 problems with stable codes (api.md §4): a domain
//! rejection's kind picks the code, its detail and metadata are copied; infrastructure
//! trouble is 503 with Retry-After. Nothing here ever produces a 500 for a client mistake.

use domain::rejection::{Meta, Rejection, RejectionKind};
use platform::problem::{Code, Problem};
use serde_json::Value;

use crate::writer::SubmitError;

pub fn problem(error: &SubmitError) -> Problem {
    match error {
        SubmitError::Domain(rejection) => rejection_problem(rejection),
        SubmitError::NotFound(kind) => Problem::not_found(kind),
        SubmitError::PreconditionFailed { current_version } => Problem::of(Code::PreconditionFailed)
            .detail(format!("If-Match does not match the current version {current_version}"))
            .meta("current_version", *current_version)
            .header("ETag", format!("\"{current_version}\"")),
        SubmitError::IdempotencyKeyReused => Problem::of(Code::IdempotencyKeyReused)
            .detail("send a new Idempotency-Key for a different request"),
        SubmitError::IdempotencyKeyInUse => Problem::of(Code::IdempotencyKeyInUse).header("Retry-After", "1"),
        SubmitError::NotOwned { partition } => Problem::unavailable(
            format!("partition {partition} is served by another instance that could not be reached; retry"),
            1,
        )
        .meta("partition", *partition),
        SubmitError::Unavailable(reason) => {
            tracing::warn!(reason, "command not accepted: write path unavailable");
            Problem::unavailable(
                format!("the write path is unavailable ({reason}); retry with the same Idempotency-Key"),
                1,
            )
        }
        SubmitError::Quarantined(reason) => {
            tracing::error!(reason, "command refused: the aggregate is quarantined");
            Problem::unavailable(
                "the resource's history cannot be read; an operator must repair it (see parked events)",
                60,
            )
        }
    }
}

/// The problem of a domain rejection: its kind picks the code.
pub fn rejection_problem(rejection: &Rejection) -> Problem {
    if rejection.kind == RejectionKind::NotFound {
        return Problem::not_found(rejection.resource);
    }
    let code = match rejection.kind {
        RejectionKind::AlreadyExists => Code::AlreadyExists,
        RejectionKind::InvalidStateTransition => Code::InvalidStateTransition,
        RejectionKind::ResourceLocked => Code::ResourceLocked,
        RejectionKind::FailedPrecondition => Code::FailedPrecondition,
        RejectionKind::AutoscaleOwnsCount => Code::AutoscaleOwnsCount,
        RejectionKind::Invalid => Code::ValidationFailed,
        RejectionKind::NoCapacity => Code::NoCapacity,
        RejectionKind::DeploymentInProgress => Code::DeploymentInProgress,
        RejectionKind::NotFound => Code::NotFound,
    };
    let mut problem = Problem::of(code).detail(rejection.detail.clone());
    for (key, value) in &rejection.metadata {
        problem = problem.meta(key, meta_value(value));
    }
    if code == Code::ResourceLocked {
        problem = problem.header("Retry-After", "2");
    }
    problem
}

fn meta_value(meta: &Meta) -> Value {
    match meta {
        Meta::Text(text) => Value::String(text.clone()),
        Meta::Number(n) => Value::from(*n),
        Meta::List(items) => Value::from(items.clone()),
    }
}
