//! The droplet's transition table (api.md §12.1): which command, in which status,
//! yields which events. Pure: the time and the resolved catalog facts come in the
//! command; the operation ids come from the command or from the pending operation.

use chrono::Duration;

use super::command::{Action, CreateDroplet, DropletCommand, Origin};
use super::event::{CreationRequested, DropletEvent};
use super::state::{Droplet, DropletStatus};
use super::{DropletError, PURGE_AFTER_DAYS};

const CREATE: &str = "droplet.create";

pub(super) fn decide(
    state: &Droplet,
    command: &DropletCommand,
) -> Result<Vec<DropletEvent>, DropletError> {
    let status = match state.status {
        None | Some(DropletStatus::Purged) => {
            return match command {
                DropletCommand::Create(create) if state.status.is_none() => {
                    Ok(vec![creation_requested(create)])
                }
                _ => Err(DropletError::NotFound),
            };
        }
        Some(status) => status,
    };
    if matches!(command, DropletCommand::Create(_)) {
        return Err(DropletError::AlreadyExists);
    }
    check_lock(state, command)?;
    decide_existing(state, status, command)
}

/// A user action while an operation holds the droplet is refused, except a metadata
/// change (`PATCH` name and tags: no infrastructure moves, api.md §2) and a delete of a
/// droplet still provisioning: the delete wins and supersedes the creation.
fn check_lock(state: &Droplet, command: &DropletCommand) -> Result<(), DropletError> {
    let Some(pending) = &state.pending_operation else {
        return Ok(());
    };
    let delete_wins = matches!(command, DropletCommand::Delete { .. }) && pending.op_type == CREATE;
    let metadata = matches!(command, DropletCommand::Update { .. });
    if command.is_user_action() && !delete_wins && !metadata {
        return Err(DropletError::Locked {
            action: command.action(),
            operation_id: pending.id,
        });
    }
    Ok(())
}

fn decide_existing(
    state: &Droplet,
    status: DropletStatus,
    command: &DropletCommand,
) -> Result<Vec<DropletEvent>, DropletError> {
    use DropletCommand as C;
    use DropletStatus as S;
    let pending_id = state.pending_operation.as_ref().map(|p| p.id);
    let one = |event| Ok(vec![event]);
    match (status, command) {
        (S::New, C::MarkProvisioned { ipv4, at }) => one(DropletEvent::Provisioned {
            ipv4: *ipv4,
            at: *at,
            operation_id: pending_id,
        }),
        (S::New, C::MarkProvisioningFailed { reason, at }) => {
            one(DropletEvent::ProvisioningFailed {
                reason: reason.clone(),
                at: *at,
                operation_id: pending_id,
            })
        }
        (
            S::Active | S::Off,
            C::Act {
                action,
                operation_id,
                at,
            },
        ) => act(state, status, action, *operation_id, *at),
        (S::New | S::Active | S::Off | S::Error, C::Update { name, tags, at }) => {
            Ok(update(state, name.as_ref(), tags.as_ref(), *at))
        }
        (S::New | S::Active | S::Off, C::Drain { at }) if !state.draining => {
            one(DropletEvent::DrainStarted { at: *at })
        }
        (_, C::Drain { .. }) => Ok(Vec::new()),
        (
            _,
            C::Delete {
                origin: Origin::User,
                ..
            },
        ) if state.node_of.is_some() => Err(DropletError::ManagedByNodePool),
        (
            S::New | S::Active | S::Off | S::Error,
            C::Delete {
                operation_id, at, ..
            },
        ) => one(DropletEvent::DeletionRequested {
            at: *at,
            operation_id: Some(*operation_id),
            superseded: pending_id,
        }),
        (
            S::Deleting,
            C::Delete {
                origin: Origin::NodePool,
                ..
            },
        ) => Ok(Vec::new()),
        (S::Deleting, C::CompleteDeletion { at }) => one(DropletEvent::Deleted {
            at: *at,
            purge_at: *at + Duration::days(PURGE_AFTER_DAYS),
            operation_id: pending_id,
        }),
        (S::Deleted, C::Purge { at }) if state.purge_time.is_some_and(|t| *at >= t) => {
            one(DropletEvent::Purged { at: *at })
        }
        (_, C::RequestCancel { operation_id, at }) => Ok(cancel(state, status, *operation_id, *at)),
        (_, C::MarkNameReleased { name, at }) if state.names_to_release.contains(name) => {
            one(DropletEvent::NameReleased {
                name: name.clone(),
                at: *at,
            })
        }
        (_, C::MarkNameReleased { .. }) => Ok(Vec::new()),
        (_, C::MarkCapacityReleased { provider, at })
            if state.providers_to_release.contains(provider) =>
        {
            one(DropletEvent::CapacityReleased {
                provider: provider.clone(),
                at: *at,
            })
        }
        (_, C::MarkCapacityReleased { .. }) => Ok(Vec::new()),
        (status, command) => Err(DropletError::InvalidTransition {
            from: status.as_str(),
            action: command.action(),
            allowed: allowed_actions(status),
            hint: hint(status, command),
        }),
    }
}

fn act(
    state: &Droplet,
    status: DropletStatus,
    action: &Action,
    operation_id: uuid::Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<DropletEvent>, DropletError> {
    use DropletStatus as S;
    let op = Some(operation_id);
    let event = match (status, action) {
        (S::Active, Action::PowerOff) => DropletEvent::PoweredOff {
            at,
            operation_id: op,
        },
        (S::Active, Action::Shutdown) => DropletEvent::ShutDown {
            at,
            operation_id: op,
        },
        (S::Off, Action::PowerOn) => DropletEvent::PoweredOn {
            at,
            operation_id: op,
        },
        (S::Active, Action::Reboot) => DropletEvent::Rebooted {
            at,
            operation_id: op,
        },
        (S::Active, Action::PowerCycle) => DropletEvent::PowerCycled {
            at,
            operation_id: op,
        },
        (_, Action::Rename(name)) => DropletEvent::Renamed {
            name: name.clone(),
            // Renaming to the current name gives nothing up.
            previous: (*name != state.name).then(|| state.name.clone()),
            at,
            operation_id: op,
        },
        (S::Off, Action::Resize(size)) if !size.offered_in(&state.region) => {
            return Err(DropletError::SizeNotOffered {
                size: size.slug,
                region: state.region.clone(),
            });
        }
        (S::Off, Action::Resize(size)) => DropletEvent::Resized {
            size_slug: size.slug.to_owned(),
            vcpus: size.vcpus,
            memory_mb: size.memory_mb,
            disk_gb: size.disk_gb,
            at,
            operation_id: op,
        },
        (_, Action::Rebuild(image)) => DropletEvent::Rebuilt {
            image: image.clone(),
            at,
            operation_id: op,
        },
        (_, Action::Migrate(to)) if state.provider.as_ref() == Some(to) => {
            return Err(DropletError::SameProvider {
                provider: to.clone(),
            });
        }
        (_, Action::Migrate(to)) => DropletEvent::Migrated {
            from: state.provider.clone().filter(|_| state.holds_capacity),
            to: to.clone(),
            at,
            operation_id: op,
        },
        (_, Action::Snapshot(name)) => DropletEvent::SnapshotTaken {
            name: name.clone(),
            at,
            operation_id: op,
        },
        (status, action) => {
            return Err(DropletError::InvalidTransition {
                from: status.as_str(),
                action: action.name(),
                allowed: allowed_actions(status),
                hint: (status == S::Active && matches!(action, Action::Resize(_)))
                    .then_some("power the droplet off first"),
            });
        }
    };
    Ok(vec![event])
}

fn update(
    state: &Droplet,
    name: Option<&crate::name::ResourceName>,
    tags: Option<&Vec<String>>,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<DropletEvent> {
    let mut events = Vec::new();
    if let Some(name) = name.filter(|n| **n != state.name) {
        events.push(DropletEvent::Renamed {
            name: name.clone(),
            previous: Some(state.name.clone()),
            at,
            operation_id: None,
        });
    }
    if let Some(tags) = tags.filter(|t| **t != state.tags) {
        events.push(DropletEvent::TagsChanged {
            tags: tags.clone(),
            at,
        });
    }
    events
}

/// Best effort (api.md §9): a droplet still provisioning is cancelled at once; any other
/// operation is past its point of no return and only notes the request.
fn cancel(
    state: &Droplet,
    status: DropletStatus,
    operation_id: uuid::Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<DropletEvent> {
    let Some(pending) = state
        .pending_operation
        .as_ref()
        .filter(|p| p.id == operation_id)
    else {
        return Vec::new();
    };
    let mut events = Vec::new();
    if !pending.cancel_requested {
        events.push(DropletEvent::CancelRequested { operation_id, at });
    }
    if pending.op_type == CREATE && status == DropletStatus::New {
        events.push(DropletEvent::CreationCancelled { operation_id, at });
    }
    events
}

fn creation_requested(create: &CreateDroplet) -> DropletEvent {
    DropletEvent::CreationRequested(CreationRequested {
        id: create.id,
        owner: create.owner.clone(),
        name: create.name.clone(),
        region: create.region.clone(),
        size_slug: create.size.slug.to_owned(),
        image: create.image.clone(),
        vcpus: create.size.vcpus,
        memory_mb: create.size.memory_mb,
        disk_gb: create.size.disk_gb,
        tags: create.tags.clone(),
        node_of: create.node_of,
        provider: create.provider.clone(),
        operation_id: Some(create.operation_id),
        at: create.at,
    })
}

fn hint(status: DropletStatus, command: &DropletCommand) -> Option<&'static str> {
    match (status, command) {
        (DropletStatus::Deleted, _) => Some("the droplet is deleted"),
        (DropletStatus::Error, DropletCommand::Act { .. }) => {
            Some("a droplet that failed to provision can only be deleted")
        }
        _ => None,
    }
}

/// The user actions a droplet in `status` accepts, for `metadata.allowed_actions`.
pub fn allowed_actions(status: DropletStatus) -> Vec<&'static str> {
    match status {
        DropletStatus::New => vec!["delete"],
        DropletStatus::Active => vec![
            "power_off",
            "shutdown",
            "reboot",
            "power_cycle",
            "rename",
            "rebuild",
            "snapshot",
            "migrate",
            "delete",
        ],
        DropletStatus::Off => vec![
            "power_on", "resize", "rename", "rebuild", "snapshot", "migrate", "delete",
        ],
        DropletStatus::Error => vec!["delete"],
        DropletStatus::Deleting | DropletStatus::Deleted | DropletStatus::Purged => vec![],
    }
}
