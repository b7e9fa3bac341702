//! Conversions between `google.protobuf.Timestamp` and `chrono`. A missing or
//! out-of-range timestamp is a decode error, never a silent epoch.

use chrono::{DateTime, Utc};
use prost_types::Timestamp;

use crate::DecodeError;

pub fn to_timestamp(at: DateTime<Utc>) -> Timestamp {
    Timestamp {
        seconds: at.timestamp(),
        nanos: at.timestamp_subsec_nanos() as i32,
    }
}

pub fn from_timestamp(
    ts: Option<&Timestamp>,
    field: &'static str,
) -> Result<DateTime<Utc>, DecodeError> {
    let ts = ts.ok_or(DecodeError::Missing(field))?;
    let nanos = u32::try_from(ts.nanos).map_err(|_| DecodeError::Invalid(field))?;
    DateTime::from_timestamp(ts.seconds, nanos).ok_or(DecodeError::Invalid(field))
}
