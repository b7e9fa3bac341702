//! Provider events to and from the wire, schema version 1 (round trip and golden bytes:
//! `tests/provider_wire.rs`, `tests/fixtures/events/provider.txt`). Only the conversion.

use domain::provider::{ProviderEvent, Spec};
use prost::Message;

use crate::DecodeError;
use crate::codec::{Encoded, WireEvent, name, payload, unknown, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

impl WireEvent for ProviderEvent {
    const TYPES: &'static [(&'static str, u32)] = &[
        ("provider.registered", SCHEMA_VERSION),
        ("provider.updated", SCHEMA_VERSION),
        ("provider.deleted", SCHEMA_VERSION),
        ("provider.capacity_reserved", SCHEMA_VERSION),
        ("provider.capacity_released", SCHEMA_VERSION),
    ];

    fn encode(&self) -> Encoded {
        let bytes = match self {
            Self::Registered { id, name, spec, at } => wire::ProviderRegistered {
                id: id.to_string(),
                name: name.to_string(),
                spec: Some(spec_to_wire(spec)),
                at: Some(to_timestamp(*at)),
            }
            .encode_to_vec(),
            Self::Updated { spec, at } => wire::ProviderUpdated {
                spec: Some(spec_to_wire(spec)),
                at: Some(to_timestamp(*at)),
            }
            .encode_to_vec(),
            Self::Deleted { at } => wire::ProviderDeleted {
                at: Some(to_timestamp(*at)),
            }
            .encode_to_vec(),
            Self::CapacityReserved { droplet_id, at }
            | Self::CapacityReleased { droplet_id, at } => wire::ProviderCapacityChanged {
                droplet_id: droplet_id.to_string(),
                at: Some(to_timestamp(*at)),
            }
            .encode_to_vec(),
        };
        (self.type_name().to_owned(), SCHEMA_VERSION, bytes)
    }

    fn decode(event_type: &str, schema_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        if schema_version != SCHEMA_VERSION {
            return Err(unknown(event_type, schema_version));
        }
        match event_type {
            "provider.registered" => {
                let e: wire::ProviderRegistered = payload(bytes)?;
                Ok(Self::Registered {
                    id: uuid(&e.id, "id")?,
                    name: name(&e.name, "name")?,
                    spec: spec_from_wire(e.spec),
                    at: from_timestamp(e.at.as_ref(), "at")?,
                })
            }
            "provider.updated" => {
                let e: wire::ProviderUpdated = payload(bytes)?;
                Ok(Self::Updated {
                    spec: spec_from_wire(e.spec),
                    at: from_timestamp(e.at.as_ref(), "at")?,
                })
            }
            "provider.deleted" => {
                let e: wire::ProviderDeleted = payload(bytes)?;
                Ok(Self::Deleted {
                    at: from_timestamp(e.at.as_ref(), "at")?,
                })
            }
            "provider.capacity_reserved" | "provider.capacity_released" => {
                let e: wire::ProviderCapacityChanged = payload(bytes)?;
                let droplet_id = uuid(&e.droplet_id, "droplet_id")?;
                let at = from_timestamp(e.at.as_ref(), "at")?;
                Ok(if event_type == "provider.capacity_reserved" {
                    Self::CapacityReserved { droplet_id, at }
                } else {
                    Self::CapacityReleased { droplet_id, at }
                })
            }
            other => Err(unknown(other, schema_version)),
        }
    }
}

pub(crate) fn spec_to_wire(spec: &Spec) -> wire::ProviderSpec {
    wire::ProviderSpec {
        regions: spec.regions.clone(),
        classes: spec.classes.clone(),
        capacity: spec.capacity,
        price_hourly_override: spec.price_hourly_override,
    }
}

pub(crate) fn spec_from_wire(spec: Option<wire::ProviderSpec>) -> Spec {
    let spec = spec.unwrap_or_default();
    Spec {
        regions: spec.regions,
        classes: spec.classes,
        capacity: spec.capacity,
        price_hourly_override: spec.price_hourly_override,
    }
}
