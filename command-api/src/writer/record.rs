//! Building the Kafka records the writer appends: event batches stamped with the claim
//! and the idempotency record, and ownership claims; plus their `cg-*` headers. Pure
//! construction through `proto`: it never sends anything.

use chrono::{DateTime, Utc};
use domain::log_validity::WriterClaim;
use domain::record::{
    Batch, BatchHeader, ClaimRecord, IdempotencyRecord, RawEvent, Record, StoredResponse,
};
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
    pub traceparent: Option<&'a str>,
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
            traceparent: meta.traceparent.unwrap_or_default().to_owned(),
            tracestate: String::new(),
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

/// Encodes a record and its routing headers.
pub fn encode(record: &Record, traceparent: Option<&str>) -> (Vec<u8>, OwnedHeaders) {
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
    if let Some(traceparent) = traceparent.filter(|t| !t.is_empty()) {
        headers = headers.insert(Header {
            key: "traceparent",
            value: Some(traceparent),
        });
    }
    (proto::encode_record(record), headers)
}
