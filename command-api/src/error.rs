//! Maps write-path outcomes to RFC 9457 problems with stable codes (api.md §4). Domain
//! rejections are 404/409/412; infrastructure trouble is 503 with Retry-After; nothing
//! here ever produces a 500 for a client mistake.

use actix_web::http::StatusCode;
use domain::droplet::DropletError;
use platform::problem::Problem;

use crate::writer::SubmitError;

pub fn problem(error: &SubmitError) -> Problem {
    match error {
        SubmitError::Domain(domain) => domain_problem(domain),
        SubmitError::PreconditionFailed { current_version } => Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "PRECONDITION_FAILED",
            "The resource has changed",
        )
        .detail(format!(
            "If-Match does not match the current version {current_version}"
        ))
        .meta("current_version", *current_version)
        .header("ETag", format!("\"{current_version}\"")),
        SubmitError::IdempotencyKeyReused => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IDEMPOTENCY_KEY_REUSED",
            "The Idempotency-Key was used with a different request",
        )
        .detail("send a new Idempotency-Key for a different request"),
        SubmitError::IdempotencyKeyInUse => Problem::new(
            StatusCode::CONFLICT,
            "IDEMPOTENCY_KEY_IN_USE",
            "A request with this Idempotency-Key is in progress",
        )
        .header("Retry-After", "1"),
        SubmitError::NotOwned { partition } => Problem::unavailable(
            format!("partition {partition} is served by another instance that could not be reached; retry"),
            1,
        )
        .meta("partition", *partition),
        SubmitError::Unavailable(reason) => {
            tracing::warn!(reason, "command not accepted: write path unavailable");
            Problem::unavailable(
                format!(
                    "the write path is unavailable ({reason}); retry with the same Idempotency-Key"
                ),
                1,
            )
        }
    }
}

fn domain_problem(error: &DropletError) -> Problem {
    match error {
        DropletError::NotFound => Problem::not_found("droplet"),
        DropletError::AlreadyExists => Problem::new(
            StatusCode::CONFLICT,
            "ALREADY_EXISTS",
            "The resource already exists",
        ),
        DropletError::InvalidTransition {
            from,
            action,
            allowed,
        } => Problem::new(
            StatusCode::CONFLICT,
            "INVALID_STATE_TRANSITION",
            "The action is not allowed in the current state",
        )
        .detail(format!("a droplet in status {from} cannot {action}"))
        .meta("from", *from)
        .meta("action", *action)
        .meta("allowed_actions", allowed.clone()),
        DropletError::Locked { action } => Problem::new(
            StatusCode::CONFLICT,
            "RESOURCE_LOCKED",
            "An operation on the resource is in progress",
        )
        .detail(format!("cannot {action} while the droplet is locked"))
        .meta("action", *action)
        .header("Retry-After", "2"),
    }
}
