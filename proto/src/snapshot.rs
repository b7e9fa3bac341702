//! Partition snapshots of command-api's write model to and from bytes: the typed
//! `PartitionImage` (validity-rule state, every aggregate's state as its codec's bytes,
//! quarantined aggregates, confirmed Idempotency-Key outcomes) and the `Manifest` that
//! names a stored snapshot. Pure conversion: it neither stores nor checks checksums, and
//! it never decodes an aggregate's state (that is the aggregate's `WireState`).

use chrono::{DateTime, Utc};
use domain::log_validity::WriterClaim;
use domain::record::StoredResponse;
use prost::Message;
use uuid::Uuid;

use crate::DecodeError;
use crate::codec::{payload, uuid};
use crate::record::{stored_response, stored_response_to_wire};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

/// Which partition of which topic a snapshot covers, and up to where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub topic: String,
    pub partition: i32,
    pub partition_count: i32,
    /// The first offset not covered: restore resumes reading here.
    pub next_offset: i64,
}

/// One aggregate's state as its type's `WireState` encoded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedState {
    pub id: Uuid,
    pub aggregate_type: String,
    pub state_version: u32,
    pub bytes: Vec<u8>,
}

/// An Idempotency-Key outcome confirmed in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedKey {
    pub scope: String,
    pub fingerprint: String,
    pub response: StoredResponse,
    pub offset: i64,
    pub recorded_at: DateTime<Utc>,
}

/// The complete write model of one partition at `coverage.next_offset`. Lists are kept
/// in the order given; writers sort them so equal models encode to equal bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionImage {
    pub coverage: Coverage,
    pub claim: Option<WriterClaim>,
    pub highest_epoch: u64,
    pub versions: Vec<(Uuid, u64)>,
    pub aggregates: Vec<EncodedState>,
    pub quarantined: Vec<(Uuid, String)>,
    pub completed_keys: Vec<CompletedKey>,
}

/// What the manifest record says about a stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub snapshot_id: Uuid,
    pub coverage: Coverage,
    pub claim: Option<WriterClaim>,
    pub chunk_count: u32,
    /// SHA-256 of the encoded image, hex.
    pub sha256: String,
    pub byte_length: u64,
    pub taken_at: DateTime<Utc>,
}

fn claim_to_wire(claim: Option<&WriterClaim>) -> Option<wire::WriterClaim> {
    claim.map(|c| wire::WriterClaim {
        epoch: c.epoch,
        writer_id: c.writer_id.clone(),
    })
}

fn claim_from_wire(claim: Option<wire::WriterClaim>) -> Option<WriterClaim> {
    claim.map(|c| WriterClaim {
        epoch: c.epoch,
        writer_id: c.writer_id,
    })
}

pub fn encode_image(image: &PartitionImage) -> Vec<u8> {
    let c = &image.coverage;
    wire::PartitionSnapshot {
        topic: c.topic.clone(),
        partition: c.partition,
        partition_count: c.partition_count,
        next_offset: c.next_offset,
        claim: claim_to_wire(image.claim.as_ref()),
        highest_epoch: image.highest_epoch,
        versions: image
            .versions
            .iter()
            .map(|(id, version)| wire::AggregateVersion {
                id: id.to_string(),
                version: *version,
            })
            .collect(),
        aggregates: image
            .aggregates
            .iter()
            .map(|a| wire::AggregateSnapshot {
                id: a.id.to_string(),
                aggregate_type: a.aggregate_type.clone(),
                state_version: a.state_version,
                state: a.bytes.clone(),
            })
            .collect(),
        quarantined: image
            .quarantined
            .iter()
            .map(|(id, reason)| wire::QuarantinedAggregate {
                id: id.to_string(),
                reason: reason.clone(),
            })
            .collect(),
        completed_keys: image.completed_keys.iter().map(completed_to_wire).collect(),
    }
    .encode_to_vec()
}

fn completed_to_wire(k: &CompletedKey) -> wire::CompletedKey {
    wire::CompletedKey {
        scope: k.scope.clone(),
        fingerprint: k.fingerprint.clone(),
        response: Some(stored_response_to_wire(&k.response)),
        offset: k.offset,
        recorded_at: Some(to_timestamp(k.recorded_at)),
    }
}

pub fn decode_image(bytes: &[u8]) -> Result<PartitionImage, DecodeError> {
    let s: wire::PartitionSnapshot = payload(bytes)?;
    let versions = s
        .versions
        .into_iter()
        .map(|v| Ok((uuid(&v.id, "versions.id")?, v.version)))
        .collect::<Result<_, DecodeError>>()?;
    let aggregates = s
        .aggregates
        .into_iter()
        .map(|a| {
            Ok(EncodedState {
                id: uuid(&a.id, "aggregates.id")?,
                aggregate_type: a.aggregate_type,
                state_version: a.state_version,
                bytes: a.state,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    let quarantined = s
        .quarantined
        .into_iter()
        .map(|q| Ok((uuid(&q.id, "quarantined.id")?, q.reason)))
        .collect::<Result<_, DecodeError>>()?;
    let completed_keys = s
        .completed_keys
        .into_iter()
        .map(|k| {
            Ok(CompletedKey {
                response: stored_response(k.response.ok_or(DecodeError::Missing("response"))?)?,
                recorded_at: from_timestamp(k.recorded_at.as_ref(), "recorded_at")?,
                scope: k.scope,
                fingerprint: k.fingerprint,
                offset: k.offset,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(PartitionImage {
        coverage: Coverage {
            topic: s.topic,
            partition: s.partition,
            partition_count: s.partition_count,
            next_offset: s.next_offset,
        },
        claim: claim_from_wire(s.claim),
        highest_epoch: s.highest_epoch,
        versions,
        aggregates,
        quarantined,
        completed_keys,
    })
}

pub fn encode_manifest(m: &Manifest) -> Vec<u8> {
    wire::SnapshotManifest {
        snapshot_id: m.snapshot_id.to_string(),
        topic: m.coverage.topic.clone(),
        partition: m.coverage.partition,
        partition_count: m.coverage.partition_count,
        next_offset: m.coverage.next_offset,
        claim: claim_to_wire(m.claim.as_ref()),
        chunk_count: m.chunk_count,
        sha256: m.sha256.clone(),
        byte_length: m.byte_length,
        taken_at: Some(to_timestamp(m.taken_at)),
    }
    .encode_to_vec()
}

pub fn decode_manifest(bytes: &[u8]) -> Result<Manifest, DecodeError> {
    let m: wire::SnapshotManifest = payload(bytes)?;
    Ok(Manifest {
        snapshot_id: uuid(&m.snapshot_id, "snapshot_id")?,
        coverage: Coverage {
            topic: m.topic,
            partition: m.partition,
            partition_count: m.partition_count,
            next_offset: m.next_offset,
        },
        claim: claim_from_wire(m.claim),
        chunk_count: m.chunk_count,
        sha256: m.sha256,
        byte_length: m.byte_length,
        taken_at: from_timestamp(m.taken_at.as_ref(), "taken_at")?,
    })
}
