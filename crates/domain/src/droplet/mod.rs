//! The Droplet aggregate: `decide` turns a command into events under the state machine
//! of api.md §12.1 (`decide.rs`), `evolve` folds one event, and each event states what
//! it means for the operation it belongs to. All pure and total; nothing here reads a
//! clock, the catalog or anything outside its arguments.

mod command;
mod decide;
mod event;
#[cfg(any(test, feature = "testing"))]
pub mod fixtures;
mod operations;
mod state;
#[cfg(test)]
mod tests;

pub use command::{Action, CreateDroplet, DropletCommand, NodeOf, Origin};
pub use decide::allowed_actions;
pub use event::{CreationRequested, DropletEvent};
pub use state::{Droplet, DropletStatus};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Aggregate;
use crate::name::ResourceName;
use crate::operation::{OperationFact, PendingOperation};
use crate::rejection::{DomainError, Rejection, RejectionKind};

/// How long a deleted droplet stays readable before it is purged (AIP-164).
pub const PURGE_AFTER_DAYS: i64 = 7;

/// Why a droplet command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DropletError {
    #[error("the droplet already exists")]
    AlreadyExists,
    #[error("the droplet does not exist")]
    NotFound,
    #[error("a droplet in status {from} cannot {action}")]
    InvalidTransition {
        from: &'static str,
        action: &'static str,
        allowed: Vec<&'static str>,
        hint: Option<&'static str>,
    },
    #[error("the droplet is locked by operation {operation_id}")]
    Locked {
        action: &'static str,
        operation_id: Uuid,
    },
    #[error("the droplet is a node; remove it through its node pool")]
    ManagedByNodePool,
    #[error("size {size} is not offered in {region}")]
    SizeNotOffered { size: &'static str, region: String },
    #[error("the droplet already runs on provider {provider}")]
    SameProvider { provider: String },
}

impl DomainError for DropletError {
    fn rejection(&self) -> Rejection {
        match self {
            Self::NotFound => Rejection::not_found("droplet"),
            Self::AlreadyExists => Rejection::new(
                RejectionKind::AlreadyExists,
                "droplet",
                "the droplet already exists",
            ),
            Self::InvalidTransition {
                from,
                action,
                allowed,
                hint,
            } => {
                let mut detail = format!("a droplet in status {from} cannot {action}");
                if let Some(hint) = hint {
                    detail = format!("{detail}; {hint}");
                }
                Rejection::new(RejectionKind::InvalidStateTransition, "droplet", detail)
                    .meta("from", *from)
                    .meta("action", *action)
                    .meta("allowed_actions", allowed.clone())
            }
            Self::Locked {
                action,
                operation_id,
            } => Rejection::new(
                RejectionKind::ResourceLocked,
                "droplet",
                format!("cannot {action} while operation {operation_id} is in progress"),
            )
            .meta("action", *action)
            .meta("operation_id", operation_id.to_string()),
            Self::SizeNotOffered { size, region } => Rejection::new(
                RejectionKind::Invalid,
                "droplet",
                format!("size {size} is not offered in {region}"),
            )
            .meta("size", *size)
            .meta("region", region.clone()),
            Self::SameProvider { provider } => Rejection::new(
                RejectionKind::Invalid,
                "droplet",
                format!("the droplet already runs on provider {provider}"),
            )
            .meta("provider", provider.clone()),
            Self::ManagedByNodePool => Rejection::new(
                RejectionKind::FailedPrecondition,
                "droplet",
                "the droplet is a node of a cluster; remove it through its node pool",
            ),
        }
    }
}

impl Aggregate for Droplet {
    const NAME: &'static str = "droplet";
    type Command = DropletCommand;
    type Event = DropletEvent;
    type Error = DropletError;

    fn decide(&self, command: &DropletCommand) -> Result<Vec<DropletEvent>, DropletError> {
        decide::decide(self, command)
    }

    fn evolve(self, event: &DropletEvent) -> Self {
        evolve(self, event)
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn exists(&self) -> bool {
        Droplet::exists(self)
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn pending_operation(&self) -> Option<&PendingOperation> {
        self.pending_operation.as_ref()
    }

    /// Provisioning, deletion or purge still to do, or a name or a slot to give back.
    fn unsettled(&self) -> bool {
        matches!(
            self.status,
            Some(DropletStatus::New | DropletStatus::Deleting | DropletStatus::Deleted)
        ) || !self.names_to_release.is_empty()
            || !self.providers_to_release.is_empty()
    }

    fn held_name(&self) -> Option<(&ResourceName, bool)> {
        let needed = self.is_live() || self.status == Some(DropletStatus::Deleting);
        self.exists().then_some((&self.name, needed))
    }

    fn cancel_command(operation_id: Uuid, at: DateTime<Utc>) -> Option<DropletCommand> {
        Some(DropletCommand::RequestCancel { operation_id, at })
    }

    fn operation_facts(event: &DropletEvent, id: Uuid, principal: &str) -> Vec<OperationFact> {
        operations::facts(event, id, principal)
    }
}

fn evolve(mut state: Droplet, event: &DropletEvent) -> Droplet {
    use DropletEvent as E;
    state.version += 1;
    state.updated_at = Some(event.at());
    match event {
        E::CreationRequested(c) => {
            state.id = c.id;
            state.owner.clone_from(&c.owner);
            state.name = c.name.clone();
            state.region.clone_from(&c.region);
            state.size_slug.clone_from(&c.size_slug);
            state.image.clone_from(&c.image);
            (state.vcpus, state.memory_mb, state.disk_gb) = (c.vcpus, c.memory_mb, c.disk_gb);
            state.tags.clone_from(&c.tags);
            state.node_of = c.node_of;
            state.provider.clone_from(&c.provider);
            state.holds_capacity = c.provider.is_some();
            state.status = Some(DropletStatus::New);
            state.pending_operation = c
                .operation_id
                .map(|id| PendingOperation::new(id, "droplet.create"));
            state.created_at = Some(c.at);
        }
        E::Provisioned { ipv4, at, .. } => {
            state.ipv4 = Some(*ipv4);
            state.provisioned_at = Some(*at);
            state.status = Some(DropletStatus::Active);
            state.pending_operation = None;
        }
        E::ProvisioningFailed { reason, .. } => {
            state.failure_reason = Some(reason.clone());
            state.status = Some(DropletStatus::Error);
            state.pending_operation = None;
            give_up_capacity(&mut state);
        }
        E::PoweredOff { .. } | E::ShutDown { .. } => state.status = Some(DropletStatus::Off),
        E::PoweredOn { .. } => state.status = Some(DropletStatus::Active),
        E::Rebooted { .. } | E::PowerCycled { .. } => {}
        E::Renamed { name, previous, .. } => {
            state
                .names_to_release
                .extend(previous.iter().filter(|p| *p != name).cloned());
            // A name taken back before its release (x → y → x) is held again.
            state.names_to_release.retain(|n| n != name);
            state.name = name.clone();
        }
        E::Resized {
            size_slug,
            vcpus,
            memory_mb,
            disk_gb,
            ..
        } => {
            state.size_slug.clone_from(size_slug);
            (state.vcpus, state.memory_mb, state.disk_gb) = (*vcpus, *memory_mb, *disk_gb);
        }
        E::Rebuilt { image, .. } => state.image.clone_from(image),
        E::SnapshotTaken { name, .. } => state.snapshots.push(name.clone()),
        E::TagsChanged { tags, .. } => state.tags.clone_from(tags),
        E::DrainStarted { .. } => state.draining = true,
        E::DeletionRequested { operation_id, .. } => {
            state.status = Some(DropletStatus::Deleting);
            state.pending_operation =
                operation_id.map(|id| PendingOperation::new(id, "droplet.delete"));
        }
        E::Deleted { at, purge_at, .. } => {
            state.status = Some(DropletStatus::Deleted);
            state.delete_time = Some(*at);
            state.purge_time = Some(*purge_at);
            state.pending_operation = None;
            state.names_to_release.push(state.name.clone());
            give_up_capacity(&mut state);
        }
        E::Purged { .. } => state.status = Some(DropletStatus::Purged),
        E::CancelRequested { .. } => {
            if let Some(pending) = &mut state.pending_operation {
                pending.cancel_requested = true;
            }
        }
        E::CreationCancelled { .. } => {
            state.status = Some(DropletStatus::Deleting);
            state.pending_operation = None;
        }
        E::NameReleased { name, .. } => state.names_to_release.retain(|n| n != name),
        E::Migrated { from, to, .. } => {
            state.providers_to_release.extend(from.iter().cloned());
            // A provider moved back to before its release holds the droplet's slot again.
            state.providers_to_release.retain(|p| p != to);
            state.provider = Some(to.clone());
            state.holds_capacity = true;
        }
        E::CapacityReleased { provider, .. } => {
            state.providers_to_release.retain(|p| p != provider);
        }
    }
    state
}

/// The droplet no longer needs its slot: it is to be released (level-triggered).
fn give_up_capacity(state: &mut Droplet) {
    if state.holds_capacity {
        state.holds_capacity = false;
        if let Some(provider) = &state.provider {
            state.providers_to_release.push(provider.clone());
        }
    }
}
