//! The cluster's write-model state (with its node pools) to and from the wire (state
//! version 1). Only the conversion: it decides nothing about clusters.

use domain::cluster::{Cluster, ClusterStatus, NodePool, NodeRemoval, OperationScope, PoolStatus};
use prost::Message;

use super::{
    WireState, expect_version, names, optional_enum, optional_time, pending_from_wire,
    pending_to_wire, state_name, time,
};
use crate::DecodeError;
use crate::codec::{name, payload, uuid};
use crate::wire;

impl WireState for Cluster {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        let (scope, pool, node) = scope_to_wire(self.pending_scope);
        wire::ClusterState {
            id: self.id.to_string(),
            owner: self.owner.clone(),
            name: self.name.to_string(),
            region: self.region.clone(),
            kube_version: self.kube_version.clone(),
            tags: self.tags.clone(),
            status: self.status.map_or("", ClusterStatus::as_str).to_owned(),
            status_message: self.status_message.clone(),
            pools: self.pools.iter().map(pool_to_wire).collect(),
            pending_operation: pending_to_wire(self.pending_operation.as_ref()),
            pending_scope: scope.to_owned(),
            pending_pool_id: pool,
            pending_node_id: node,
            names_to_release: self
                .names_to_release
                .iter()
                .map(ToString::to_string)
                .collect(),
            created_at: time(self.created_at),
            updated_at: time(self.updated_at),
            delete_time: time(self.delete_time),
            version: self.version,
            demand_level: self.demand.map_or(0, |d| u32::from(d.level)),
            demand_profile: self.demand.map_or("", |d| d.profile.as_str()).to_owned(),
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::ClusterState = payload(bytes)?;
        Ok(Self {
            id: uuid(&s.id, "id")?,
            owner: s.owner,
            name: state_name(&s.name, "name")?,
            region: s.region,
            kube_version: s.kube_version,
            tags: s.tags,
            status: optional_enum(&s.status, ClusterStatus::parse, "status")?,
            status_message: s.status_message,
            pools: s
                .pools
                .into_iter()
                .map(pool_from_wire)
                .collect::<Result<_, _>>()?,
            pending_operation: pending_from_wire(s.pending_operation)?,
            pending_scope: scope_from_wire(
                &s.pending_scope,
                &s.pending_pool_id,
                &s.pending_node_id,
            )?,
            names_to_release: names(s.names_to_release, "names_to_release")?,
            created_at: optional_time(s.created_at.as_ref(), "created_at")?,
            updated_at: optional_time(s.updated_at.as_ref(), "updated_at")?,
            delete_time: optional_time(s.delete_time.as_ref(), "delete_time")?,
            version: s.version,
            // Added in place (state version 1): older snapshots decode as "no demand".
            demand: match s.demand_profile.as_str() {
                "" => None,
                profile => Some(crate::cluster::demand(s.demand_level, profile)?),
            },
        })
    }
}

fn scope_to_wire(scope: Option<OperationScope>) -> (&'static str, String, String) {
    match scope {
        None => ("", String::new(), String::new()),
        Some(OperationScope::Cluster) => ("cluster", String::new(), String::new()),
        Some(OperationScope::Pool(pool)) => ("pool", pool.to_string(), String::new()),
        Some(OperationScope::Node { pool_id, node_id }) => {
            ("node", pool_id.to_string(), node_id.to_string())
        }
    }
}

fn scope_from_wire(
    scope: &str,
    pool: &str,
    node: &str,
) -> Result<Option<OperationScope>, DecodeError> {
    Ok(match scope {
        "" => None,
        "cluster" => Some(OperationScope::Cluster),
        "pool" => Some(OperationScope::Pool(uuid(pool, "pending_pool_id")?)),
        "node" => Some(OperationScope::Node {
            pool_id: uuid(pool, "pending_pool_id")?,
            node_id: uuid(node, "pending_node_id")?,
        }),
        _ => return Err(DecodeError::Invalid("pending_scope")),
    })
}

fn pool_to_wire(p: &NodePool) -> wire::NodePoolState {
    wire::NodePoolState {
        facts: Some(wire::NodePoolFacts {
            id: p.id.to_string(),
            name: p.name.to_string(),
            size_slug: p.size_slug.clone(),
            vcpus: p.vcpus,
            memory_mb: p.memory_mb,
            disk_gb: p.disk_gb,
            count: p.count,
            auto_scale: p.auto_scale,
            min_nodes: p.min_nodes,
            max_nodes: p.max_nodes,
            labels: p.labels.clone(),
            taints: p.taints.clone(),
            tags: p.tags.clone(),
        }),
        status: p.status.as_str().to_owned(),
        removing: p
            .removing
            .iter()
            .map(|r| wire::NodeRemovalState {
                node_id: r.node_id.to_string(),
                replace: r.replace,
                skip_drain: r.skip_drain,
            })
            .collect(),
    }
}

fn pool_from_wire(p: wire::NodePoolState) -> Result<NodePool, DecodeError> {
    let f = p.facts.ok_or(DecodeError::Missing("pool.facts"))?;
    let removing = p
        .removing
        .into_iter()
        .map(|r| {
            Ok(NodeRemoval {
                node_id: uuid(&r.node_id, "pool.removing.node_id")?,
                replace: r.replace,
                skip_drain: r.skip_drain,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(NodePool {
        id: uuid(&f.id, "pool.id")?,
        name: name(&f.name, "pool.name")?,
        size_slug: f.size_slug,
        vcpus: f.vcpus,
        memory_mb: f.memory_mb,
        disk_gb: f.disk_gb,
        count: f.count,
        auto_scale: f.auto_scale,
        min_nodes: f.min_nodes,
        max_nodes: f.max_nodes,
        labels: f.labels,
        taints: f.taints,
        tags: f.tags,
        status: PoolStatus::parse(&p.status).ok_or(DecodeError::Invalid("pool.status"))?,
        removing,
    })
}
