//! The droplet (api.md §2, §10) and the node a droplet is when it belongs to a node
//! pool. Timestamps are RFC 3339 UTC strings; absent optional times are left out.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A virtual machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Droplet {
    #[schema(example = "droplet")]
    pub kind: String,
    pub id: Uuid,
    /// The aggregate version; also the `ETag`.
    pub version: u64,
    #[schema(example = "web-1")]
    pub name: String,
    #[schema(example = "nyc1")]
    pub region: String,
    #[schema(example = "s-1vcpu-1gb")]
    pub size_slug: String,
    #[schema(example = "ubuntu-24-04-x64")]
    pub image: String,
    /// `new`, `active`, `off`, `deleting`, `deleted`, `error` (api.md §12.1).
    #[schema(example = "active")]
    pub status: String,
    /// True while a mutating operation is in flight.
    pub locked: bool,
    pub vcpus: u32,
    pub memory_mb: u32,
    pub disk_gb: u32,
    pub networks: Networks,
    pub tags: Vec<String>,
    /// Names of the snapshots taken of this droplet.
    pub snapshots: Vec<String>,
    #[schema(required = true)]
    pub cluster_id: Option<Uuid>,
    #[schema(required = true)]
    pub node_pool_id: Option<Uuid>,
    #[schema(required = true)]
    pub pending_operation_id: Option<Uuid>,
    /// The name of the provider it runs on; `null` when placed without providers.
    #[schema(required = true, example = "edge-nyc")]
    pub provider: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub delete_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub purge_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Networks {
    pub v4: Vec<NetworkV4>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkV4 {
    #[schema(example = "10.20.0.7")]
    pub ip_address: String,
    #[serde(rename = "type")]
    #[schema(example = "private")]
    pub network_type: String,
}

/// A node of a pool: the droplet behind it, seen through its lifecycle as a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Node {
    #[schema(example = "node")]
    pub kind: String,
    pub id: Uuid,
    pub name: String,
    pub droplet_id: Uuid,
    #[schema(required = true)]
    pub node_pool_id: Option<Uuid>,
    pub status: NodeStatus,
    #[schema(required = true, format = DateTime)]
    pub ready_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeStatus {
    /// `provisioning`, `running`, `draining`, `deleting`, `deleted` or `failed`.
    #[schema(example = "running")]
    pub state: String,
}
