//! The request bodies of the mutations (api.md §11). command-api validates bodies field
//! by field to report every problem at once, so these types describe rather than parse;
//! each one's `FIELDS` is the command side's list of accepted fields, held equal to the
//! type's OpenAPI properties by a test.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::RequestBody;

/// `POST /droplets`: exactly one of `name` and `names` (≤ 10).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DropletCreate {
    /// ≤ 255 characters: letters, digits, `.` and `-`, starting and ending alphanumeric;
    /// unique among the owner's droplets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "web-1")]
    pub name: Option<String>,
    /// Creates one droplet per name (at most 10), all or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Vec<String>>,
    #[schema(example = "nyc1")]
    pub region: String,
    #[schema(example = "s-1vcpu-1gb")]
    pub size: String,
    #[schema(example = "ubuntu-24-04-x64")]
    pub image: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// ≤ 64 KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// The preferred provider (by name): chosen if it serves the region and class and
    /// has room, else placement picks the provider with the most free slots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Only providers offering this class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_class: Option<String>,
}

impl RequestBody for DropletCreate {
    const FIELDS: &'static [&'static str] = &[
        "name",
        "names",
        "region",
        "size",
        "image",
        "tags",
        "user_data",
        "provider",
        "provider_class",
    ];
}

/// `PATCH /droplets/{id}` (JSON merge patch): metadata only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DropletPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl RequestBody for DropletPatch {
    const FIELDS: &'static [&'static str] = &["name", "tags"];
}

/// The droplet actions (DigitalOcean's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DropletActionType {
    PowerOn,
    PowerOff,
    Shutdown,
    Reboot,
    PowerCycle,
    /// Needs `size`; only while the droplet is off.
    Resize,
    /// Needs `image`.
    Rebuild,
    /// Needs `name`.
    Rename,
    /// Needs `name` (of the snapshot).
    Snapshot,
    /// Needs `provider` (a name): reserves a slot there, moves, releases the old one.
    Migrate,
}

/// `POST /droplets/{id}/actions`: `type` plus the one field that type needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DropletAction {
    #[serde(rename = "type")]
    pub action_type: DropletActionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Accepted with `resize` for DigitalOcean clients; disks always grow with the size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

impl RequestBody for DropletAction {
    const FIELDS: &'static [&'static str] = &["type", "name", "size", "disk", "image", "provider"];
}

/// `POST /clusters`: at least one node pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterCreate {
    #[schema(example = "prod-1")]
    pub name: String,
    #[schema(example = "nyc1")]
    pub region: String,
    /// Defaults to the newest supported version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kube_version: Option<String>,
    /// DigitalOcean's name for `kube_version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// 1 to 10 pools.
    pub node_pools: Vec<NodePoolCreate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl RequestBody for ClusterCreate {
    const FIELDS: &'static [&'static str] = &[
        "name",
        "region",
        "version",
        "kube_version",
        "node_pools",
        "tags",
    ];
}

/// `PATCH /clusters/{id}`: metadata only; `region` is immutable (`422 IMMUTABLE_FIELD`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl RequestBody for ClusterPatch {
    const FIELDS: &'static [&'static str] = &["name", "tags"];
}

/// `PUT /clusters/{id}/demand`: the load the telemetry simulator offers the cluster.
/// Both fields are required (a `PUT` replaces the whole demand).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandPut {
    /// 0–100: percent of three nodes' capacity.
    #[schema(example = 70, minimum = 0, maximum = 100)]
    pub level: u8,
    /// `calm`, `spike`, `leak` or `flapping`.
    #[schema(example = "spike")]
    pub profile: String,
}

impl RequestBody for DemandPut {
    const FIELDS: &'static [&'static str] = &["level", "profile"];
}

/// A new node pool, in `POST /clusters` or `POST /clusters/{id}/node_pools`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePoolCreate {
    #[schema(example = "workers")]
    pub name: String,
    /// A size slug offered in the cluster's region.
    #[schema(example = "s-2vcpu-4gb")]
    pub size: String,
    /// 1 to 100 nodes.
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scale: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// `key=value:Effect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taints: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl RequestBody for NodePoolCreate {
    const FIELDS: &'static [&'static str] = &[
        "name",
        "size",
        "count",
        "auto_scale",
        "min_nodes",
        "max_nodes",
        "labels",
        "taints",
        "tags",
    ];
}

/// `PATCH /clusters/{id}/node_pools/{pool_id}`: a `count` change is `node_pool.scale`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePoolPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scale: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_nodes: Option<u32>,
}

impl RequestBody for NodePoolPatch {
    const FIELDS: &'static [&'static str] =
        &["count", "labels", "auto_scale", "min_nodes", "max_nodes"];
}
