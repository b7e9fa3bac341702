//! The billing read model: `usage_interval` rows (one run of a droplet at one size, see
//! the migration) and their reading as `domain::billing::Run`s. Rows hold facts copied
//! from droplet events; money is never stored, it is computed from runs at read time.

use chrono::{DateTime, Utc};
use domain::billing::{PriceOverride, Run};
use uuid::Uuid;

use crate::row::Bound;

/// One run of a droplet at one size; keyed by the event that opened it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageIntervalRow {
    pub event_id: Uuid,
    pub droplet_id: Uuid,
    pub owner: String,
    pub name: String,
    pub region: String,
    pub size_slug: String,
    pub vcpus: u32,
    /// The provider's name; `None` while droplets carry none.
    pub provider: Option<String>,
    pub cluster_id: Option<Uuid>,
    pub node_pool_id: Option<Uuid>,
    pub start_time: DateTime<Utc>,
    /// `None` while the droplet still runs at this size.
    pub end_time: Option<DateTime<Utc>>,
    /// The event that closed the run (a resize or the deletion).
    pub closed_by: Option<Uuid>,
}

pub const TABLE: &str = "usage_interval";

pub const COLUMNS: &[&str] = &[
    "event_id",
    "droplet_id",
    "owner",
    "name",
    "region",
    "size_slug",
    "vcpus",
    "provider",
    "cluster_id",
    "node_pool_id",
    "start_time",
    "end_time",
    "closed_by",
];

impl UsageIntervalRow {
    pub fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.event_id)
            .bind(self.droplet_id)
            .bind(&self.owner)
            .bind(&self.name)
            .bind(&self.region)
            .bind(&self.size_slug)
            .bind(self.vcpus)
            .bind(&self.provider)
            .bind(self.cluster_id)
            .bind(self.node_pool_id)
            .bind(self.start_time)
            .bind(self.end_time)
            .bind(self.closed_by)
    }

    /// The run this row meters, priced with `price_override` when its provider has one.
    pub fn run(&self, price_override: Option<PriceOverride>) -> Run {
        Run {
            resource_id: self.droplet_id,
            size_slug: self.size_slug.clone(),
            start: self.start_time,
            end: self.end_time,
            price_override,
        }
    }
}
