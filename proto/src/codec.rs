//! The one seam between domain events and their wire form: `WireEvent`, implemented once
//! per aggregate's event type in this crate, the upcaster seam every decode goes through
//! (`decode_event`: an older schema version is upcast, step by step, to the version
//! written today before it is decoded), and the helpers every implementation shares
//! (ids, optional ids, payload decoding). An unknown event type or version is a
//! `DecodeError` that readers park — never a guess.

use std::borrow::Cow;

use domain::record::RawEvent;
use prost::Message;
use uuid::Uuid;

use crate::DecodeError;

/// An event in its wire form: (type name, schema version, payload).
pub type Encoded = (String, u32, Vec<u8>);

/// One upcasting step: a payload of the older version → (type name, payload) of the next.
pub type UpcastFn = fn(&[u8]) -> Result<(String, Vec<u8>), DecodeError>;

/// Rewrites a payload of `event_type` at `from_version` into the next version's form
/// (possibly under a new type name). A semantic change of an event is a new version plus
/// one of these; a payload is never reinterpreted in place.
#[derive(Debug, Clone, Copy)]
pub struct Upcaster {
    pub event_type: &'static str,
    pub from_version: u32,
    pub upcast: UpcastFn,
}

/// A domain event type with a stable wire form.
pub trait WireEvent: Sized {
    /// Every (event type, schema version) this codec decodes today, i.e. what it writes.
    /// Anything else must be upcast to one of these first; golden fixtures exist for each
    /// (`tests/fixtures/events`).
    const TYPES: &'static [(&'static str, u32)];
    /// The upcasters of older versions; empty while no event has changed meaning.
    const UPCASTERS: &'static [Upcaster] = &[];
    fn encode(&self) -> Encoded;
    fn decode(event_type: &str, schema_version: u32, payload: &[u8]) -> Result<Self, DecodeError>;
}

/// Upcasting never runs longer than this many steps (a cycle is a bug, not a hang).
const MAX_UPCASTS: usize = 64;

/// Decodes one event of any version ever written: upcast to a current (type, version),
/// then decoded by the type's codec.
pub fn decode_event<E: WireEvent>(
    event_type: &str,
    schema_version: u32,
    payload: &[u8],
) -> Result<E, DecodeError> {
    let (mut event_type, mut version) = (Cow::Borrowed(event_type), schema_version);
    let mut payload = Cow::Borrowed(payload);
    for _ in 0..MAX_UPCASTS {
        if E::TYPES.contains(&(event_type.as_ref(), version)) {
            return E::decode(&event_type, version, &payload);
        }
        let Some(step) = E::UPCASTERS
            .iter()
            .find(|u| u.event_type == event_type && u.from_version == version)
        else {
            break;
        };
        let (next_type, next_payload) = (step.upcast)(&payload)?;
        (event_type, version) = (Cow::Owned(next_type), version + 1);
        payload = Cow::Owned(next_payload);
    }
    Err(unknown(&event_type, version))
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
        .map(|e| decode_event(&e.event_type, e.schema_version, &e.payload))
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
