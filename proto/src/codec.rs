//! The one seam between domain events and their wire form: `WireEvent`, implemented once
//! per aggregate's event type in this crate, and the helpers every implementation shares
//! (ids, optional ids, payload decoding). An unknown event type or version is a
//! `DecodeError` that readers park — never a guess.

use domain::record::RawEvent;
use prost::Message;
use uuid::Uuid;

use crate::DecodeError;

/// An event in its wire form: (type name, schema version, payload).
pub type Encoded = (String, u32, Vec<u8>);

/// A domain event type with a stable wire form.
pub trait WireEvent: Sized {
    fn encode(&self) -> Encoded;
    fn decode(event_type: &str, schema_version: u32, payload: &[u8]) -> Result<Self, DecodeError>;
}

/// The raw events of one command, with ids UUIDv5(command id, index).
pub fn encode_events<E: WireEvent>(command_id: Uuid, events: &[E]) -> Vec<RawEvent> {
    events
        .iter()
        .enumerate()
        .map(|(index, event)| {
            let (event_type, schema_version, payload) = event.encode();
            RawEvent {
                event_type,
                schema_version,
                event_id: event_id(command_id, index),
                payload,
            }
        })
        .collect()
}

/// Decodes every event of a batch, or reports the first that cannot be decoded.
pub fn decode_events<E: WireEvent>(raw: &[RawEvent]) -> Result<Vec<E>, DecodeError> {
    raw.iter()
        .map(|e| E::decode(&e.event_type, e.schema_version, &e.payload))
        .collect()
}

/// UUIDv5(command id, index): a command re-sent after a crash yields the same event ids.
pub fn event_id(command_id: Uuid, index: usize) -> Uuid {
    Uuid::new_v5(&command_id, index.to_string().as_bytes())
}

pub(crate) fn payload<M: Message + Default>(bytes: &[u8]) -> Result<M, DecodeError> {
    M::decode(bytes).map_err(|e| DecodeError::Protobuf(e.to_string()))
}

pub(crate) fn uuid(raw: &str, field: &'static str) -> Result<Uuid, DecodeError> {
    Uuid::parse_str(raw).map_err(|_| DecodeError::Invalid(field))
}

/// An optional id travels as an empty string when absent.
pub(crate) fn optional_uuid(raw: &str, field: &'static str) -> Result<Option<Uuid>, DecodeError> {
    if raw.is_empty() {
        return Ok(None);
    }
    uuid(raw, field).map(Some)
}

pub(crate) fn id_text(id: Option<Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

pub(crate) fn name(
    raw: &str,
    field: &'static str,
) -> Result<domain::name::ResourceName, DecodeError> {
    domain::name::ResourceName::parse(raw).map_err(|_| DecodeError::Invalid(field))
}

pub(crate) fn optional_name(
    raw: &str,
    field: &'static str,
) -> Result<Option<domain::name::ResourceName>, DecodeError> {
    if raw.is_empty() {
        return Ok(None);
    }
    name(raw, field).map(Some)
}

pub(crate) fn unknown(event_type: &str, schema_version: u32) -> DecodeError {
    DecodeError::UnknownEvent {
        event_type: event_type.to_owned(),
        schema_version,
    }
}
