//! The Droplet aggregate: `decide` turns a command into events under the state machine
//! of api.md §12.1, `evolve` folds one event. Both are pure and total; neither may read
//! a clock, the catalog or anything outside its arguments.

mod command;
mod event;
#[cfg(any(test, feature = "testing"))]
pub mod fixtures;
mod name;
mod state;
#[cfg(test)]
mod tests;

pub use command::{CreateDroplet, DropletCommand};
pub use event::{CreationRequested, DropletEvent};
pub use name::{DropletName, InvalidName};
pub use state::{Droplet, DropletStatus};

use chrono::Duration;

use crate::Aggregate;

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
    },
    #[error("the droplet is locked by an operation in progress")]
    Locked { action: &'static str },
}

impl Aggregate for Droplet {
    const NAME: &'static str = "droplet";
    type Command = DropletCommand;
    type Event = DropletEvent;
    type Error = DropletError;

    fn decide(&self, command: &DropletCommand) -> Result<Vec<DropletEvent>, DropletError> {
        let Some(status) = self.status else {
            return match command {
                DropletCommand::Create(create) => Ok(vec![creation_requested(create)]),
                _ => Err(DropletError::NotFound),
            };
        };
        decide_existing(status, command).map(|event| vec![event])
    }

    fn evolve(mut self, event: &DropletEvent) -> Self {
        self.version += 1;
        self.updated_at = Some(event.at());
        match event {
            DropletEvent::CreationRequested(c) => {
                self.id = c.id;
                self.owner.clone_from(&c.owner);
                self.name = c.name.clone();
                self.region.clone_from(&c.region);
                self.size_slug.clone_from(&c.size_slug);
                self.image.clone_from(&c.image);
                (self.vcpus, self.memory_mb, self.disk_gb) = (c.vcpus, c.memory_mb, c.disk_gb);
                self.tags.clone_from(&c.tags);
                self.status = Some(DropletStatus::New);
                self.created_at = Some(c.at);
            }
            DropletEvent::Provisioned { ipv4, .. } => {
                self.ipv4 = Some(*ipv4);
                self.status = Some(DropletStatus::Active);
            }
            DropletEvent::ProvisioningFailed { reason, .. } => {
                self.failure_reason = Some(reason.clone());
                self.status = Some(DropletStatus::Error);
            }
            DropletEvent::PoweredOff { .. } => self.status = Some(DropletStatus::Off),
            DropletEvent::PoweredOn { .. } => self.status = Some(DropletStatus::Active),
            DropletEvent::Rebooted { .. } => {}
            DropletEvent::Renamed { name, .. } => self.name = name.clone(),
            DropletEvent::DeletionRequested { .. } => self.status = Some(DropletStatus::Deleting),
            DropletEvent::Deleted { at, purge_at } => {
                self.status = Some(DropletStatus::Deleted);
                self.delete_time = Some(*at);
                self.purge_time = Some(*purge_at);
            }
        }
        self
    }

    fn version(&self) -> u64 {
        self.version
    }
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
        at: create.at,
    })
}

/// The transition table for a droplet that exists.
fn decide_existing(
    status: DropletStatus,
    command: &DropletCommand,
) -> Result<DropletEvent, DropletError> {
    use DropletCommand as C;
    use DropletStatus as S;
    let event = match (status, command) {
        (_, C::Create(_)) => return Err(DropletError::AlreadyExists),
        (S::New, C::MarkProvisioned { ipv4, at }) => DropletEvent::Provisioned {
            ipv4: *ipv4,
            at: *at,
        },
        (S::New, C::MarkProvisioningFailed { reason, at }) => DropletEvent::ProvisioningFailed {
            reason: reason.clone(),
            at: *at,
        },
        (S::Active, C::PowerOff { at }) => DropletEvent::PoweredOff { at: *at },
        (S::Off, C::PowerOn { at }) => DropletEvent::PoweredOn { at: *at },
        (S::Active, C::Reboot { at }) => DropletEvent::Rebooted { at: *at },
        (S::Active | S::Off, C::Rename { name, at }) => DropletEvent::Renamed {
            name: name.clone(),
            at: *at,
        },
        // A delete during provisioning wins: the provisioner's later `MarkProvisioned` is refused.
        (S::New | S::Active | S::Off | S::Error, C::Delete { at }) => {
            DropletEvent::DeletionRequested { at: *at }
        }
        (S::Deleting, C::CompleteDeletion { at }) => DropletEvent::Deleted {
            at: *at,
            purge_at: *at + Duration::days(PURGE_AFTER_DAYS),
        },
        (status, command) if status.is_locked() && is_user_action(command) => {
            return Err(DropletError::Locked {
                action: command.action(),
            });
        }
        (status, command) => {
            return Err(DropletError::InvalidTransition {
                from: status.as_str(),
                action: command.action(),
                allowed: allowed_actions(status),
            });
        }
    };
    Ok(event)
}

fn is_user_action(command: &DropletCommand) -> bool {
    matches!(
        command,
        DropletCommand::PowerOn { .. }
            | DropletCommand::PowerOff { .. }
            | DropletCommand::Reboot { .. }
            | DropletCommand::Rename { .. }
            | DropletCommand::Delete { .. }
    )
}

/// The user actions a droplet in `status` accepts, for `metadata.allowed_actions`.
pub fn allowed_actions(status: DropletStatus) -> Vec<&'static str> {
    match status {
        DropletStatus::New => vec!["delete"],
        DropletStatus::Active => vec!["power_off", "reboot", "rename", "delete"],
        DropletStatus::Off => vec!["power_on", "rename", "delete"],
        DropletStatus::Error => vec!["delete"],
        DropletStatus::Deleting | DropletStatus::Deleted => vec![],
    }
}
