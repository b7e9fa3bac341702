//! The droplet's state: a plain fold of its events. It holds facts only; whether an
//! action is allowed is `decide`'s business, never the state's.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::command::NodeOf;
use crate::name::ResourceName;
use crate::operation::PendingOperation;

/// Lifecycle status (api.md §12.1): DO's `new`, `active`, `off`, plus ours. `Purged`
/// is the tombstone after the purge: the droplet reads as gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DropletStatus {
    New,
    Active,
    Off,
    Deleting,
    Deleted,
    Error,
    Purged,
}

impl DropletStatus {
    pub const ALL: [Self; 7] = [
        Self::New,
        Self::Active,
        Self::Off,
        Self::Deleting,
        Self::Deleted,
        Self::Error,
        Self::Purged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Active => "active",
            Self::Off => "off",
            Self::Deleting => "deleting",
            Self::Deleted => "deleted",
            Self::Error => "error",
            Self::Purged => "purged",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Still a live machine (not on its way out or gone).
    pub fn is_live(self) -> bool {
        matches!(self, Self::New | Self::Active | Self::Off | Self::Error)
    }
}

/// A droplet as folded from its events. `status == None` means it was never created.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Droplet {
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
    pub status: Option<DropletStatus>,
    /// A node that stopped taking work and is about to be deleted.
    pub draining: bool,
    pub ipv4: Option<Ipv4Addr>,
    pub failure_reason: Option<String>,
    pub snapshots: Vec<ResourceName>,
    pub pending_operation: Option<PendingOperation>,
    /// Names this droplet held and must still release (after a rename or its deletion).
    pub names_to_release: Vec<ResourceName>,
    /// The provider it was placed on (kept after it gave the slot back, for history).
    pub provider: Option<String>,
    /// Whether it still holds its slot on `provider`.
    pub holds_capacity: bool,
    /// Providers whose slot it gave up and must still release (after a migration, a
    /// failed provisioning or its deletion).
    pub providers_to_release: Vec<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// When provisioning finished: a node's `ready_at`.
    pub provisioned_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub delete_time: Option<DateTime<Utc>>,
    pub purge_time: Option<DateTime<Utc>>,
    pub version: u64,
}

impl Droplet {
    pub fn exists(&self) -> bool {
        self.status.is_some()
    }

    /// `locked` of api.md: a mutating operation is in flight.
    pub fn locked(&self) -> bool {
        self.pending_operation.is_some()
    }

    pub fn is_live(&self) -> bool {
        self.status.is_some_and(DropletStatus::is_live)
    }

    pub fn cluster_id(&self) -> Option<Uuid> {
        self.node_of.map(|n| n.cluster_id)
    }

    pub fn node_pool_id(&self) -> Option<Uuid> {
        self.node_of.map(|n| n.node_pool_id)
    }
}
