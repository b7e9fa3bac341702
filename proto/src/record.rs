//! Whole log records to and from bytes — claims and event batches with their headers,
//! stored responses included — as the domain's typed `Record`; plus the Kafka header
//! values that let tools route without decoding. Decoding never panics: bad bytes are
//! a `DecodeError` the caller parks or quarantines.

use domain::log_validity::WriterClaim;
use domain::record::{
    Batch, BatchHeader, ClaimRecord, IdempotencyRecord, RawEvent, Record, StoredResponse,
};
use prost::Message;

use crate::codec::uuid;
use crate::time::{from_timestamp, to_timestamp};
use crate::wire::{self, log_record};

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

pub fn encode_record(record: &Record) -> Vec<u8> {
    let record = match record {
        Record::Claim(claim) => log_record::Record::Claim(wire::OwnershipClaim {
            epoch: claim.claim.epoch,
            writer_id: claim.claim.writer_id.clone(),
            advertised_url: claim.advertised_url.clone(),
            claimed_at: Some(to_timestamp(claim.claimed_at)),
        }),
        Record::Batch(batch) => log_record::Record::Batch(batch_to_wire(batch)),
    };
    wire::LogRecord {
        record: Some(record),
    }
    .encode_to_vec()
}

pub fn decode_record(bytes: &[u8]) -> Result<Record, DecodeError> {
    let record =
        wire::LogRecord::decode(bytes).map_err(|e| DecodeError::Protobuf(e.to_string()))?;
    match record.record.ok_or(DecodeError::Empty)? {
        log_record::Record::Claim(claim) => Ok(Record::Claim(ClaimRecord {
            claim: WriterClaim {
                epoch: claim.epoch,
                writer_id: claim.writer_id,
            },
            advertised_url: claim.advertised_url,
            claimed_at: from_timestamp(claim.claimed_at.as_ref(), "claimed_at")?,
        })),
        log_record::Record::Batch(batch) => batch_from_wire(batch).map(Record::Batch),
    }
}

fn batch_to_wire(batch: &Batch) -> wire::EventBatch {
    let h = &batch.header;
    wire::EventBatch {
        header: Some(wire::BatchHeader {
            aggregate_type: h.aggregate_type.clone(),
            aggregate_id: h.aggregate_id.to_string(),
            from_version: h.from_version,
            claim: Some(wire::WriterClaim {
                epoch: h.claim.epoch,
                writer_id: h.claim.writer_id.clone(),
            }),
            command_id: h.command_id.to_string(),
            command_name: h.command_name.clone(),
            principal: h.principal.clone(),
            idempotency: h.idempotency.as_ref().map(|i| wire::IdempotencyRecord {
                key: i.key.clone(),
                scope: i.scope.clone(),
                fingerprint: i.fingerprint.clone(),
                response: Some(stored_response_to_wire(&i.response)),
            }),
            recorded_at: Some(to_timestamp(h.recorded_at)),
            correlation_id: h.correlation_id.clone(),
            causation_id: h.causation_id.clone(),
            traceparent: h.traceparent.clone(),
            tracestate: h.tracestate.clone(),
            owner: h.owner.clone(),
        }),
        events: batch
            .events
            .iter()
            .map(|e| wire::Event {
                r#type: e.event_type.clone(),
                schema_version: e.schema_version,
                event_id: e.event_id.to_string(),
                payload: e.payload.clone(),
            })
            .collect(),
    }
}

fn batch_from_wire(batch: wire::EventBatch) -> Result<Batch, DecodeError> {
    let h = batch.header.ok_or(DecodeError::Missing("header"))?;
    let claim = h.claim.ok_or(DecodeError::Missing("header.claim"))?;
    let idempotency = match h.idempotency {
        Some(i) => Some(IdempotencyRecord {
            key: i.key,
            scope: i.scope,
            fingerprint: i.fingerprint,
            response: stored_response(
                i.response
                    .ok_or(DecodeError::Missing("idempotency.response"))?,
            )?,
        }),
        None => None,
    };
    let header = BatchHeader {
        aggregate_type: h.aggregate_type,
        aggregate_id: uuid(&h.aggregate_id, "header.aggregate_id")?,
        from_version: h.from_version,
        claim: WriterClaim {
            epoch: claim.epoch,
            writer_id: claim.writer_id,
        },
        command_id: uuid(&h.command_id, "header.command_id")?,
        command_name: h.command_name,
        principal: h.principal,
        owner: h.owner,
        idempotency,
        recorded_at: from_timestamp(h.recorded_at.as_ref(), "header.recorded_at")?,
        correlation_id: h.correlation_id,
        causation_id: h.causation_id,
        traceparent: h.traceparent,
        tracestate: h.tracestate,
    };
    let events = batch
        .events
        .into_iter()
        .map(|e| {
            Ok(RawEvent {
                event_type: e.r#type,
                schema_version: e.schema_version,
                event_id: uuid(&e.event_id, "event.event_id")?,
                payload: e.payload,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(Batch { header, events })
}

pub(crate) fn stored_response_to_wire(r: &StoredResponse) -> wire::StoredResponse {
    wire::StoredResponse {
        status: u32::from(r.status),
        headers: r.headers.iter().cloned().collect(),
        body: r.body.clone(),
    }
}

pub(crate) fn stored_response(r: wire::StoredResponse) -> Result<StoredResponse, DecodeError> {
    let status = u16::try_from(r.status).map_err(|_| DecodeError::Invalid("response.status"))?;
    let mut headers: Vec<(String, String)> = r.headers.into_iter().collect();
    headers.sort();
    Ok(StoredResponse {
        status,
        headers,
        body: r.body,
    })
}

/// The `cg-*` header values for a record: (`cg-record`, `cg-aggregate-type`,
/// `cg-event-types`), the last two empty for claims.
pub fn header_values(record: &Record) -> (&'static str, String, String) {
    match record {
        Record::Claim(_) => ("ownership_claim", String::new(), String::new()),
        Record::Batch(batch) => {
            let types: Vec<&str> = batch.events.iter().map(|e| e.event_type.as_str()).collect();
            (
                "event_batch",
                batch.header.aggregate_type.clone(),
                types.join(","),
            )
        }
    }
}
