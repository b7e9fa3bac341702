//! Providers on the wire (features.md §2.8, api.md §10–§11): the `Provider` resource, its
//! page, the admin request bodies (register, merge-patch) and the placement simulation's
//! body and answer. Money is a decimal string of US dollars. Types only.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::RequestBody;

/// Where droplets run: regions and classes served, and droplet slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    #[schema(example = "provider")]
    pub kind: String,
    pub id: Uuid,
    #[schema(example = "edge-nyc")]
    pub name: String,
    #[schema(example = json!(["nyc1", "nyc3"]))]
    pub regions: Vec<String>,
    #[schema(example = json!(["standard", "gpu"]))]
    pub classes: Vec<String>,
    /// Droplet slots.
    pub capacity: u32,
    /// Slots held by droplets (and by placements in flight).
    pub reserved: u32,
    /// `capacity − reserved`.
    pub available: u32,
    /// Hourly price per droplet in USD, replacing the catalog's; `null`: the catalog's.
    #[schema(required = true, example = "0.012500")]
    pub price_hourly_override: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// The aggregate version; also the `ETag`.
    pub version: u64,
}

crate::envelope::page!(
    /// A page of providers, by name.
    ProviderPage, providers, Provider
);

/// `POST /providers` (admin).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderCreate {
    /// Unique among providers; same rules as droplet names.
    #[schema(example = "edge-nyc")]
    pub name: String,
    /// Region slugs of the catalog, at least one.
    pub regions: Vec<String>,
    /// Class labels (`[a-z0-9-]`, ≤ 32 characters), at least one.
    pub classes: Vec<String>,
    /// Droplet slots, 0 to 100 000.
    pub capacity: u32,
    /// Hourly USD per droplet as a decimal string (≤ 6 decimals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_hourly_override: Option<String>,
}

impl RequestBody for ProviderCreate {
    const FIELDS: &'static [&'static str] = &[
        "name",
        "regions",
        "classes",
        "capacity",
        "price_hourly_override",
    ];
}

/// `PATCH /providers/{id}` (admin, JSON merge patch; `null` clears the price override).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// Never below what is reserved (`409 FAILED_PRECONDITION`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_hourly_override: Option<String>,
}

impl RequestBody for ProviderPatch {
    const FIELDS: &'static [&'static str] =
        &["regions", "classes", "capacity", "price_hourly_override"];
}

/// `POST /placements:simulate`: what placement would choose now; nothing is reserved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementSimulate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "nyc1")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoid_provider: Option<String>,
}

impl RequestBody for PlacementSimulate {
    const FIELDS: &'static [&'static str] =
        &["region", "class", "preferred_provider", "avoid_provider"];
}

/// The provider placement chose, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    #[schema(example = "edge-nyc")]
    pub provider: String,
    /// The region asked for, `null` when none was.
    #[schema(required = true, example = "nyc1")]
    pub region: Option<String>,
    /// Each rule applied, in order.
    pub reasons: Vec<String>,
}
