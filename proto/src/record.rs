//! Encoding and decoding of whole log records, event ids, and the Kafka header values
//! that let tools route without decoding. Decoding never panics: bad bytes are a
//! `DecodeError` that the caller parks.

use domain::log_validity::WriterClaim;
use prost::Message;
use uuid::Uuid;

use crate::wire::{self, log_record::Record};

/// Value of the `cg-schema` header.
pub const SCHEMA: &str = "clustergenie.v1";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("protobuf: {0}")]
    Protobuf(String),
    #[error("record has no body")]
    Empty,
    #[error("field {0} is missing")]
    Missing(&'static str),
    #[error("field {0} is invalid")]
    Invalid(&'static str),
    #[error("unknown event type {event_type} (schema version {schema_version})")]
    UnknownEvent {
        event_type: String,
        schema_version: u32,
    },
}

pub fn encode_record(record: &wire::LogRecord) -> Vec<u8> {
    record.encode_to_vec()
}

pub fn decode_record(bytes: &[u8]) -> Result<Record, DecodeError> {
    let record =
        wire::LogRecord::decode(bytes).map_err(|e| DecodeError::Protobuf(e.to_string()))?;
    record.record.ok_or(DecodeError::Empty)
}

/// UUIDv5(command id, index): a command re-sent after a crash yields the same event ids.
pub fn event_id(command_id: Uuid, index: usize) -> Uuid {
    Uuid::new_v5(&command_id, index.to_string().as_bytes())
}

pub fn writer_claim_to_wire(claim: &WriterClaim) -> wire::WriterClaim {
    wire::WriterClaim {
        epoch: claim.epoch,
        writer_id: claim.writer_id.clone(),
    }
}

pub fn writer_claim_from_wire(
    claim: Option<&wire::WriterClaim>,
) -> Result<WriterClaim, DecodeError> {
    let claim = claim.ok_or(DecodeError::Missing("header.claim"))?;
    Ok(WriterClaim {
        epoch: claim.epoch,
        writer_id: claim.writer_id.clone(),
    })
}

/// The `cg-*` header values for a record: (`cg-record`, `cg-aggregate-type`,
/// `cg-event-types`), the last two empty for claims.
pub fn header_values(record: &Record) -> (&'static str, String, String) {
    match record {
        Record::Claim(_) => ("ownership_claim", String::new(), String::new()),
        Record::Batch(batch) => {
            let aggregate = batch
                .header
                .as_ref()
                .map(|h| h.aggregate_type.clone())
                .unwrap_or_default();
            let types: Vec<&str> = batch.events.iter().map(|e| e.r#type.as_str()).collect();
            ("event_batch", aggregate, types.join(","))
        }
    }
}
