//! The droplet row (table `droplet`) and its API representations: the droplet of
//! api.md §2, and the node a droplet is when it belongs to a pool (api.md §10). The row
//! is a lossless copy of `domain::droplet::Droplet`, so the projector can fold onto it;
//! every representation is a pure function of the row, so the `ETag` promises bytes.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use contract::droplet::{NetworkV4, Networks, Node, NodeStatus};
use domain::droplet::{Droplet, DropletStatus, NodeOf};
use domain::name::ResourceName;
use domain::operation::PendingOperation;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::row::{Bound, StateRow, from_json_text, json_text, rfc3339};

/// Every column of `droplet`, in the order of `COLUMNS`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct DropletRow {
    pub droplet_id: Uuid,
    pub owner: String,
    pub name: String,
    pub region: String,
    pub size_slug: String,
    pub image: String,
    pub status: String,
    pub locked: bool,
    pub vcpus: u32,
    pub memory_mb: u32,
    pub disk_gb: u32,
    pub ipv4: Option<String>,
    /// JSON array of strings.
    pub tags: String,
    pub failure_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub delete_time: Option<DateTime<Utc>>,
    pub purge_time: Option<DateTime<Utc>>,
    pub version: u64,
    pub cluster_id: Option<Uuid>,
    pub node_pool_id: Option<Uuid>,
    pub draining: bool,
    /// JSON array of snapshot names.
    pub snapshots: String,
    pub pending_operation_id: Option<Uuid>,
    pub pending_operation_type: Option<String>,
    pub cancel_requested: bool,
    /// JSON array of names still to release.
    pub names_to_release: String,
    pub provisioned_at: Option<DateTime<Utc>>,
    pub provider: Option<String>,
    pub holds_capacity: bool,
    /// JSON array of provider names whose slot is still to release.
    pub providers_to_release: String,
}

impl StateRow for DropletRow {
    type State = Droplet;
    const TABLE: &'static str = "droplet";
    const ID_COLUMN: &'static str = "droplet_id";
    const COLUMNS: &'static [&'static str] = &[
        "droplet_id",
        "owner",
        "name",
        "region",
        "size_slug",
        "image",
        "status",
        "locked",
        "vcpus",
        "memory_mb",
        "disk_gb",
        "ipv4",
        "tags",
        "failure_reason",
        "created_at",
        "updated_at",
        "delete_time",
        "purge_time",
        "version",
        "cluster_id",
        "node_pool_id",
        "draining",
        "snapshots",
        "pending_operation_id",
        "pending_operation_type",
        "cancel_requested",
        "names_to_release",
        "provisioned_at",
        "provider",
        "holds_capacity",
        "providers_to_release",
    ];

    fn from_state(state: &Droplet) -> Option<Self> {
        let status = state.status?;
        let pending = state.pending_operation.as_ref();
        Some(Self {
            droplet_id: state.id,
            owner: state.owner.clone(),
            name: state.name.to_string(),
            region: state.region.clone(),
            size_slug: state.size_slug.clone(),
            image: state.image.clone(),
            status: status.as_str().to_owned(),
            locked: state.locked(),
            vcpus: state.vcpus,
            memory_mb: state.memory_mb,
            disk_gb: state.disk_gb,
            ipv4: state.ipv4.map(|ip| ip.to_string()),
            tags: json_text(&state.tags),
            failure_reason: state.failure_reason.clone(),
            created_at: state.created_at.unwrap_or_default(),
            updated_at: state.updated_at.unwrap_or_default(),
            delete_time: state.delete_time,
            purge_time: state.purge_time,
            version: state.version,
            cluster_id: state.cluster_id(),
            node_pool_id: state.node_pool_id(),
            draining: state.draining,
            snapshots: json_text(&names(&state.snapshots)),
            pending_operation_id: pending.map(|p| p.id),
            pending_operation_type: pending.map(|p| p.op_type.clone()),
            cancel_requested: pending.is_some_and(|p| p.cancel_requested),
            names_to_release: json_text(&names(&state.names_to_release)),
            provisioned_at: state.provisioned_at,
            provider: state.provider.clone(),
            holds_capacity: state.holds_capacity,
            providers_to_release: json_text(&state.providers_to_release),
        })
    }

    fn to_state(&self) -> Result<Droplet, String> {
        let status = DropletStatus::parse(&self.status)
            .ok_or_else(|| format!("stored droplet status {:?} is unknown", self.status))?;
        let ipv4 = match &self.ipv4 {
            Some(ip) => Some(
                ip.parse::<Ipv4Addr>()
                    .map_err(|e| format!("stored ipv4: {e}"))?,
            ),
            None => None,
        };
        let node_of = match (self.cluster_id, self.node_pool_id) {
            (Some(cluster_id), Some(node_pool_id)) => Some(NodeOf {
                cluster_id,
                node_pool_id,
            }),
            (None, None) => None,
            _ => return Err("stored node membership is half set".into()),
        };
        let pending_operation = match (self.pending_operation_id, &self.pending_operation_type) {
            (Some(id), Some(op_type)) => Some(PendingOperation {
                id,
                op_type: op_type.clone(),
                cancel_requested: self.cancel_requested,
            }),
            (None, None) => None,
            _ => return Err("stored pending operation is half set".into()),
        };
        Ok(Droplet {
            id: self.droplet_id,
            owner: self.owner.clone(),
            name: parse_name(&self.name)?,
            region: self.region.clone(),
            size_slug: self.size_slug.clone(),
            image: self.image.clone(),
            vcpus: self.vcpus,
            memory_mb: self.memory_mb,
            disk_gb: self.disk_gb,
            tags: from_json_text(&self.tags, "tags")?,
            node_of,
            status: Some(status),
            draining: self.draining,
            ipv4,
            failure_reason: self.failure_reason.clone(),
            snapshots: parse_names(&self.snapshots, "snapshots")?,
            pending_operation,
            names_to_release: parse_names(&self.names_to_release, "names_to_release")?,
            created_at: Some(self.created_at),
            provisioned_at: self.provisioned_at,
            updated_at: Some(self.updated_at),
            delete_time: self.delete_time,
            purge_time: self.purge_time,
            version: self.version,
            provider: self.provider.clone(),
            holds_capacity: self.holds_capacity,
            providers_to_release: from_json_text(
                &self.providers_to_release,
                "providers_to_release",
            )?,
        })
    }

    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.droplet_id)
            .bind(&self.owner)
            .bind(&self.name)
            .bind(&self.region)
            .bind(&self.size_slug)
            .bind(&self.image)
            .bind(&self.status)
            .bind(self.locked)
            .bind(self.vcpus)
            .bind(self.memory_mb)
            .bind(self.disk_gb)
            .bind(&self.ipv4)
            .bind(&self.tags)
            .bind(&self.failure_reason)
            .bind(self.created_at)
            .bind(self.updated_at)
            .bind(self.delete_time)
            .bind(self.purge_time)
            .bind(self.version)
            .bind(self.cluster_id)
            .bind(self.node_pool_id)
            .bind(self.draining)
            .bind(&self.snapshots)
            .bind(self.pending_operation_id)
            .bind(&self.pending_operation_type)
            .bind(self.cancel_requested)
            .bind(&self.names_to_release)
            .bind(self.provisioned_at)
            .bind(&self.provider)
            .bind(self.holds_capacity)
            .bind(&self.providers_to_release)
    }

    fn id(&self) -> Uuid {
        self.droplet_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    /// The droplet of api.md §2 (`kind: "droplet"`).
    fn to_resource(&self) -> Value {
        crate::row::to_value(&self.to_droplet())
    }
}

impl DropletRow {
    /// The droplet of api.md §2.
    pub fn to_droplet(&self) -> contract::droplet::Droplet {
        let v4 = self
            .ipv4
            .iter()
            .map(|ip| NetworkV4 {
                ip_address: ip.clone(),
                network_type: "private".into(),
            })
            .collect();
        contract::droplet::Droplet {
            kind: "droplet".into(),
            id: self.droplet_id,
            version: self.version,
            name: self.name.clone(),
            region: self.region.clone(),
            size_slug: self.size_slug.clone(),
            image: self.image.clone(),
            status: self.status.clone(),
            locked: self.locked,
            vcpus: self.vcpus,
            memory_mb: self.memory_mb,
            disk_gb: self.disk_gb,
            networks: Networks { v4 },
            tags: serde_json::from_str(&self.tags).unwrap_or_default(),
            snapshots: serde_json::from_str(&self.snapshots).unwrap_or_default(),
            cluster_id: self.cluster_id,
            node_pool_id: self.node_pool_id,
            pending_operation_id: self.pending_operation_id,
            provider: self.provider.clone(),
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            delete_time: self.delete_time.map(rfc3339),
            purge_time: self.purge_time.map(rfc3339),
            failure_reason: self.failure_reason.clone(),
        }
    }

    /// The node of api.md §10 a pool's droplet is: its lifecycle as a node.
    pub fn to_node(&self) -> Node {
        Node {
            kind: "node".into(),
            id: self.droplet_id,
            name: self.name.clone(),
            droplet_id: self.droplet_id,
            node_pool_id: self.node_pool_id,
            status: NodeStatus {
                state: self.node_state().into(),
            },
            ready_at: self.provisioned_at.map(rfc3339),
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
        }
    }

    /// `provisioning → running → draining → deleting → deleted` (or `failed`).
    pub fn node_state(&self) -> &'static str {
        match self.status.as_str() {
            "new" => "provisioning",
            "active" | "off" if self.draining => "draining",
            "active" | "off" => "running",
            "deleting" => "deleting",
            "error" => "failed",
            _ => "deleted",
        }
    }

    /// Purged droplets stay as tombstones so their history still folds; they read as gone.
    pub fn is_gone(&self) -> bool {
        self.status == DropletStatus::Purged.as_str()
    }
}

fn names(names: &[ResourceName]) -> Vec<String> {
    names.iter().map(ToString::to_string).collect()
}

fn parse_name(raw: &str) -> Result<ResourceName, String> {
    ResourceName::parse(raw).map_err(|e| format!("stored name {raw:?}: {e}"))
}

fn parse_names(raw: &str, column: &str) -> Result<Vec<ResourceName>, String> {
    let names: Vec<String> = from_json_text(raw, column)?;
    names.iter().map(|n| parse_name(n)).collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::Aggregate;
    use domain::droplet::DropletEvent;

    use super::*;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
            .single()
            .expect("time")
    }

    fn created(id: u128) -> DropletEvent {
        domain::droplet::fixtures::created(Uuid::from_u128(id), "web-1", at())
    }

    fn provisioned() -> DropletEvent {
        DropletEvent::Provisioned {
            ipv4: Ipv4Addr::new(10, 0, 0, 1),
            at: at(),
            operation_id: None,
        }
    }

    #[test]
    fn a_row_maps_back_to_the_state_it_came_from() {
        let renamed = DropletEvent::Renamed {
            name: ResourceName::parse("web-2").expect("valid"),
            previous: Some(ResourceName::parse("web-1").expect("valid")),
            at: at(),
            operation_id: None,
        };
        for history in [vec![created(7)], vec![created(7), provisioned(), renamed]] {
            let state = Droplet::replay(&history);
            let row = DropletRow::from_state(&state).expect("created");
            assert_eq!(row.to_state(), Ok(state));
        }
    }

    #[test]
    fn an_unknown_stored_status_is_an_error() {
        let mut row = DropletRow::from_state(&Droplet::replay([&created(8)])).expect("created");
        row.status = "archived".into();
        assert!(row.to_state().is_err());
    }

    #[test]
    fn the_representation_carries_kind_version_operation_and_networks() {
        let row = DropletRow::from_state(&Droplet::replay([&created(9), &provisioned()]))
            .expect("created");
        let resource = row.to_resource();
        assert_eq!(
            (resource["kind"].as_str(), resource["version"].as_u64()),
            (Some("droplet"), Some(2))
        );
        assert_eq!(resource["networks"]["v4"][0]["ip_address"], "10.0.0.1");
        assert_eq!(resource["created_at"], "2026-11-20T09:00:00Z");
        assert_eq!(row.node_state(), "running");
        let new = DropletRow::from_state(&Droplet::replay([&created(9)])).expect("created");
        assert!(
            new.to_resource()["pending_operation_id"].is_string(),
            "creating is an operation"
        );
    }
}
