//! The cluster row (table `cluster`) and its representations: the cluster of api.md §10
//! with its node pools as summaries, and a node pool on its own (with its nodes, which
//! the caller reads from the droplet table: counts are never kept twice). The row is a
//! lossless copy of `domain::cluster::Cluster`; pools travel as a JSON column.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::cluster::{Cluster, ClusterStatus, NodePool, NodeRemoval, OperationScope, PoolStatus};
use domain::name::ResourceName;
use domain::operation::PendingOperation;
use domain::telemetry::load::{Demand, Profile};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::row::{Bound, StateRow, from_json_text, json_text, rfc3339};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct ClusterRow {
    pub cluster_id: Uuid,
    pub owner: String,
    pub name: String,
    pub region: String,
    pub kube_version: String,
    pub tags: String,
    pub status: String,
    pub status_message: String,
    /// JSON array of `PoolRecord`.
    pub pools: String,
    pub pending_operation_id: Option<Uuid>,
    pub pending_operation_type: Option<String>,
    pub cancel_requested: bool,
    /// JSON `ScopeRecord`, when an operation is pending.
    pub pending_scope: Option<String>,
    pub names_to_release: String,
    /// The simulator's demand set through the API; both `NULL` = the default.
    pub demand_level: Option<u8>,
    pub demand_profile: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub delete_time: Option<DateTime<Utc>>,
    pub version: u64,
}

/// A node pool as stored in the `pools` column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolRecord {
    pub id: Uuid,
    pub name: String,
    pub size_slug: String,
    pub vcpus: u32,
    pub memory_mb: u32,
    pub disk_gb: u32,
    pub count: u32,
    pub auto_scale: bool,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<String>,
    pub tags: Vec<String>,
    pub status: String,
    pub removing: Vec<RemovalRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovalRecord {
    pub node_id: Uuid,
    pub replace: bool,
    pub skip_drain: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ScopeRecord {
    Cluster,
    Pool { pool_id: Uuid },
    Node { pool_id: Uuid, node_id: Uuid },
}

impl StateRow for ClusterRow {
    type State = Cluster;
    const TABLE: &'static str = "cluster";
    const ID_COLUMN: &'static str = "cluster_id";
    const COLUMNS: &'static [&'static str] = &[
        "cluster_id",
        "owner",
        "name",
        "region",
        "kube_version",
        "tags",
        "status",
        "status_message",
        "pools",
        "pending_operation_id",
        "pending_operation_type",
        "cancel_requested",
        "pending_scope",
        "names_to_release",
        "demand_level",
        "demand_profile",
        "created_at",
        "updated_at",
        "delete_time",
        "version",
    ];

    fn from_state(state: &Cluster) -> Option<Self> {
        let status = state.status?;
        let pending = state.pending_operation.as_ref();
        Some(Self {
            cluster_id: state.id,
            owner: state.owner.clone(),
            name: state.name.to_string(),
            region: state.region.clone(),
            kube_version: state.kube_version.clone(),
            tags: json_text(&state.tags),
            status: status.as_str().to_owned(),
            status_message: state.status_message.clone(),
            pools: json_text(&state.pools.iter().map(pool_record).collect::<Vec<_>>()),
            pending_operation_id: pending.map(|p| p.id),
            pending_operation_type: pending.map(|p| p.op_type.clone()),
            cancel_requested: pending.is_some_and(|p| p.cancel_requested),
            pending_scope: state.pending_scope.map(|s| json_text(&scope_record(s))),
            names_to_release: json_text(
                &state
                    .names_to_release
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
            ),
            demand_level: state.demand.map(|d| d.level),
            demand_profile: state.demand.map(|d| d.profile.as_str().to_owned()),
            created_at: state.created_at.unwrap_or_default(),
            updated_at: state.updated_at.unwrap_or_default(),
            delete_time: state.delete_time,
            version: state.version,
        })
    }

    fn to_state(&self) -> Result<Cluster, String> {
        let status = ClusterStatus::parse(&self.status)
            .ok_or_else(|| format!("stored cluster status {:?} is unknown", self.status))?;
        let pools: Vec<PoolRecord> = from_json_text(&self.pools, "pools")?;
        let pending_operation = match (self.pending_operation_id, &self.pending_operation_type) {
            (Some(id), Some(op_type)) => Some(PendingOperation {
                id,
                op_type: op_type.clone(),
                cancel_requested: self.cancel_requested,
            }),
            (None, None) => None,
            _ => return Err("stored pending operation is half set".into()),
        };
        let pending_scope = match &self.pending_scope {
            Some(raw) => Some(scope_from(from_json_text(raw, "pending_scope")?)),
            None => None,
        };
        let names: Vec<String> = from_json_text(&self.names_to_release, "names_to_release")?;
        Ok(Cluster {
            id: self.cluster_id,
            owner: self.owner.clone(),
            name: parse_name(&self.name)?,
            region: self.region.clone(),
            kube_version: self.kube_version.clone(),
            tags: from_json_text(&self.tags, "tags")?,
            status: Some(status),
            status_message: self.status_message.clone(),
            pools: pools.into_iter().map(pool_from).collect::<Result<_, _>>()?,
            pending_operation,
            pending_scope,
            names_to_release: names
                .iter()
                .map(|n| parse_name(n))
                .collect::<Result<_, _>>()?,
            demand: self.demand()?,
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
            delete_time: self.delete_time,
            version: self.version,
        })
    }

    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.cluster_id)
            .bind(&self.owner)
            .bind(&self.name)
            .bind(&self.region)
            .bind(&self.kube_version)
            .bind(&self.tags)
            .bind(&self.status)
            .bind(&self.status_message)
            .bind(&self.pools)
            .bind(self.pending_operation_id)
            .bind(&self.pending_operation_type)
            .bind(self.cancel_requested)
            .bind(&self.pending_scope)
            .bind(&self.names_to_release)
            .bind(self.demand_level)
            .bind(&self.demand_profile)
            .bind(self.created_at)
            .bind(self.updated_at)
            .bind(self.delete_time)
            .bind(self.version)
    }

    fn id(&self) -> Uuid {
        self.cluster_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    /// The cluster of api.md §10 (`kind: "cluster"`), pools as summaries.
    fn to_resource(&self) -> Value {
        crate::row::to_value(&self.to_cluster())
    }
}

impl ClusterRow {
    /// The cluster of api.md §10, pools as summaries.
    pub fn to_cluster(&self) -> contract::cluster::Cluster {
        contract::cluster::Cluster {
            kind: "cluster".into(),
            id: self.cluster_id,
            version: self.version,
            name: self.name.clone(),
            region: self.region.clone(),
            kube_version: self.kube_version.clone(),
            status: contract::cluster::ClusterStatus {
                state: self.status.clone(),
                message: self.status_message.clone(),
            },
            node_pools: self
                .pool_records()
                .iter()
                .map(|p| pool_resource(self.cluster_id, p))
                .collect(),
            tags: serde_json::from_str(&self.tags).unwrap_or_default(),
            pending_operation_id: self.pending_operation_id,
            demand: self
                .demand()
                .ok()
                .flatten()
                .map(|d| contract::cluster::Demand {
                    level: d.level,
                    profile: d.profile.as_str().to_owned(),
                }),
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            delete_time: self.delete_time.map(rfc3339),
        }
    }

    /// The stored demand: both columns set, or neither.
    pub fn demand(&self) -> Result<Option<Demand>, String> {
        match (self.demand_level, &self.demand_profile) {
            (None, None) => Ok(None),
            (Some(level), Some(profile)) => Ok(Some(Demand {
                level,
                profile: Profile::parse(profile)
                    .ok_or_else(|| format!("stored demand profile {profile:?} is unknown"))?,
            })),
            _ => Err("stored demand is half set".into()),
        }
    }

    pub fn pool_records(&self) -> Vec<PoolRecord> {
        serde_json::from_str(&self.pools).unwrap_or_default()
    }
}

/// A node pool (`kind: "node_pool"`) without its nodes.
pub fn pool_resource(cluster_id: Uuid, pool: &PoolRecord) -> contract::cluster::NodePool {
    contract::cluster::NodePool {
        kind: "node_pool".into(),
        id: pool.id,
        cluster_id,
        name: pool.name.clone(),
        size: pool.size_slug.clone(),
        count: pool.count,
        auto_scale: pool.auto_scale,
        min_nodes: pool.min_nodes,
        max_nodes: pool.max_nodes,
        labels: pool.labels.clone(),
        taints: pool.taints.clone(),
        tags: pool.tags.clone(),
        status: pool.status.clone(),
        nodes: None,
        node_counts: None,
    }
}

fn pool_record(pool: &NodePool) -> PoolRecord {
    PoolRecord {
        id: pool.id,
        name: pool.name.to_string(),
        size_slug: pool.size_slug.clone(),
        vcpus: pool.vcpus,
        memory_mb: pool.memory_mb,
        disk_gb: pool.disk_gb,
        count: pool.count,
        auto_scale: pool.auto_scale,
        min_nodes: pool.min_nodes,
        max_nodes: pool.max_nodes,
        labels: pool.labels.clone(),
        taints: pool.taints.clone(),
        tags: pool.tags.clone(),
        status: pool.status.as_str().to_owned(),
        removing: pool
            .removing
            .iter()
            .map(|r| RemovalRecord {
                node_id: r.node_id,
                replace: r.replace,
                skip_drain: r.skip_drain,
            })
            .collect(),
    }
}

fn pool_from(record: PoolRecord) -> Result<NodePool, String> {
    Ok(NodePool {
        id: record.id,
        name: parse_name(&record.name)?,
        size_slug: record.size_slug,
        vcpus: record.vcpus,
        memory_mb: record.memory_mb,
        disk_gb: record.disk_gb,
        count: record.count,
        auto_scale: record.auto_scale,
        min_nodes: record.min_nodes,
        max_nodes: record.max_nodes,
        labels: record.labels,
        taints: record.taints,
        tags: record.tags,
        status: PoolStatus::parse(&record.status)
            .ok_or_else(|| format!("stored pool status {:?} is unknown", record.status))?,
        removing: record
            .removing
            .into_iter()
            .map(|r| NodeRemoval {
                node_id: r.node_id,
                replace: r.replace,
                skip_drain: r.skip_drain,
            })
            .collect(),
    })
}

fn scope_record(scope: OperationScope) -> ScopeRecord {
    match scope {
        OperationScope::Cluster => ScopeRecord::Cluster,
        OperationScope::Pool(pool_id) => ScopeRecord::Pool { pool_id },
        OperationScope::Node { pool_id, node_id } => ScopeRecord::Node { pool_id, node_id },
    }
}

fn scope_from(record: ScopeRecord) -> OperationScope {
    match record {
        ScopeRecord::Cluster => OperationScope::Cluster,
        ScopeRecord::Pool { pool_id } => OperationScope::Pool(pool_id),
        ScopeRecord::Node { pool_id, node_id } => OperationScope::Node { pool_id, node_id },
    }
}

fn parse_name(raw: &str) -> Result<ResourceName, String> {
    ResourceName::parse(raw).map_err(|e| format!("stored name {raw:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::Aggregate;
    use domain::cluster::{ClusterCreated, ClusterEvent, PoolFacts};

    use super::*;

    fn at(s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, s)
            .single()
            .expect("time")
    }

    fn created() -> ClusterEvent {
        ClusterEvent::Created(ClusterCreated {
            id: Uuid::from_u128(1),
            owner: "alice".into(),
            name: ResourceName::parse("prod").expect("valid"),
            region: "nyc1".into(),
            kube_version: "1.31.1-cg.0".into(),
            pools: vec![PoolFacts {
                id: Uuid::from_u128(2),
                name: ResourceName::parse("web").expect("valid"),
                size_slug: "s-2vcpu-4gb".into(),
                vcpus: 2,
                memory_mb: 4096,
                disk_gb: 80,
                count: 3,
                auto_scale: false,
                min_nodes: 1,
                max_nodes: 5,
                labels: BTreeMap::from([("tier".into(), "web".into())]),
                taints: vec![],
                tags: vec![],
            }],
            tags: vec!["env:prod".into()],
            operation_id: Some(Uuid::from_u128(3)),
            at: at(0),
        })
    }

    #[test]
    fn a_row_maps_back_to_the_state_it_came_from() {
        let removal = ClusterEvent::NodeRemovalRequested {
            pool_id: Uuid::from_u128(2),
            node_id: Uuid::from_u128(9),
            replace: true,
            skip_drain: false,
            count: 3,
            operation_id: Some(Uuid::from_u128(4)),
            at: at(5),
        };
        let running = ClusterEvent::BecameRunning {
            operation_id: Some(Uuid::from_u128(3)),
            at: at(4),
        };
        let demand = ClusterEvent::DemandSet {
            demand: Demand {
                level: 90,
                profile: Profile::Spike,
            },
            at: at(6),
        };
        for history in [vec![created()], vec![created(), running, removal, demand]] {
            let state = Cluster::replay(&history);
            let row = ClusterRow::from_state(&state).expect("created");
            assert_eq!(row.to_state(), Ok(state));
        }
    }

    #[test]
    fn the_representation_lists_pool_summaries() {
        let row = ClusterRow::from_state(&Cluster::replay([&created()])).expect("created");
        let resource = row.to_resource();
        assert_eq!(resource["status"]["state"], "provisioning");
        assert_eq!(resource["node_pools"][0]["count"], 3);
        assert_eq!(resource["node_pools"][0]["status"], "scaling");
        assert_eq!(
            resource["pending_operation_id"],
            Uuid::from_u128(3).to_string()
        );
        assert_eq!(
            resource["demand"],
            Value::Null,
            "no demand set: the default"
        );
        let spike = ClusterEvent::DemandSet {
            demand: Demand {
                level: 70,
                profile: Profile::Spike,
            },
            at: at(1),
        };
        let row = ClusterRow::from_state(&Cluster::replay([&created(), &spike])).expect("created");
        assert_eq!(
            row.to_resource()["demand"],
            serde_json::json!({"level": 70, "profile": "spike"})
        );
    }
}
