//! `project()`: one record of `cluster-events` applied inside the caller's transaction,
//! the single code path of the live projector and of replay. It decodes, applies the
//! log-validity rule (`domain::log_validity`, never a copy of it), folds valid batches
//! into the views, and parks what cannot be applied. It never commits and never talks
//! to Redis or Kafka.

use ::views::droplet::DropletRow;
use domain::Aggregate;
use domain::droplet::Droplet;
use domain::log_validity::{Ignored, WriterClaim, check_batch, check_claim};
use proto::wire::{EventBatch, OwnershipClaim, log_record::Record};
use sqlx::MySqlConnection;
use uuid::Uuid;

use crate::checkpoint::Checkpoint;
use crate::error::RecordError;
use crate::parked::{self, ParkedRecord};
use crate::workspace::{Decoded, Workspace};

/// What became of one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A valid claim became current (no change), or a valid batch changed a view.
    Applied(Option<Change>),
    /// The validity rule rejected the record.
    Ignored(Ignored),
    /// The record was parked with this reason.
    Parked(String),
}

/// A committed-to-be change of one cached resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: &'static str,
    pub id: String,
    pub version: u64,
    /// The row as cached in Redis.
    pub json: String,
}

/// Applies one record to the batch's workspace (parking it, if it must be parked, right
/// away). Only transient store failures are errors; the caller rolls back.
pub async fn project(
    conn: &mut MySqlConnection,
    projection: &str,
    ws: &mut Workspace,
    checkpoint: &mut Checkpoint,
    decoded: &Decoded<'_>,
) -> sqlx::Result<Outcome> {
    let result = match &decoded.record {
        Ok(Record::Claim(claim)) => Ok(observe_claim(checkpoint, claim)),
        Ok(Record::Batch(batch)) => apply_batch(ws, checkpoint, decoded.entry.partition, batch),
        Err(reason) => Err(RecordError::park(reason)),
    };
    match result {
        Ok(outcome) => Ok(outcome),
        Err(RecordError::Transient(error)) => Err(error),
        Err(RecordError::Park(reason)) => {
            park(conn, projection, ws, decoded, &reason).await?;
            Ok(Outcome::Parked(reason))
        }
    }
}

/// Parks one record with `reason`, and notes it so later records of its aggregate park
/// behind it.
pub async fn park(
    conn: &mut MySqlConnection,
    projection: &str,
    ws: &mut Workspace,
    decoded: &Decoded<'_>,
    reason: &str,
) -> sqlx::Result<()> {
    let aggregate_id = decoded.aggregate_id();
    let entry = decoded.entry;
    let record = ParkedRecord {
        partition: entry.partition,
        offset: entry.offset,
        aggregate_id: aggregate_id.as_deref(),
        reason,
        value: entry.value.as_deref(),
    };
    parked::park(&mut *conn, projection, record).await?;
    if let Some(id) = aggregate_id {
        // Later records of this aggregate park behind the first parked one.
        if let Some(first) = parked::first_for(conn, projection, &id).await? {
            ws.note_parked(&id, first);
        }
    }
    Ok(())
}

fn observe_claim(checkpoint: &mut Checkpoint, claim: &OwnershipClaim) -> Outcome {
    let claim = WriterClaim {
        epoch: claim.epoch,
        writer_id: claim.writer_id.clone(),
    };
    match check_claim(checkpoint.claim.as_ref(), &claim) {
        Ok(()) => {
            checkpoint.claim = Some(claim);
            Outcome::Applied(None)
        }
        Err(ignored) => Outcome::Ignored(ignored),
    }
}

fn apply_batch(
    ws: &mut Workspace,
    checkpoint: &Checkpoint,
    partition: i32,
    batch: &EventBatch,
) -> Result<Outcome, RecordError> {
    let header = batch
        .header
        .as_ref()
        .ok_or_else(|| RecordError::park("batch has no header"))?;
    let id = header.aggregate_id.as_str();
    if let Some(first) = ws.first_parked(id) {
        return Err(RecordError::park(format!(
            "blocked by parked record {first}"
        )));
    }
    let claim = proto::writer_claim_from_wire(header.claim.as_ref()).map_err(RecordError::park)?;
    if let Err(ignored) = check_batch(
        checkpoint.claim.as_ref(),
        &claim,
        ws.version(id),
        header.from_version,
    ) {
        return Ok(Outcome::Ignored(ignored));
    }
    fold_batch(ws, partition, header, &batch.events).map(|change| Outcome::Applied(Some(change)))
}

/// Folds a valid batch into its view; the workspace writes it at the end of the batch.
fn fold_batch(
    ws: &mut Workspace,
    partition: i32,
    header: &proto::wire::BatchHeader,
    events: &[proto::wire::Event],
) -> Result<Change, RecordError> {
    if header.aggregate_type != Droplet::NAME {
        let kind = &header.aggregate_type;
        return Err(RecordError::park(format!(
            "unknown aggregate type {kind:?}"
        )));
    }
    let id = Uuid::parse_str(&header.aggregate_id)
        .map_err(|_| RecordError::park("droplet id is not a UUID"))?;
    let events = events
        .iter()
        .map(|e| proto::decode_droplet_event(&e.r#type, e.schema_version, &e.payload))
        .collect::<Result<Vec<_>, _>>()
        .map_err(RecordError::park)?;
    let state = crate::views::droplet::fold(ws.droplet(id)?, header.from_version, &events)?;
    let row = DropletRow::from_state(&state).ok_or_else(|| RecordError::park("no droplet row"))?;
    let json = serde_json::to_string(&row).map_err(RecordError::park)?;
    let version = state.version;
    ws.put_droplet(partition, state);
    Ok(Change {
        kind: Droplet::NAME,
        id: header.aggregate_id.clone(),
        version,
        json,
    })
}
