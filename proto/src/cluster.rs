//! Cluster events to and from the wire, schema version 1. Status changes and operation
//! milestones share `ClusterTransitioned`; the type name says which one it is.

use domain::cluster::{ClusterCreated, ClusterEvent, PoolFacts};
use domain::telemetry::load::{Demand, Profile};
use prost::Message;

use crate::DecodeError;
use crate::codec::{
    Encoded, WireEvent, id_text, name, optional_name, optional_uuid, payload, unknown, uuid,
};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

type At = chrono::DateTime<chrono::Utc>;

impl WireEvent for ClusterEvent {
    const TYPES: &'static [(&'static str, u32)] = &[
        ("cluster.created", SCHEMA_VERSION),
        ("cluster.renamed", SCHEMA_VERSION),
        ("cluster.tags_changed", SCHEMA_VERSION),
        ("cluster.node_pool_added", SCHEMA_VERSION),
        ("cluster.node_pool_updated", SCHEMA_VERSION),
        ("cluster.node_pool_scale_requested", SCHEMA_VERSION),
        ("cluster.node_pool_deletion_requested", SCHEMA_VERSION),
        ("cluster.node_pool_deleted", SCHEMA_VERSION),
        ("cluster.node_removal_requested", SCHEMA_VERSION),
        ("cluster.node_removed", SCHEMA_VERSION),
        ("cluster.operation_completed", SCHEMA_VERSION),
        ("cluster.running", SCHEMA_VERSION),
        ("cluster.degraded", SCHEMA_VERSION),
        ("cluster.recovered", SCHEMA_VERSION),
        ("cluster.failed", SCHEMA_VERSION),
        ("cluster.deletion_requested", SCHEMA_VERSION),
        ("cluster.deleted", SCHEMA_VERSION),
        ("cluster.cancel_requested", SCHEMA_VERSION),
        ("cluster.operation_cancelled", SCHEMA_VERSION),
        ("cluster.name_released", SCHEMA_VERSION),
        ("cluster.demand_set", SCHEMA_VERSION),
    ];

    fn encode(&self) -> Encoded {
        (self.type_name().to_owned(), SCHEMA_VERSION, encode(self))
    }

    fn decode(event_type: &str, schema_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        if schema_version != SCHEMA_VERSION {
            return Err(unknown(event_type, schema_version));
        }
        decode(event_type, bytes)
    }
}

fn pool_to_wire(p: &PoolFacts) -> wire::NodePoolFacts {
    wire::NodePoolFacts {
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
        labels: p.labels.clone().into_iter().collect(),
        taints: p.taints.clone(),
        tags: p.tags.clone(),
    }
}

fn pool_from_wire(p: wire::NodePoolFacts) -> Result<PoolFacts, DecodeError> {
    Ok(PoolFacts {
        id: uuid(&p.id, "pool.id")?,
        name: name(&p.name, "pool.name")?,
        size_slug: p.size_slug,
        vcpus: p.vcpus,
        memory_mb: p.memory_mb,
        disk_gb: p.disk_gb,
        count: p.count,
        auto_scale: p.auto_scale,
        min_nodes: p.min_nodes,
        max_nodes: p.max_nodes,
        labels: p.labels.into_iter().collect(),
        taints: p.taints,
        tags: p.tags,
    })
}

fn transitioned(
    op: Option<uuid::Uuid>,
    superseded: Option<uuid::Uuid>,
    message: &str,
    at: At,
) -> Vec<u8> {
    wire::ClusterTransitioned {
        operation_id: id_text(op),
        superseded_operation_id: id_text(superseded),
        message: message.to_owned(),
        at: Some(to_timestamp(at)),
    }
    .encode_to_vec()
}

fn pool_changed(pool_id: uuid::Uuid, op: Option<uuid::Uuid>, at: At) -> Vec<u8> {
    wire::ClusterNodePoolChanged {
        pool_id: pool_id.to_string(),
        operation_id: id_text(op),
        at: Some(to_timestamp(at)),
    }
    .encode_to_vec()
}

fn encode(event: &ClusterEvent) -> Vec<u8> {
    use ClusterEvent as E;
    let ts = |at: &At| Some(to_timestamp(*at));
    match event {
        E::Created(c) => wire::ClusterCreated {
            id: c.id.to_string(),
            owner: c.owner.clone(),
            name: c.name.to_string(),
            region: c.region.clone(),
            kube_version: c.kube_version.clone(),
            pools: c.pools.iter().map(pool_to_wire).collect(),
            tags: c.tags.clone(),
            operation_id: id_text(c.operation_id),
            at: ts(&c.at),
        }
        .encode_to_vec(),
        E::Renamed { name, previous, at } => wire::ClusterRenamed {
            name: name.to_string(),
            previous: previous
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            at: ts(at),
        }
        .encode_to_vec(),
        E::TagsChanged { tags, at } => wire::ClusterTagsChanged {
            tags: tags.clone(),
            at: ts(at),
        }
        .encode_to_vec(),
        E::PoolAdded {
            pool,
            operation_id,
            at,
        } => wire::ClusterNodePoolAdded {
            pool: Some(pool_to_wire(pool)),
            operation_id: id_text(*operation_id),
            at: ts(at),
        }
        .encode_to_vec(),
        E::PoolUpdated {
            pool_id,
            labels,
            auto_scale,
            min_nodes,
            max_nodes,
            operation_id,
            at,
        } => wire::ClusterNodePoolUpdated {
            pool_id: pool_id.to_string(),
            labels: labels.clone().into_iter().collect(),
            auto_scale: *auto_scale,
            min_nodes: *min_nodes,
            max_nodes: *max_nodes,
            operation_id: id_text(*operation_id),
            at: ts(at),
        }
        .encode_to_vec(),
        E::PoolScaleRequested {
            pool_id,
            from,
            to,
            operation_id,
            at,
        } => wire::ClusterNodePoolScaleRequested {
            pool_id: pool_id.to_string(),
            from: *from,
            to: *to,
            operation_id: id_text(*operation_id),
            at: ts(at),
        }
        .encode_to_vec(),
        E::PoolDeletionRequested {
            pool_id,
            operation_id,
            at,
        } => pool_changed(*pool_id, *operation_id, *at),
        E::PoolDeleted { pool_id, at } => pool_changed(*pool_id, None, *at),
        E::NodeRemovalRequested {
            pool_id,
            node_id,
            replace,
            skip_drain,
            count,
            operation_id,
            at,
        } => wire::ClusterNodeRemovalRequested {
            pool_id: pool_id.to_string(),
            node_id: node_id.to_string(),
            replace: *replace,
            skip_drain: *skip_drain,
            count: *count,
            operation_id: id_text(*operation_id),
            at: ts(at),
        }
        .encode_to_vec(),
        E::NodeRemoved {
            pool_id,
            node_id,
            at,
        } => wire::ClusterNodeRemoved {
            pool_id: pool_id.to_string(),
            node_id: node_id.to_string(),
            at: ts(at),
        }
        .encode_to_vec(),
        E::OperationCompleted { operation_id, at } | E::CancelRequested { operation_id, at } => {
            transitioned(Some(*operation_id), None, "", *at)
        }
        E::BecameRunning { operation_id, at } | E::Deleted { operation_id, at } => {
            transitioned(*operation_id, None, "", *at)
        }
        E::Degraded { message, at } => transitioned(None, None, message, *at),
        E::Recovered { at } => transitioned(None, None, "", *at),
        E::Failed {
            message,
            operation_id,
            at,
        } => transitioned(*operation_id, None, message, *at),
        E::DeletionRequested {
            operation_id,
            superseded,
            at,
        } => transitioned(*operation_id, *superseded, "", *at),
        E::OperationCancelled {
            operation_id,
            reason,
            at,
        } => transitioned(Some(*operation_id), None, reason, *at),
        E::NameReleased { name, at } => transitioned(None, None, name.as_ref(), *at),
        E::DemandSet { demand, at } => wire::ClusterDemandSet {
            level: u32::from(demand.level),
            profile: demand.profile.as_str().to_owned(),
            at: ts(at),
        }
        .encode_to_vec(),
    }
}

fn decode(event_type: &str, bytes: &[u8]) -> Result<ClusterEvent, DecodeError> {
    use ClusterEvent as E;
    let at = |ts: Option<&prost_types::Timestamp>| from_timestamp(ts, "at");
    let op = |raw: &str| optional_uuid(raw, "operation_id");
    Ok(match event_type {
        "cluster.created" => {
            let e: wire::ClusterCreated = payload(bytes)?;
            E::Created(ClusterCreated {
                id: uuid(&e.id, "id")?,
                owner: e.owner,
                name: name(&e.name, "name")?,
                region: e.region,
                kube_version: e.kube_version,
                pools: e
                    .pools
                    .into_iter()
                    .map(pool_from_wire)
                    .collect::<Result<_, _>>()?,
                tags: e.tags,
                operation_id: op(&e.operation_id)?,
                at: at(e.at.as_ref())?,
            })
        }
        "cluster.renamed" => {
            let e: wire::ClusterRenamed = payload(bytes)?;
            E::Renamed {
                name: name(&e.name, "name")?,
                previous: optional_name(&e.previous, "previous")?,
                at: at(e.at.as_ref())?,
            }
        }
        "cluster.tags_changed" => {
            let e: wire::ClusterTagsChanged = payload(bytes)?;
            E::TagsChanged {
                tags: e.tags,
                at: at(e.at.as_ref())?,
            }
        }
        "cluster.node_pool_added" => {
            let e: wire::ClusterNodePoolAdded = payload(bytes)?;
            E::PoolAdded {
                pool: pool_from_wire(e.pool.ok_or(DecodeError::Missing("pool"))?)?,
                operation_id: op(&e.operation_id)?,
                at: at(e.at.as_ref())?,
            }
        }
        "cluster.node_pool_updated" => {
            let e: wire::ClusterNodePoolUpdated = payload(bytes)?;
            E::PoolUpdated {
                pool_id: uuid(&e.pool_id, "pool_id")?,
                labels: e.labels.into_iter().collect(),
                auto_scale: e.auto_scale,
                min_nodes: e.min_nodes,
                max_nodes: e.max_nodes,
                operation_id: op(&e.operation_id)?,
                at: at(e.at.as_ref())?,
            }
        }
        "cluster.node_pool_scale_requested" => {
            let e: wire::ClusterNodePoolScaleRequested = payload(bytes)?;
            E::PoolScaleRequested {
                pool_id: uuid(&e.pool_id, "pool_id")?,
                from: e.from,
                to: e.to,
                operation_id: op(&e.operation_id)?,
                at: at(e.at.as_ref())?,
            }
        }
        "cluster.node_pool_deletion_requested" | "cluster.node_pool_deleted" => {
            let e: wire::ClusterNodePoolChanged = payload(bytes)?;
            let (pool_id, when) = (uuid(&e.pool_id, "pool_id")?, at(e.at.as_ref())?);
            if event_type == "cluster.node_pool_deleted" {
                E::PoolDeleted { pool_id, at: when }
            } else {
                E::PoolDeletionRequested {
                    pool_id,
                    operation_id: op(&e.operation_id)?,
                    at: when,
                }
            }
        }
        "cluster.node_removal_requested" => {
            let e: wire::ClusterNodeRemovalRequested = payload(bytes)?;
            E::NodeRemovalRequested {
                pool_id: uuid(&e.pool_id, "pool_id")?,
                node_id: uuid(&e.node_id, "node_id")?,
                replace: e.replace,
                skip_drain: e.skip_drain,
                count: e.count,
                operation_id: op(&e.operation_id)?,
                at: at(e.at.as_ref())?,
            }
        }
        "cluster.node_removed" => {
            let e: wire::ClusterNodeRemoved = payload(bytes)?;
            E::NodeRemoved {
                pool_id: uuid(&e.pool_id, "pool_id")?,
                node_id: uuid(&e.node_id, "node_id")?,
                at: at(e.at.as_ref())?,
            }
        }
        "cluster.demand_set" => {
            let e: wire::ClusterDemandSet = payload(bytes)?;
            E::DemandSet {
                demand: demand(e.level, &e.profile)?,
                at: at(e.at.as_ref())?,
            }
        }
        other => transition(other, payload(bytes)?)?,
    })
}

/// A demand as recorded: a level within 0..=100 and a known profile.
pub(crate) fn demand(level: u32, profile: &str) -> Result<Demand, DecodeError> {
    Ok(Demand {
        level: u8::try_from(level)
            .ok()
            .filter(|l| *l <= 100)
            .ok_or(DecodeError::Invalid("demand level"))?,
        profile: Profile::parse(profile).ok_or(DecodeError::Invalid("demand profile"))?,
    })
}

fn transition(event_type: &str, e: wire::ClusterTransitioned) -> Result<ClusterEvent, DecodeError> {
    use ClusterEvent as E;
    let at = from_timestamp(e.at.as_ref(), "at")?;
    let operation_id = optional_uuid(&e.operation_id, "operation_id")?;
    let required = || operation_id.ok_or(DecodeError::Missing("operation_id"));
    Ok(match event_type {
        "cluster.operation_completed" => E::OperationCompleted {
            operation_id: required()?,
            at,
        },
        "cluster.running" => E::BecameRunning { operation_id, at },
        "cluster.degraded" => E::Degraded {
            message: e.message,
            at,
        },
        "cluster.recovered" => E::Recovered { at },
        "cluster.failed" => E::Failed {
            message: e.message,
            operation_id,
            at,
        },
        "cluster.deletion_requested" => E::DeletionRequested {
            operation_id,
            superseded: optional_uuid(&e.superseded_operation_id, "superseded_operation_id")?,
            at,
        },
        "cluster.deleted" => E::Deleted { operation_id, at },
        "cluster.cancel_requested" => E::CancelRequested {
            operation_id: required()?,
            at,
        },
        "cluster.operation_cancelled" => E::OperationCancelled {
            operation_id: required()?,
            reason: e.message,
            at,
        },
        "cluster.name_released" => E::NameReleased {
            name: name(&e.message, "message")?,
            at,
        },
        other => return Err(unknown(other, SCHEMA_VERSION)),
    })
}
