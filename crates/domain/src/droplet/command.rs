//! Droplet commands: imperative requests, already parsed and resolved against the
//! catalog and the clock at the edge. A command never carries unvalidated input, and
//! one that starts an operation carries that operation's id (the command's own id).

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::catalog::Size;
use crate::name::ResourceName;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropletCommand {
    Create(CreateDroplet),
    MarkProvisioned {
        ipv4: Ipv4Addr,
        at: DateTime<Utc>,
    },
    MarkProvisioningFailed {
        reason: String,
        at: DateTime<Utc>,
    },
    /// A DO action (`power_on`, `resize`, …): an operation that completes at once.
    Act {
        action: Action,
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    /// `PATCH`: metadata only, no operation.
    Update {
        name: Option<ResourceName>,
        tags: Option<Vec<String>>,
        at: DateTime<Utc>,
    },
    /// A node leaves its pool: it stops taking work before it is deleted.
    Drain {
        at: DateTime<Utc>,
    },
    Delete {
        operation_id: Uuid,
        origin: Origin,
        at: DateTime<Utc>,
    },
    CompleteDeletion {
        at: DateTime<Utc>,
    },
    Purge {
        at: DateTime<Utc>,
    },
    RequestCancel {
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    /// The name reservation of `name` was released.
    MarkNameReleased {
        name: ResourceName,
        at: DateTime<Utc>,
    },
    /// The slot reserved on `provider` was released.
    MarkCapacityReleased {
        provider: String,
        at: DateTime<Utc>,
    },
}

/// The DO actions of `POST /droplets/{id}/actions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    PowerOn,
    PowerOff,
    /// A graceful power-off; in the simulation it always completes.
    Shutdown,
    Reboot,
    PowerCycle,
    Rename(ResourceName),
    Resize(Size),
    Rebuild(String),
    Snapshot(ResourceName),
    /// Move to the named provider, whose slot is already reserved for the droplet.
    Migrate(String),
}

/// Who asks for a deletion: a user may not delete a node behind its pool's back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    User,
    NodePool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateDroplet {
    pub id: Uuid,
    pub owner: String,
    pub name: ResourceName,
    pub region: String,
    pub size: Size,
    pub image: String,
    pub tags: Vec<String>,
    /// Set when the droplet is a node of a cluster's node pool.
    pub node_of: Option<NodeOf>,
    /// The provider placement chose (its slot already reserved), if providers exist.
    pub provider: Option<String>,
    pub operation_id: Uuid,
    pub at: DateTime<Utc>,
}

/// The cluster and pool a node droplet belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeOf {
    pub cluster_id: Uuid,
    pub node_pool_id: Uuid,
}

impl Action {
    /// Stable action name, as in DO's API and in problems (`metadata.action`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::PowerOn => "power_on",
            Self::PowerOff => "power_off",
            Self::Shutdown => "shutdown",
            Self::Reboot => "reboot",
            Self::PowerCycle => "power_cycle",
            Self::Rename(_) => "rename",
            Self::Resize(_) => "resize",
            Self::Rebuild(_) => "rebuild",
            Self::Snapshot(_) => "snapshot",
            Self::Migrate(_) => "migrate",
        }
    }
}

impl DropletCommand {
    /// Stable action name, as used in problems (`metadata.action`) and on the wire.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Create(_) => "create",
            Self::MarkProvisioned { .. } => "provisioned",
            Self::MarkProvisioningFailed { .. } => "provisioning_failed",
            Self::Act { action, .. } => action.name(),
            Self::Update { .. } => "update",
            Self::Drain { .. } => "drain",
            Self::Delete { .. } => "delete",
            Self::CompleteDeletion { .. } => "complete_deletion",
            Self::Purge { .. } => "purge",
            Self::RequestCancel { .. } => "cancel",
            Self::MarkNameReleased { .. } => "release_name",
            Self::MarkCapacityReleased { .. } => "release_capacity",
        }
    }

    /// Whether a user asked for it (refused while an operation holds the lock).
    pub fn is_user_action(&self) -> bool {
        matches!(
            self,
            Self::Act { .. }
                | Self::Update { .. }
                | Self::Delete {
                    origin: Origin::User,
                    ..
                }
        )
    }
}
