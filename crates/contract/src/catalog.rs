//! The catalog representations (api.md §10, DigitalOcean's shapes): regions, sizes and
//! images. Prices are decimal strings of micro-USD, never floats.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A region droplets and clusters can be placed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Region {
    #[schema(example = "nyc1")]
    pub slug: String,
    #[schema(example = "New York 1")]
    pub name: String,
    pub available: bool,
    pub features: Vec<String>,
    /// Slugs of the sizes offered here.
    pub sizes: Vec<String>,
}

/// A droplet size; `price_hourly = price_monthly / 672`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Size {
    #[schema(example = "s-1vcpu-1gb")]
    pub slug: String,
    pub vcpus: u32,
    /// MiB (DigitalOcean's name; same as `memory_mb`).
    pub memory: u32,
    pub memory_mb: u32,
    /// GB (DigitalOcean's name; same as `disk_gb`).
    pub disk: u32,
    pub disk_gb: u32,
    /// TB of outbound transfer a month (DigitalOcean's name; same as `transfer_tb`).
    pub transfer: f64,
    pub transfer_tb: f64,
    #[schema(example = "6.00")]
    pub price_monthly: String,
    #[schema(example = "0.008929")]
    pub price_hourly: String,
    #[schema(example = "USD")]
    pub currency: String,
    pub regions: Vec<String>,
    pub available: bool,
    pub description: String,
}

/// A base image droplets boot from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    #[schema(example = "ubuntu-24-04-x64")]
    pub slug: String,
    pub distribution: String,
    pub name: String,
    #[serde(rename = "type")]
    #[schema(example = "base")]
    pub image_type: String,
    pub public: bool,
    pub regions: Vec<String>,
}
