//! The droplet row (table `droplet`) and its API representation (api.md §2). The row is
//! a copy of `domain::droplet::Droplet`; the representation is a pure function of the
//! row, so the `ETag` (the version) always promises identical bytes.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use domain::droplet::{Droplet, DropletName, DropletStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::mysql::{MySql, MySqlArguments};
use sqlx::query::Query;
use uuid::Uuid;

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
}

/// The column list, for `SELECT` and `INSERT` statements; `bind_columns` follows it.
pub const COLUMNS: &str = "droplet_id, owner, name, region, size_slug, image, status, locked, vcpus, \
     memory_mb, disk_gb, ipv4, tags, failure_reason, created_at, updated_at, delete_time, purge_time, version";

impl DropletRow {
    /// The row for a folded droplet; `None` for one that was never created.
    pub fn from_state(state: &Droplet) -> Option<Self> {
        let status = state.status?;
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
            tags: serde_json::to_string(&state.tags).unwrap_or_else(|_| "[]".into()),
            failure_reason: state.failure_reason.clone(),
            created_at: state.created_at.unwrap_or_default(),
            updated_at: state.updated_at.unwrap_or_default(),
            delete_time: state.delete_time,
            purge_time: state.purge_time,
            version: state.version,
        })
    }

    /// The aggregate state a stored row stands for: the inverse of `from_state`. A row
    /// that cannot be read back (unknown status, bad name) is an error, never a guess.
    pub fn to_state(&self) -> Result<Droplet, String> {
        let status = DropletStatus::parse(&self.status)
            .ok_or_else(|| format!("stored droplet status {:?} is unknown", self.status))?;
        let name = DropletName::parse(&self.name).map_err(|e| format!("stored name: {e}"))?;
        let ipv4 = match &self.ipv4 {
            Some(ip) => Some(
                ip.parse::<Ipv4Addr>()
                    .map_err(|e| format!("stored ipv4: {e}"))?,
            ),
            None => None,
        };
        let tags = serde_json::from_str(&self.tags).map_err(|e| format!("stored tags: {e}"))?;
        Ok(Droplet {
            id: self.droplet_id,
            owner: self.owner.clone(),
            name,
            region: self.region.clone(),
            size_slug: self.size_slug.clone(),
            image: self.image.clone(),
            vcpus: self.vcpus,
            memory_mb: self.memory_mb,
            disk_gb: self.disk_gb,
            tags,
            status: Some(status),
            ipv4,
            failure_reason: self.failure_reason.clone(),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
            delete_time: self.delete_time,
            purge_time: self.purge_time,
            version: self.version,
        })
    }

    /// Binds every column of `COLUMNS`, in that order, to `query`.
    pub fn bind_columns<'q>(
        &'q self,
        query: Query<'q, MySql, MySqlArguments>,
    ) -> Query<'q, MySql, MySqlArguments> {
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
    }

    /// The API representation (`kind: "droplet"`).
    pub fn to_resource(&self) -> Value {
        let tags: Vec<String> = serde_json::from_str(&self.tags).unwrap_or_default();
        let v4: Vec<Value> = self
            .ipv4
            .iter()
            .map(|ip| json!({ "ip_address": ip, "type": "private" }))
            .collect();
        let mut resource = json!({
            "kind": "droplet",
            "id": self.droplet_id.to_string(),
            "version": self.version,
            "name": self.name,
            "region": self.region,
            "size_slug": self.size_slug,
            "image": self.image,
            "status": self.status,
            "locked": self.locked,
            "vcpus": self.vcpus,
            "memory_mb": self.memory_mb,
            "disk_gb": self.disk_gb,
            "networks": { "v4": v4 },
            "tags": tags,
            "cluster_id": null,
            "node_pool_id": null,
            "pending_operation_id": null,
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
        });
        let extra = [
            ("delete_time", self.delete_time),
            ("purge_time", self.purge_time),
        ];
        for (field, value) in extra {
            if let Some(at) = value {
                resource[field] = Value::String(rfc3339(at));
            }
        }
        if let Some(reason) = &self.failure_reason {
            resource["failure_reason"] = Value::String(reason.clone());
        }
        resource
    }
}

/// RFC 3339 in UTC with a `Z`, second precision unless sub-second digits matter.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
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

    #[test]
    fn a_row_maps_back_to_the_state_it_came_from() {
        let provisioned = DropletEvent::Provisioned {
            ipv4: Ipv4Addr::new(10, 0, 0, 1),
            at: at(),
        };
        let state = Droplet::replay([&created(7), &provisioned]);
        let row = DropletRow::from_state(&state).expect("created");
        assert_eq!(row.to_state(), Ok(state));
    }

    #[test]
    fn an_unknown_stored_status_is_an_error() {
        let mut row = DropletRow::from_state(&Droplet::replay([&created(8)])).expect("created");
        row.status = "archived".into();
        assert!(row.to_state().is_err());
    }

    #[test]
    fn the_representation_carries_kind_version_and_networks() {
        let provisioned = DropletEvent::Provisioned {
            ipv4: Ipv4Addr::new(10, 0, 0, 1),
            at: at(),
        };
        let row =
            DropletRow::from_state(&Droplet::replay([&created(9), &provisioned])).expect("created");
        let resource = row.to_resource();
        assert_eq!(
            (resource["kind"].as_str(), resource["version"].as_u64()),
            (Some("droplet"), Some(2))
        );
        assert_eq!(resource["networks"]["v4"][0]["ip_address"], "10.0.0.1");
        assert_eq!(resource["created_at"], "2026-11-20T09:00:00Z");
    }
}
