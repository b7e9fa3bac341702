//! Job queue control events to and from the wire, schema version 1.

use domain::queue::QueueEvent;
use prost::Message;

use crate::DecodeError;
use crate::codec::{Encoded, WireEvent, payload, unknown, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

impl WireEvent for QueueEvent {
    const TYPES: &'static [(&'static str, u32)] = &[
        ("job_queue.paused", SCHEMA_VERSION),
        ("job_queue.resumed", SCHEMA_VERSION),
    ];

    fn encode(&self) -> Encoded {
        let (QueueEvent::Paused { id, name, by, at } | QueueEvent::Resumed { id, name, by, at }) =
            self;
        let bytes = wire::JobQueueChanged {
            id: id.to_string(),
            name: name.clone(),
            by: by.clone(),
            at: Some(to_timestamp(*at)),
        }
        .encode_to_vec();
        (self.type_name().to_owned(), SCHEMA_VERSION, bytes)
    }

    fn decode(event_type: &str, schema_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        if schema_version != SCHEMA_VERSION {
            return Err(unknown(event_type, schema_version));
        }
        let e: wire::JobQueueChanged = payload(bytes)?;
        let (id, name, by) = (uuid(&e.id, "id")?, e.name, e.by);
        let at = from_timestamp(e.at.as_ref(), "at")?;
        match event_type {
            "job_queue.paused" => Ok(Self::Paused { id, name, by, at }),
            "job_queue.resumed" => Ok(Self::Resumed { id, name, by, at }),
            other => Err(unknown(other, schema_version)),
        }
    }
}
