//! The state codecs of the write model: `WireState`, implemented once per aggregate
//! state in this module's files (one per aggregate type, beside its event codec), so that
//! command-api's partition snapshots hold every aggregate as bytes with a version. A state
//! that cannot be decoded is a `DecodeError` (the snapshot is then not used), never a
//! default.

mod autoscaling_policy;
mod cluster;
mod deployment;
mod diagnosis;
mod droplet;
mod job;
mod provider;
mod queue;
mod rate_limit_policy;
mod reservation;

use chrono::{DateTime, Utc};
use domain::operation::PendingOperation;
use prost_types::Timestamp;

use crate::DecodeError;
use crate::codec::uuid;
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

/// An aggregate state with a stable wire form. `STATE_VERSION` changes when the
/// encoding's meaning does; `decode_state` refuses versions it does not know, so an old
/// snapshot is replaced by a replay rather than misread.
pub trait WireState: Sized {
    const STATE_VERSION: u32;
    fn encode_state(&self) -> Vec<u8>;
    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError>;
}

/// The version check every implementation starts with.
pub(crate) fn expect_version(found: u32, wanted: u32) -> Result<(), DecodeError> {
    if found == wanted {
        Ok(())
    } else {
        Err(DecodeError::UnknownEvent {
            event_type: "state".to_owned(),
            schema_version: found,
        })
    }
}

pub(crate) fn time(at: Option<DateTime<Utc>>) -> Option<Timestamp> {
    at.map(to_timestamp)
}

pub(crate) fn optional_time(
    ts: Option<&Timestamp>,
    field: &'static str,
) -> Result<Option<DateTime<Utc>>, DecodeError> {
    ts.map(|ts| from_timestamp(Some(ts), field)).transpose()
}

pub(crate) fn pending_to_wire(p: Option<&PendingOperation>) -> Option<wire::PendingOperationState> {
    p.map(|p| wire::PendingOperationState {
        id: p.id.to_string(),
        op_type: p.op_type.clone(),
        cancel_requested: p.cancel_requested,
    })
}

pub(crate) fn pending_from_wire(
    p: Option<wire::PendingOperationState>,
) -> Result<Option<PendingOperation>, DecodeError> {
    p.map(|p| {
        Ok(PendingOperation {
            id: uuid(&p.id, "pending_operation.id")?,
            op_type: p.op_type,
            cancel_requested: p.cancel_requested,
        })
    })
    .transpose()
}

/// An optional enum travels as its text, empty when absent.
pub(crate) fn optional_enum<T>(
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
    field: &'static str,
) -> Result<Option<T>, DecodeError> {
    if raw.is_empty() {
        return Ok(None);
    }
    parse(raw).map(Some).ok_or(DecodeError::Invalid(field))
}

pub(crate) fn names(
    raw: Vec<String>,
    field: &'static str,
) -> Result<Vec<domain::name::ResourceName>, DecodeError> {
    raw.iter().map(|n| crate::codec::name(n, field)).collect()
}

/// The default state's name is empty, which is not a valid `ResourceName`.
pub(crate) fn state_name(
    raw: &str,
    field: &'static str,
) -> Result<domain::name::ResourceName, DecodeError> {
    if raw.is_empty() {
        return Ok(domain::name::ResourceName::default());
    }
    crate::codec::name(raw, field)
}
