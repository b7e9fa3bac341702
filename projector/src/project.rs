//! `project()`: one record of `cluster-events` applied inside the caller's transaction,
//! the single code path of the live projector and of replay. It decodes (once, in the
//! workspace), applies the log-validity rule (`domain::log_validity`, never a copy of
//! it), hands valid batches to every registered view, and parks what cannot be applied.
//! Each record is applied in a `record` span whose parent is the trace context the
//! record carries (its `traceparent` header, else its batch header's), so the line
//! logged per record joins the trace of the command that appended it. It never commits
//! and never talks to Redis or Kafka; it never logs a payload.

use domain::log_validity::{Ignored, check_batch, check_claim};
use domain::record::{Batch, ClaimRecord, Record};
use opentelemetry::trace::TraceContextExt;
use platform::telemetry::context;
use sqlx::MySqlConnection;
use tracing::field::Empty;
use tracing::{Instrument, Span};

use crate::checkpoint::Checkpoint;
use crate::error::RecordError;
use crate::parked::{self, ParkedRecord};
use crate::views::Applicable;
use crate::workspace::{Decoded, Workspace};

/// What became of one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A valid claim became current (no change), or a valid batch changed views.
    Applied(Vec<Change>),
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
    let span = record_span(decoded);
    async {
        let outcome = project_in(conn, projection, ws, checkpoint, decoded).await?;
        log_outcome(decoded, &outcome);
        Ok(outcome)
    }
    .instrument(span)
    .await
}

/// The record's span, in the trace of the command that appended it.
fn record_span(decoded: &Decoded<'_>) -> Span {
    let entry = decoded.entry;
    let span = tracing::info_span!(
        "record",
        service = crate::SERVICE,
        partition = entry.partition,
        offset = entry.offset,
        aggregate_id = Empty,
        event_type = Empty,
    );
    if span.is_disabled() {
        // Not logged at this level (the CLI replays at warn): skip building its fields.
        return span;
    }
    let mut parent = context::parent_from_record(&entry.headers);
    if let Ok(Record::Batch(batch)) = &decoded.record {
        span.record("aggregate_id", batch.header.aggregate_id.to_string());
        let types: Vec<&str> = batch.events.iter().map(|e| e.event_type.as_str()).collect();
        span.record("event_type", types.join(","));
        if !parent.span().span_context().is_valid() && !batch.header.traceparent.is_empty() {
            let state = Some(batch.header.tracestate.as_str()).filter(|s| !s.is_empty());
            parent = context::parent_from(Some(&batch.header.traceparent), state);
        }
    }
    context::adopt(&span, parent);
    span
}

/// One line per record, under its span (so with its trace id); never the payload.
fn log_outcome(decoded: &Decoded<'_>, outcome: &Outcome) {
    match outcome {
        Outcome::Applied(_) => match &decoded.record {
            Ok(Record::Batch(_)) => tracing::info!("record applied"),
            _ => tracing::debug!("claim observed"),
        },
        Outcome::Ignored(reason) => tracing::debug!(?reason, "record ignored"),
        Outcome::Parked(reason) => tracing::warn!(%reason, "record parked"),
    }
}

async fn project_in(
    conn: &mut MySqlConnection,
    projection: &str,
    ws: &mut Workspace,
    checkpoint: &mut Checkpoint,
    decoded: &Decoded<'_>,
) -> sqlx::Result<Outcome> {
    let result = match &decoded.record {
        Ok(Record::Claim(claim)) => Ok(observe_claim(checkpoint, claim)),
        Ok(Record::Batch(batch)) => apply_batch(ws, checkpoint, decoded, batch),
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
    let aggregate_type = decoded.aggregate_type();
    let record = ParkedRecord {
        partition: entry.partition,
        offset: entry.offset,
        aggregate_id: aggregate_id.as_deref(),
        aggregate_type: aggregate_type.as_deref(),
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

fn observe_claim(checkpoint: &mut Checkpoint, claim: &ClaimRecord) -> Outcome {
    match check_claim(checkpoint.claim.as_ref(), &claim.claim) {
        Ok(()) => {
            checkpoint.claim = Some(claim.claim.clone());
            Outcome::Applied(Vec::new())
        }
        Err(ignored) => Outcome::Ignored(ignored),
    }
}

fn apply_batch(
    ws: &mut Workspace,
    checkpoint: &Checkpoint,
    decoded: &Decoded<'_>,
    batch: &Batch,
) -> Result<Outcome, RecordError> {
    let header = &batch.header;
    let id = header.aggregate_id.to_string();
    if let Some(first) = ws.first_parked(&id) {
        return Err(RecordError::park(format!(
            "blocked by parked record {first}"
        )));
    }
    if let Err(ignored) = check_batch(
        checkpoint.claim.as_ref(),
        &header.claim,
        ws.version(&id),
        header.from_version,
    ) {
        return Ok(Outcome::Ignored(ignored));
    }
    let prepared = match &decoded.prepared {
        Some(Ok(prepared)) => prepared,
        Some(Err(reason)) => return Err(RecordError::park(reason)),
        None => return Err(RecordError::park("batch was not decoded")),
    };
    let record = Applicable {
        partition: decoded.entry.partition,
        offset: decoded.entry.offset,
        header,
        event_ids: &prepared.event_ids,
        raw_events: &batch.events,
        events: prepared.events.as_ref(),
        facts: &prepared.facts,
        kind: prepared.kind.as_ref(),
    };
    let changes = ws.apply(&record)?;
    let version = header.from_version + batch.len();
    ws.advance(
        &id,
        &header.aggregate_type,
        decoded.entry.partition,
        version,
    );
    Ok(Outcome::Applied(changes))
}
