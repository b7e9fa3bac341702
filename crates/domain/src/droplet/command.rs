//! Droplet commands: imperative requests, already parsed and resolved against the
//! catalog and the clock at the edge. A command never carries unvalidated input.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::DropletName;
use crate::catalog::Size;

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
    PowerOn {
        at: DateTime<Utc>,
    },
    PowerOff {
        at: DateTime<Utc>,
    },
    Reboot {
        at: DateTime<Utc>,
    },
    Rename {
        name: DropletName,
        at: DateTime<Utc>,
    },
    Delete {
        at: DateTime<Utc>,
    },
    CompleteDeletion {
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateDroplet {
    pub id: Uuid,
    pub owner: String,
    pub name: DropletName,
    pub region: String,
    pub size: Size,
    pub image: String,
    pub tags: Vec<String>,
    pub at: DateTime<Utc>,
}

impl DropletCommand {
    /// Stable action name, as used in problems (`metadata.action`) and on the wire.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Create(_) => "create",
            Self::MarkProvisioned { .. } => "provisioned",
            Self::MarkProvisioningFailed { .. } => "provisioning_failed",
            Self::PowerOn { .. } => "power_on",
            Self::PowerOff { .. } => "power_off",
            Self::Reboot { .. } => "reboot",
            Self::Rename { .. } => "rename",
            Self::Delete { .. } => "delete",
            Self::CompleteDeletion { .. } => "complete_deletion",
        }
    }
}
