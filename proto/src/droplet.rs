//! Droplet events to and from the wire. Each event type has a stable name and a schema
//! version; an unknown pair is a decode error (parked by readers), never a guess.

use std::net::Ipv4Addr;

use domain::droplet::{CreationRequested, DropletEvent, DropletName};
use prost::Message;
use uuid::Uuid;

use crate::DecodeError;
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

/// Encodes one event as (type, schema version, payload).
pub fn encode_droplet_event(event: &DropletEvent) -> (String, u32, Vec<u8>) {
    let payload = match event {
        DropletEvent::CreationRequested(c) => wire::DropletCreationRequested {
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
        }
        .encode_to_vec(),
        DropletEvent::Provisioned { ipv4, at } => wire::DropletProvisioned {
            ipv4: ipv4.to_string(),
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec(),
        DropletEvent::ProvisioningFailed { reason, at } => wire::DropletProvisioningFailed {
            reason: reason.clone(),
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec(),
        DropletEvent::PoweredOff { at }
        | DropletEvent::PoweredOn { at }
        | DropletEvent::Rebooted { at }
        | DropletEvent::DeletionRequested { at } => wire::DropletTransitioned {
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec(),
        DropletEvent::Renamed { name, at } => wire::DropletRenamed {
            name: name.to_string(),
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec(),
        DropletEvent::Deleted { at, purge_at } => wire::DropletDeleted {
            at: Some(to_timestamp(*at)),
            purge_at: Some(to_timestamp(*purge_at)),
        }
        .encode_to_vec(),
    };
    (event.type_name().to_owned(), SCHEMA_VERSION, payload)
}

/// Decodes one event from its type, schema version and payload.
pub fn decode_droplet_event(
    event_type: &str,
    schema_version: u32,
    payload: &[u8],
) -> Result<DropletEvent, DecodeError> {
    if schema_version != SCHEMA_VERSION {
        return Err(unknown(event_type, schema_version));
    }
    match event_type {
        "droplet.creation_requested" => creation_requested(decode(payload)?),
        "droplet.provisioned" => {
            let e: wire::DropletProvisioned = decode(payload)?;
            let ipv4: Ipv4Addr = e.ipv4.parse().map_err(|_| DecodeError::Invalid("ipv4"))?;
            Ok(DropletEvent::Provisioned {
                ipv4,
                at: from_timestamp(e.at.as_ref(), "at")?,
            })
        }
        "droplet.provisioning_failed" => {
            let e: wire::DropletProvisioningFailed = decode(payload)?;
            Ok(DropletEvent::ProvisioningFailed {
                reason: e.reason,
                at: from_timestamp(e.at.as_ref(), "at")?,
            })
        }
        "droplet.powered_off" => Ok(DropletEvent::PoweredOff {
            at: transition_time(payload)?,
        }),
        "droplet.powered_on" => Ok(DropletEvent::PoweredOn {
            at: transition_time(payload)?,
        }),
        "droplet.rebooted" => Ok(DropletEvent::Rebooted {
            at: transition_time(payload)?,
        }),
        "droplet.deletion_requested" => Ok(DropletEvent::DeletionRequested {
            at: transition_time(payload)?,
        }),
        "droplet.renamed" => {
            let e: wire::DropletRenamed = decode(payload)?;
            let name = DropletName::parse(&e.name).map_err(|_| DecodeError::Invalid("name"))?;
            Ok(DropletEvent::Renamed {
                name,
                at: from_timestamp(e.at.as_ref(), "at")?,
            })
        }
        "droplet.deleted" => {
            let e: wire::DropletDeleted = decode(payload)?;
            Ok(DropletEvent::Deleted {
                at: from_timestamp(e.at.as_ref(), "at")?,
                purge_at: from_timestamp(e.purge_at.as_ref(), "purge_at")?,
            })
        }
        other => Err(unknown(other, schema_version)),
    }
}

fn creation_requested(e: wire::DropletCreationRequested) -> Result<DropletEvent, DecodeError> {
    Ok(DropletEvent::CreationRequested(CreationRequested {
        id: Uuid::parse_str(&e.id).map_err(|_| DecodeError::Invalid("id"))?,
        owner: e.owner,
        name: DropletName::parse(&e.name).map_err(|_| DecodeError::Invalid("name"))?,
        region: e.region,
        size_slug: e.size_slug,
        image: e.image,
        vcpus: e.vcpus,
        memory_mb: e.memory_mb,
        disk_gb: e.disk_gb,
        tags: e.tags,
        at: from_timestamp(e.at.as_ref(), "at")?,
    }))
}

fn transition_time(payload: &[u8]) -> Result<chrono::DateTime<chrono::Utc>, DecodeError> {
    let e: wire::DropletTransitioned = decode(payload)?;
    from_timestamp(e.at.as_ref(), "at")
}

fn decode<M: Message + Default>(payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Protobuf(e.to_string()))
}

fn unknown(event_type: &str, schema_version: u32) -> DecodeError {
    DecodeError::UnknownEvent {
        event_type: event_type.to_owned(),
        schema_version,
    }
}
