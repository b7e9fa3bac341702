//! Name reservation events to and from the wire, schema version 1.

use domain::reservation::ReservationEvent;
use prost::Message;

use crate::DecodeError;
use crate::codec::{Encoded, WireEvent, name, payload, unknown, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

impl WireEvent for ReservationEvent {
    const TYPES: &'static [(&'static str, u32)] = &[
        ("name_reservation.reserved", SCHEMA_VERSION),
        ("name_reservation.confirmed", SCHEMA_VERSION),
        ("name_reservation.released", SCHEMA_VERSION),
    ];

    fn encode(&self) -> Encoded {
        let bytes = match self {
            Self::Reserved {
                owner,
                kind,
                name,
                holder_id,
                request_scope,
                at,
            } => wire::NameReserved {
                owner: owner.clone(),
                kind: kind.clone(),
                name: name.to_string(),
                holder_id: holder_id.to_string(),
                request_scope: request_scope.clone().unwrap_or_default(),
                at: Some(to_timestamp(*at)),
            }
            .encode_to_vec(),
            Self::Confirmed { holder_id, at } | Self::Released { holder_id, at } => {
                wire::NameHolderChanged {
                    holder_id: holder_id.to_string(),
                    at: Some(to_timestamp(*at)),
                }
                .encode_to_vec()
            }
        };
        (self.type_name().to_owned(), SCHEMA_VERSION, bytes)
    }

    fn decode(event_type: &str, schema_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        if schema_version != SCHEMA_VERSION {
            return Err(unknown(event_type, schema_version));
        }
        match event_type {
            "name_reservation.reserved" => {
                let e: wire::NameReserved = payload(bytes)?;
                Ok(Self::Reserved {
                    owner: e.owner,
                    kind: e.kind,
                    name: name(&e.name, "name")?,
                    holder_id: uuid(&e.holder_id, "holder_id")?,
                    request_scope: Some(e.request_scope).filter(|s| !s.is_empty()),
                    at: from_timestamp(e.at.as_ref(), "at")?,
                })
            }
            "name_reservation.confirmed" | "name_reservation.released" => {
                let e: wire::NameHolderChanged = payload(bytes)?;
                let holder_id = uuid(&e.holder_id, "holder_id")?;
                let at = from_timestamp(e.at.as_ref(), "at")?;
                Ok(if event_type.ends_with("confirmed") {
                    Self::Confirmed { holder_id, at }
                } else {
                    Self::Released { holder_id, at }
                })
            }
            other => Err(unknown(other, schema_version)),
        }
    }
}
