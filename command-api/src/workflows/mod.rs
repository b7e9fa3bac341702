//! Commands that span aggregates, shared by handlers and reconcilers: creating a
//! resource under a unique name (reserve → create → confirm, or release on refusal)
//! and renaming one (reserve the new name → rename → the old one is released later by
//! the reconciler of its holder). Each step is an ordinary command; a crash between
//! steps leaves at most a pending reservation, which the reservation reconciler settles.
//! The confirmation is sent after the answer, never awaited by the request.

pub mod clusters;
pub mod droplets;
pub mod jobs;

use domain::name::ResourceName;
use tracing::Instrument;

use crate::names::{Names, Reserved};
use crate::writer::{Accepted, SubmitError};

/// Whether a failed command certainly appended nothing (so a reservation taken for it
/// can be released now) rather than maybe (then the reconciler decides later).
pub(crate) fn appended_nothing(error: &SubmitError) -> bool {
    matches!(
        error,
        SubmitError::Domain(_)
            | SubmitError::NotFound(_)
            | SubmitError::PreconditionFailed { .. }
            | SubmitError::IdempotencyKeyReused
            | SubmitError::IdempotencyKeyInUse
            | SubmitError::Quarantined(_)
    )
}

/// Renames aggregate `id` of type `kind`, owned by `owner`, to `name` (which differs
/// from its current one) through `submit` (an action or a patch), under a reservation
/// of the new name. The old name is released by the holder's reconciler once the rename
/// is in the log.
pub async fn rename(
    names: &Names,
    owner: &str,
    kind: &'static str,
    id: uuid::Uuid,
    name: &ResourceName,
    submit: impl AsyncFnOnce() -> Result<Accepted, SubmitError>,
) -> Result<Accepted, SubmitError> {
    let holder = names.reserve(owner, kind, name, id, None).await?;
    if holder != id {
        return Err(SubmitError::Unavailable(
            "the name reservation changed hands",
        ));
    }
    // The aggregate does not carry this name yet: a failed rename gives it back.
    let reserved = Reserved { id, fresh: true };
    under_name(names, owner, kind, name, reserved, submit).await
}

/// Runs `create` under a reservation of `name` for `holder`, taken for `scope`.
pub(crate) async fn under_name<F>(
    names: &Names,
    owner: &str,
    kind: &str,
    name: &ResourceName,
    reserved: Reserved,
    create: F,
) -> Result<Accepted, SubmitError>
where
    F: AsyncFnOnce() -> Result<Accepted, SubmitError>,
{
    let holder = reserved.id;
    let result = create().await;
    match &result {
        Ok(_) => confirm_later(names, owner, kind, name, holder),
        // Only a reservation this request took is given back: an earlier holder that a
        // retry got back may exist and keeps its name (the reconciler settles the rest).
        Err(error) if reserved.fresh && appended_nothing(error) => {
            if let Err(error) = names.release(owner, kind, name, holder).await {
                tracing::debug!(%error, "releasing the name failed; the reservation reconciler will");
            }
        }
        Err(_) => {}
    }
    result
}

/// Confirms the name after the answer has gone: the reservation already makes the name
/// unique, and confirming only turns "held for a request in flight" into "held for good".
/// Waiting for it would add one acknowledged append to every create and rename; if it
/// is lost (a crash), the reservation reconciler confirms it after its grace period.
fn confirm_later(names: &Names, owner: &str, kind: &str, name: &ResourceName, holder: uuid::Uuid) {
    let (names, owner, kind, name) = (
        names.clone(),
        owner.to_owned(),
        kind.to_owned(),
        name.clone(),
    );
    // Still part of the request's trace, though it outlives the request.
    let confirming = async move {
        if let Err(error) = names.confirm(&owner, &kind, &name, holder).await {
            tracing::debug!(%error, "confirming the name failed; the reservation reconciler will");
        }
    };
    tokio::spawn(confirming.in_current_span());
}
