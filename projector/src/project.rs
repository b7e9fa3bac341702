//! `project()`: one record of `cluster-events` applied inside the caller's transaction,
//! the single code path of the live projector and of replay. It decodes, applies the
//! log-validity rule (`domain::log_validity`, never a copy of it), folds valid batches
//! into the views, and parks what cannot be applied. It never commits and never talks
//! to Redis or Kafka.

use domain::Aggregate;
use domain::droplet::Droplet;
use domain::log_validity::{Ignored, WriterClaim, check_batch, check_claim};
use platform::kafka::LogEntry;
use proto::wire::{EventBatch, OwnershipClaim, log_record::Record};
use sqlx::{Connection, MySqlConnection};
use uuid::Uuid;

use crate::checkpoint::Checkpoint;
use crate::error::RecordError;
use crate::parked::{self, ParkedRecord};
use crate::{aggregates, views};

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

/// Applies one record. Only transient store failures are errors; the caller rolls back.
pub async fn project(
    conn: &mut MySqlConnection,
    projection: &str,
    checkpoint: &mut Checkpoint,
    entry: &LogEntry,
) -> sqlx::Result<Outcome> {
    let mut aggregate_id = key_aggregate(entry);
    let result = match decode(entry) {
        Ok(Record::Claim(claim)) => Ok(observe_claim(checkpoint, &claim)),
        Ok(Record::Batch(batch)) => {
            if let Some(header) = &batch.header {
                aggregate_id = Some(header.aggregate_id.clone());
            }
            apply_batch(conn, projection, checkpoint, entry.partition, &batch).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(outcome) => Ok(outcome),
        Err(RecordError::Transient(error)) => Err(error),
        Err(RecordError::Park(reason)) => {
            let record = ParkedRecord {
                partition: entry.partition,
                offset: entry.offset,
                aggregate_id: aggregate_id.as_deref(),
                reason: &reason,
                value: entry.value.as_deref(),
            };
            parked::park(conn, projection, record).await?;
            Ok(Outcome::Parked(reason))
        }
    }
}

/// The aggregate a record is keyed by, before anything is decoded.
fn key_aggregate(entry: &LogEntry) -> Option<String> {
    let key = std::str::from_utf8(entry.key.as_deref()?).ok()?;
    (key != "claim").then(|| key.to_owned())
}

fn decode(entry: &LogEntry) -> Result<Record, RecordError> {
    let value = entry
        .value
        .as_deref()
        .ok_or_else(|| RecordError::park("record has no value"))?;
    proto::decode_record(value).map_err(|e| RecordError::park(format!("undecodable record: {e}")))
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

async fn apply_batch(
    conn: &mut MySqlConnection,
    projection: &str,
    checkpoint: &Checkpoint,
    partition: i32,
    batch: &EventBatch,
) -> Result<Outcome, RecordError> {
    let header = batch
        .header
        .as_ref()
        .ok_or_else(|| RecordError::park("batch has no header"))?;
    let id = header.aggregate_id.as_str();
    if let Some(first) = parked::first_for(conn, projection, id).await? {
        return Err(RecordError::park(format!(
            "blocked by parked record {first}"
        )));
    }
    let claim = proto::writer_claim_from_wire(header.claim.as_ref()).map_err(RecordError::park)?;
    let version = aggregates::version(conn, id).await?;
    if let Err(ignored) = check_batch(
        checkpoint.claim.as_ref(),
        &claim,
        version,
        header.from_version,
    ) {
        return Ok(Outcome::Ignored(ignored));
    }
    // A savepoint keeps a record's writes all-or-nothing when one of them is rejected.
    let mut savepoint = conn.begin().await?;
    let written = write_batch(&mut savepoint, partition, batch).await;
    match &written {
        Ok(_) => savepoint.commit().await?,
        Err(_) => savepoint.rollback().await?,
    }
    written.map(|change| Outcome::Applied(Some(change)))
}

/// Folds a valid batch into its view and advances the aggregate's version.
async fn write_batch(
    conn: &mut MySqlConnection,
    partition: i32,
    batch: &EventBatch,
) -> Result<Change, RecordError> {
    let header = batch.header.as_ref().expect("checked by the caller");
    if header.aggregate_type != Droplet::NAME {
        let kind = &header.aggregate_type;
        return Err(RecordError::park(format!(
            "unknown aggregate type {kind:?}"
        )));
    }
    let id = Uuid::parse_str(&header.aggregate_id)
        .map_err(|_| RecordError::park("droplet id is not a UUID"))?;
    let events = batch
        .events
        .iter()
        .map(|e| proto::decode_droplet_event(&e.r#type, e.schema_version, &e.payload))
        .collect::<Result<Vec<_>, _>>()
        .map_err(RecordError::park)?;
    let row = views::droplet::apply(conn, id, header.from_version, &events).await?;
    let id = header.aggregate_id.as_str();
    aggregates::advance(conn, id, Droplet::NAME, partition, row.version).await?;
    Ok(Change {
        kind: Droplet::NAME,
        id: id.to_owned(),
        version: row.version,
        json: serde_json::to_string(&row).map_err(RecordError::park)?,
    })
}
