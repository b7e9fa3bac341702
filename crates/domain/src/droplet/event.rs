//! Droplet events: past-tense facts, each carrying everything the views need, so no
//! reader ever has to consult the catalog or another service to interpret one.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::DropletName;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropletEvent {
    CreationRequested(CreationRequested),
    Provisioned {
        ipv4: Ipv4Addr,
        at: DateTime<Utc>,
    },
    ProvisioningFailed {
        reason: String,
        at: DateTime<Utc>,
    },
    PoweredOff {
        at: DateTime<Utc>,
    },
    PoweredOn {
        at: DateTime<Utc>,
    },
    Rebooted {
        at: DateTime<Utc>,
    },
    Renamed {
        name: DropletName,
        at: DateTime<Utc>,
    },
    DeletionRequested {
        at: DateTime<Utc>,
    },
    Deleted {
        at: DateTime<Utc>,
        purge_at: DateTime<Utc>,
    },
}

/// The facts of a new droplet, resolved from the catalog when the command was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreationRequested {
    pub id: Uuid,
    pub owner: String,
    pub name: DropletName,
    pub region: String,
    pub size_slug: String,
    pub image: String,
    pub vcpus: u32,
    pub memory_mb: u32,
    pub disk_gb: u32,
    pub tags: Vec<String>,
    pub at: DateTime<Utc>,
}

impl DropletEvent {
    /// Stable type name stored on the wire; never rename one.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::CreationRequested(_) => "droplet.creation_requested",
            Self::Provisioned { .. } => "droplet.provisioned",
            Self::ProvisioningFailed { .. } => "droplet.provisioning_failed",
            Self::PoweredOff { .. } => "droplet.powered_off",
            Self::PoweredOn { .. } => "droplet.powered_on",
            Self::Rebooted { .. } => "droplet.rebooted",
            Self::Renamed { .. } => "droplet.renamed",
            Self::DeletionRequested { .. } => "droplet.deletion_requested",
            Self::Deleted { .. } => "droplet.deleted",
        }
    }

    /// When the fact happened, as decided by the command.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::CreationRequested(c) => c.at,
            Self::Provisioned { at, .. }
            | Self::ProvisioningFailed { at, .. }
            | Self::PoweredOff { at }
            | Self::PoweredOn { at }
            | Self::Rebooted { at }
            | Self::Renamed { at, .. }
            | Self::DeletionRequested { at }
            | Self::Deleted { at, .. } => *at,
        }
    }
}
