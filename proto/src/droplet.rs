//! Droplet events to and from the wire. Every type is at schema version 1; fields added
//! since (operations, previous names, nodes) decode as absent from older records.

use std::net::Ipv4Addr;

use domain::droplet::{CreationRequested, DropletEvent, NodeOf};
use prost::Message;

use crate::DecodeError;
use crate::codec::{
    Encoded, WireEvent, id_text, name, optional_name, optional_uuid, payload, unknown, uuid,
};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

/// What `DropletTransitioned` carries: time, operation, superseded operation.
type Transition = (
    chrono::DateTime<chrono::Utc>,
    Option<uuid::Uuid>,
    Option<uuid::Uuid>,
);

impl WireEvent for DropletEvent {
    const TYPES: &'static [(&'static str, u32)] = &[
        ("droplet.creation_requested", SCHEMA_VERSION),
        ("droplet.provisioned", SCHEMA_VERSION),
        ("droplet.provisioning_failed", SCHEMA_VERSION),
        ("droplet.powered_off", SCHEMA_VERSION),
        ("droplet.shut_down", SCHEMA_VERSION),
        ("droplet.powered_on", SCHEMA_VERSION),
        ("droplet.rebooted", SCHEMA_VERSION),
        ("droplet.power_cycled", SCHEMA_VERSION),
        ("droplet.renamed", SCHEMA_VERSION),
        ("droplet.resized", SCHEMA_VERSION),
        ("droplet.rebuilt", SCHEMA_VERSION),
        ("droplet.snapshot_taken", SCHEMA_VERSION),
        ("droplet.tags_changed", SCHEMA_VERSION),
        ("droplet.drain_started", SCHEMA_VERSION),
        ("droplet.deletion_requested", SCHEMA_VERSION),
        ("droplet.deleted", SCHEMA_VERSION),
        ("droplet.purged", SCHEMA_VERSION),
        ("droplet.cancel_requested", SCHEMA_VERSION),
        ("droplet.creation_cancelled", SCHEMA_VERSION),
        ("droplet.name_released", SCHEMA_VERSION),
        ("droplet.migrated", SCHEMA_VERSION),
        ("droplet.capacity_released", SCHEMA_VERSION),
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

fn transitioned(
    at: chrono::DateTime<chrono::Utc>,
    op: Option<uuid::Uuid>,
    superseded: Option<uuid::Uuid>,
) -> Vec<u8> {
    wire::DropletTransitioned {
        at: Some(to_timestamp(at)),
        operation_id: id_text(op),
        superseded_operation_id: id_text(superseded),
    }
    .encode_to_vec()
}

fn value_set(value: &str, at: chrono::DateTime<chrono::Utc>, op: Option<uuid::Uuid>) -> Vec<u8> {
    wire::DropletValueSet {
        value: value.to_owned(),
        at: Some(to_timestamp(at)),
        operation_id: id_text(op),
    }
    .encode_to_vec()
}

fn encode(event: &DropletEvent) -> Vec<u8> {
    use DropletEvent as E;
    match event {
        E::CreationRequested(c) => wire::DropletCreationRequested {
            id: c.id.to_string(),
            owner: c.owner.clone(),
            name: c.name.to_string(),
            region: c.region.clone(),
            size_slug: c.size_slug.clone(),
            image: c.image.clone(),
            vcpus: c.vcpus,
            memory_mb: c.memory_mb,
            disk_gb: c.disk_gb,
            tags: c.tags.clone(),
            at: Some(to_timestamp(c.at)),
            node_of: c.node_of.map(|n| wire::NodeOf {
                cluster_id: n.cluster_id.to_string(),
                node_pool_id: n.node_pool_id.to_string(),
            }),
            operation_id: id_text(c.operation_id),
            provider: c.provider.clone(),
        }
        .encode_to_vec(),
        E::Provisioned {
            ipv4,
            at,
            operation_id,
        } => wire::DropletProvisioned {
            ipv4: ipv4.to_string(),
            at: Some(to_timestamp(*at)),
            operation_id: id_text(*operation_id),
        }
        .encode_to_vec(),
        E::ProvisioningFailed {
            reason,
            at,
            operation_id,
        } => wire::DropletProvisioningFailed {
            reason: reason.clone(),
            at: Some(to_timestamp(*at)),
            operation_id: id_text(*operation_id),
        }
        .encode_to_vec(),
        E::PoweredOff { at, operation_id }
        | E::ShutDown { at, operation_id }
        | E::PoweredOn { at, operation_id }
        | E::Rebooted { at, operation_id }
        | E::PowerCycled { at, operation_id } => transitioned(*at, *operation_id, None),
        E::DeletionRequested {
            at,
            operation_id,
            superseded,
        } => transitioned(*at, *operation_id, *superseded),
        E::DrainStarted { at } | E::Purged { at } => transitioned(*at, None, None),
        E::CancelRequested { operation_id, at } | E::CreationCancelled { operation_id, at } => {
            transitioned(*at, Some(*operation_id), None)
        }
        E::Renamed {
            name,
            previous,
            at,
            operation_id,
        } => wire::DropletRenamed {
            name: name.to_string(),
            at: Some(to_timestamp(*at)),
            previous: previous
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            operation_id: id_text(*operation_id),
        }
        .encode_to_vec(),
        E::Resized {
            size_slug,
            vcpus,
            memory_mb,
            disk_gb,
            at,
            operation_id,
        } => wire::DropletResized {
            size_slug: size_slug.clone(),
            vcpus: *vcpus,
            memory_mb: *memory_mb,
            disk_gb: *disk_gb,
            at: Some(to_timestamp(*at)),
            operation_id: id_text(*operation_id),
        }
        .encode_to_vec(),
        E::Rebuilt {
            image,
            at,
            operation_id,
        } => value_set(image, *at, *operation_id),
        E::SnapshotTaken {
            name,
            at,
            operation_id,
        } => value_set(name.as_ref(), *at, *operation_id),
        E::NameReleased { name, at } => value_set(name.as_ref(), *at, None),
        E::CapacityReleased { provider, at } => value_set(provider, *at, None),
        E::Migrated {
            from,
            to,
            at,
            operation_id,
        } => wire::DropletMigrated {
            from_provider: from.clone(),
            to_provider: to.clone(),
            at: Some(to_timestamp(*at)),
            operation_id: id_text(*operation_id),
        }
        .encode_to_vec(),
        E::TagsChanged { tags, at } => wire::DropletTagsChanged {
            tags: tags.clone(),
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec(),
        E::Deleted {
            at,
            purge_at,
            operation_id,
        } => wire::DropletDeleted {
            at: Some(to_timestamp(*at)),
            purge_at: Some(to_timestamp(*purge_at)),
            operation_id: id_text(*operation_id),
        }
        .encode_to_vec(),
    }
}

fn decode(event_type: &str, bytes: &[u8]) -> Result<DropletEvent, DecodeError> {
    use DropletEvent as E;
    let transition = || -> Result<Transition, DecodeError> {
        let e: wire::DropletTransitioned = payload(bytes)?;
        Ok((
            from_timestamp(e.at.as_ref(), "at")?,
            optional_uuid(&e.operation_id, "operation_id")?,
            optional_uuid(&e.superseded_operation_id, "superseded_operation_id")?,
        ))
    };
    let required = |op: Option<uuid::Uuid>| op.ok_or(DecodeError::Missing("operation_id"));
    Ok(match event_type {
        "droplet.creation_requested" => creation_requested(payload(bytes)?)?,
        "droplet.provisioned" => {
            let e: wire::DropletProvisioned = payload(bytes)?;
            let ipv4: Ipv4Addr = e.ipv4.parse().map_err(|_| DecodeError::Invalid("ipv4"))?;
            E::Provisioned {
                ipv4,
                at: from_timestamp(e.at.as_ref(), "at")?,
                operation_id: optional_uuid(&e.operation_id, "operation_id")?,
            }
        }
        "droplet.provisioning_failed" => {
            let e: wire::DropletProvisioningFailed = payload(bytes)?;
            E::ProvisioningFailed {
                reason: e.reason,
                at: from_timestamp(e.at.as_ref(), "at")?,
                operation_id: optional_uuid(&e.operation_id, "operation_id")?,
            }
        }
        "droplet.powered_off" => {
            transition().map(|(at, operation_id, _)| E::PoweredOff { at, operation_id })?
        }
        "droplet.shut_down" => {
            transition().map(|(at, operation_id, _)| E::ShutDown { at, operation_id })?
        }
        "droplet.powered_on" => {
            transition().map(|(at, operation_id, _)| E::PoweredOn { at, operation_id })?
        }
        "droplet.rebooted" => {
            transition().map(|(at, operation_id, _)| E::Rebooted { at, operation_id })?
        }
        "droplet.power_cycled" => {
            transition().map(|(at, operation_id, _)| E::PowerCycled { at, operation_id })?
        }
        "droplet.deletion_requested" => {
            transition().map(|(at, operation_id, superseded)| E::DeletionRequested {
                at,
                operation_id,
                superseded,
            })?
        }
        "droplet.drain_started" => transition().map(|(at, _, _)| E::DrainStarted { at })?,
        "droplet.purged" => transition().map(|(at, _, _)| E::Purged { at })?,
        "droplet.cancel_requested" => {
            let (at, op, _) = transition()?;
            E::CancelRequested {
                operation_id: required(op)?,
                at,
            }
        }
        "droplet.creation_cancelled" => {
            let (at, op, _) = transition()?;
            E::CreationCancelled {
                operation_id: required(op)?,
                at,
            }
        }
        "droplet.renamed" => {
            let e: wire::DropletRenamed = payload(bytes)?;
            E::Renamed {
                name: name(&e.name, "name")?,
                previous: optional_name(&e.previous, "previous")?,
                at: from_timestamp(e.at.as_ref(), "at")?,
                operation_id: optional_uuid(&e.operation_id, "operation_id")?,
            }
        }
        "droplet.resized" => {
            let e: wire::DropletResized = payload(bytes)?;
            E::Resized {
                size_slug: e.size_slug,
                vcpus: e.vcpus,
                memory_mb: e.memory_mb,
                disk_gb: e.disk_gb,
                at: from_timestamp(e.at.as_ref(), "at")?,
                operation_id: optional_uuid(&e.operation_id, "operation_id")?,
            }
        }
        "droplet.migrated" => {
            let e: wire::DropletMigrated = payload(bytes)?;
            E::Migrated {
                from: e.from_provider,
                to: e.to_provider,
                at: from_timestamp(e.at.as_ref(), "at")?,
                operation_id: optional_uuid(&e.operation_id, "operation_id")?,
            }
        }
        "droplet.rebuilt"
        | "droplet.snapshot_taken"
        | "droplet.name_released"
        | "droplet.capacity_released" => {
            let e: wire::DropletValueSet = payload(bytes)?;
            let at = from_timestamp(e.at.as_ref(), "at")?;
            let operation_id = optional_uuid(&e.operation_id, "operation_id")?;
            match event_type {
                "droplet.rebuilt" => E::Rebuilt {
                    image: e.value,
                    at,
                    operation_id,
                },
                "droplet.snapshot_taken" => E::SnapshotTaken {
                    name: name(&e.value, "value")?,
                    at,
                    operation_id,
                },
                "droplet.capacity_released" => E::CapacityReleased {
                    provider: e.value,
                    at,
                },
                _ => E::NameReleased {
                    name: name(&e.value, "value")?,
                    at,
                },
            }
        }
        "droplet.tags_changed" => {
            let e: wire::DropletTagsChanged = payload(bytes)?;
            E::TagsChanged {
                tags: e.tags,
                at: from_timestamp(e.at.as_ref(), "at")?,
            }
        }
        "droplet.deleted" => {
            let e: wire::DropletDeleted = payload(bytes)?;
            E::Deleted {
                at: from_timestamp(e.at.as_ref(), "at")?,
                purge_at: from_timestamp(e.purge_at.as_ref(), "purge_at")?,
                operation_id: optional_uuid(&e.operation_id, "operation_id")?,
            }
        }
        other => return Err(unknown(other, SCHEMA_VERSION)),
    })
}

fn creation_requested(e: wire::DropletCreationRequested) -> Result<DropletEvent, DecodeError> {
    let node_of = match e.node_of {
        Some(n) => Some(NodeOf {
            cluster_id: uuid(&n.cluster_id, "node_of.cluster_id")?,
            node_pool_id: uuid(&n.node_pool_id, "node_of.node_pool_id")?,
        }),
        None => None,
    };
    Ok(DropletEvent::CreationRequested(CreationRequested {
        id: uuid(&e.id, "id")?,
        owner: e.owner,
        name: name(&e.name, "name")?,
        region: e.region,
        size_slug: e.size_slug,
        image: e.image,
        vcpus: e.vcpus,
        memory_mb: e.memory_mb,
        disk_gb: e.disk_gb,
        tags: e.tags,
        node_of,
        provider: e.provider,
        operation_id: optional_uuid(&e.operation_id, "operation_id")?,
        at: from_timestamp(e.at.as_ref(), "at")?,
    }))
}
