//! The droplet's state: a plain fold of its events. It holds facts only; whether an
//! action is allowed is `decide`'s business, never the state's.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::DropletName;

/// Lifecycle status (api.md §12.1): DO's `new`, `active`, `off`, plus ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DropletStatus {
    New,
    Active,
    Off,
    Deleting,
    Deleted,
    Error,
}

impl DropletStatus {
    pub const ALL: [Self; 6] = [
        Self::New,
        Self::Active,
        Self::Off,
        Self::Deleting,
        Self::Deleted,
        Self::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Active => "active",
            Self::Off => "off",
            Self::Deleting => "deleting",
            Self::Deleted => "deleted",
            Self::Error => "error",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// A mutating operation is in flight while provisioning or deleting.
    pub fn is_locked(self) -> bool {
        matches!(self, Self::New | Self::Deleting)
    }
}

/// A droplet as folded from its events. `status == None` means it was never created.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Droplet {
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
    pub status: Option<DropletStatus>,
    pub ipv4: Option<Ipv4Addr>,
    pub failure_reason: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub delete_time: Option<DateTime<Utc>>,
    pub purge_time: Option<DateTime<Utc>>,
    pub version: u64,
}

impl Droplet {
    pub fn exists(&self) -> bool {
        self.status.is_some()
    }

    pub fn locked(&self) -> bool {
        self.status.is_some_and(DropletStatus::is_locked)
    }
}
