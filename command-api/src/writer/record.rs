//! Building the Kafka records the writer appends: event batches stamped with the claim
//! and the idempotency record, and ownership claims; plus their `cg-*` headers and the
//! W3C trace context (`traceparent`, `tracestate`) of the command that made them. Pure
//! construction through `proto`: it never sends anything.

use chrono::{DateTime, Utc};
use domain::log_validity::WriterClaim;
use domain::record::{
    Batch, BatchHeader, ClaimRecord, IdempotencyRecord, RawEvent, Record, StoredResponse,
};
use platform::telemetry::context::{TRACEPARENT, TRACESTATE, TraceHeaders};
use rdkafka::message::{Header, OwnedHeaders};
use uuid::Uuid;

use super::types::IdempotencyRequest;

/// Key of ownership-claim records (they go to an explicit partition).
pub const CLAIM_KEY: &str = "claim";

/// Everything the batch header records about one command.
pub struct BatchMeta<'a> {
    pub kind: &'static str,
    pub aggregate_id: Uuid,
    pub from_version: u64,
    pub claim: &'a WriterClaim,
    pub command_id: Uuid,
    pub command_name: &'a str,
    pub principal: &'a str,
    pub owner: &'a str,
    pub idempotency: Option<(&'a IdempotencyRequest, &'a StoredResponse)>,
    pub recorded_at: DateTime<Utc>,
    pub correlation_id: Option<&'a str>,
    /// The command span's context, also in the record's Kafka headers.
    pub trace: Option<&'a TraceHeaders>,
}

pub fn batch(meta: &BatchMeta<'_>, events: Vec<RawEvent>) -> Record {
    let idempotency = meta.idempotency.map(|(idem, response)| IdempotencyRecord {
        key: idem.key.clone(),
        scope: idem.scope.clone(),
        fingerprint: idem.fingerprint.clone(),
        response: response.clone(),
    });
    let command_id = meta.command_id.to_string();
    Record::Batch(Batch {
        header: BatchHeader {
            aggregate_type: meta.kind.to_owned(),
            aggregate_id: meta.aggregate_id,
            from_version: meta.from_version,
            claim: meta.claim.clone(),
            command_id: meta.command_id,
            command_name: meta.command_name.to_owned(),
            principal: meta.principal.to_owned(),
            owner: meta.owner.to_owned(),
            idempotency,
            recorded_at: meta.recorded_at,
            correlation_id: meta.correlation_id.map_or(command_id, str::to_owned),
            causation_id: String::new(),
            traceparent: meta
                .trace
                .map(|t| t.traceparent.clone())
                .unwrap_or_default(),
            tracestate: meta.trace.map(|t| t.tracestate.clone()).unwrap_or_default(),
        },
        events,
    })
}

pub fn claim(claim: &WriterClaim, advertised_url: &str, at: DateTime<Utc>) -> Record {
    Record::Claim(ClaimRecord {
        claim: claim.clone(),
        advertised_url: advertised_url.to_owned(),
        claimed_at: at,
    })
}

/// Encodes a record, its routing headers and the trace context it was appended in.
pub fn encode(record: &Record, trace: Option<&TraceHeaders>) -> (Vec<u8>, OwnedHeaders) {
    let (kind, aggregate_type, event_types) = proto::header_values(record);
    let mut headers = OwnedHeaders::new()
        .insert(Header {
            key: "cg-record",
            value: Some(kind),
        })
        .insert(Header {
            key: "cg-schema",
            value: Some(proto::SCHEMA),
        });
    if !aggregate_type.is_empty() {
        headers = headers
            .insert(Header {
                key: "cg-aggregate-type",
                value: Some(aggregate_type.as_str()),
            })
            .insert(Header {
                key: "cg-event-types",
                value: Some(event_types.as_str()),
            });
    }
    if let Some(trace) = trace {
        headers = headers.insert(Header {
            key: TRACEPARENT,
            value: Some(trace.traceparent.as_str()),
        });
        if !trace.tracestate.is_empty() {
            headers = headers.insert(Header {
                key: TRACESTATE,
                value: Some(trace.tracestate.as_str()),
            });
        }
    }
    (proto::encode_record(record), headers)
}
