//! Droplet events: past-tense facts, each carrying everything the views need (and the
//! operation it belongs to), so no reader ever has to consult the catalog or another
//! service to interpret one.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::command::NodeOf;
use crate::name::ResourceName;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropletEvent {
    CreationRequested(CreationRequested),
    Provisioned {
        ipv4: Ipv4Addr,
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    ProvisioningFailed {
        reason: String,
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    PoweredOff {
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    /// Off through a graceful shutdown (an operation of its own type).
    ShutDown {
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    PoweredOn {
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    Rebooted {
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    PowerCycled {
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    Renamed {
        name: ResourceName,
        /// Unknown in records written before names were reserved.
        previous: Option<ResourceName>,
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    Resized {
        size_slug: String,
        vcpus: u32,
        memory_mb: u32,
        disk_gb: u32,
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    Rebuilt {
        image: String,
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    SnapshotTaken {
        name: ResourceName,
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    TagsChanged {
        tags: Vec<String>,
        at: DateTime<Utc>,
    },
    DrainStarted {
        at: DateTime<Utc>,
    },
    DeletionRequested {
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
        /// The operation the deletion pre-empted (a delete during provisioning wins).
        superseded: Option<Uuid>,
    },
    Deleted {
        at: DateTime<Utc>,
        purge_at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    Purged {
        at: DateTime<Utc>,
    },
    CancelRequested {
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    CreationCancelled {
        operation_id: Uuid,
        at: DateTime<Utc>,
    },
    NameReleased {
        name: ResourceName,
        at: DateTime<Utc>,
    },
    /// Moved to provider `to` (whose slot was reserved first); `from` is released after.
    Migrated {
        from: Option<String>,
        to: String,
        at: DateTime<Utc>,
        operation_id: Option<Uuid>,
    },
    /// The slot on `provider` was given back.
    CapacityReleased {
        provider: String,
        at: DateTime<Utc>,
    },
}

/// The facts of a new droplet, resolved from the catalog when the command was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreationRequested {
    pub id: Uuid,
    pub owner: String,
    pub name: ResourceName,
    pub region: String,
    pub size_slug: String,
    pub image: String,
    pub vcpus: u32,
    pub memory_mb: u32,
    pub disk_gb: u32,
    pub tags: Vec<String>,
    pub node_of: Option<NodeOf>,
    /// The provider holding its slot; `None` without providers (and in older records).
    pub provider: Option<String>,
    pub operation_id: Option<Uuid>,
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
            Self::ShutDown { .. } => "droplet.shut_down",
            Self::PoweredOn { .. } => "droplet.powered_on",
            Self::Rebooted { .. } => "droplet.rebooted",
            Self::PowerCycled { .. } => "droplet.power_cycled",
            Self::Renamed { .. } => "droplet.renamed",
            Self::Resized { .. } => "droplet.resized",
            Self::Rebuilt { .. } => "droplet.rebuilt",
            Self::SnapshotTaken { .. } => "droplet.snapshot_taken",
            Self::TagsChanged { .. } => "droplet.tags_changed",
            Self::DrainStarted { .. } => "droplet.drain_started",
            Self::DeletionRequested { .. } => "droplet.deletion_requested",
            Self::Deleted { .. } => "droplet.deleted",
            Self::Purged { .. } => "droplet.purged",
            Self::CancelRequested { .. } => "droplet.cancel_requested",
            Self::CreationCancelled { .. } => "droplet.creation_cancelled",
            Self::NameReleased { .. } => "droplet.name_released",
            Self::Migrated { .. } => "droplet.migrated",
            Self::CapacityReleased { .. } => "droplet.capacity_released",
        }
    }

    /// When the fact happened, as decided by the command.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::CreationRequested(c) => c.at,
            Self::Provisioned { at, .. }
            | Self::ProvisioningFailed { at, .. }
            | Self::PoweredOff { at, .. }
            | Self::ShutDown { at, .. }
            | Self::PoweredOn { at, .. }
            | Self::Rebooted { at, .. }
            | Self::PowerCycled { at, .. }
            | Self::Renamed { at, .. }
            | Self::Resized { at, .. }
            | Self::Rebuilt { at, .. }
            | Self::SnapshotTaken { at, .. }
            | Self::TagsChanged { at, .. }
            | Self::DrainStarted { at }
            | Self::DeletionRequested { at, .. }
            | Self::Deleted { at, .. }
            | Self::Purged { at }
            | Self::CancelRequested { at, .. }
            | Self::CreationCancelled { at, .. }
            | Self::NameReleased { at, .. }
            | Self::Migrated { at, .. }
            | Self::CapacityReleased { at, .. } => *at,
        }
    }
}
