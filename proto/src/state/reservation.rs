//! The name reservation's write-model state to and from the wire (state version 1).
//! Only the conversion: it decides nothing about names.

use domain::reservation::{Holder, NameReservation};
use prost::Message;

use super::{WireState, expect_version, optional_time, state_name, time};
use crate::DecodeError;
use crate::codec::{payload, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

impl WireState for NameReservation {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        wire::NameReservationState {
            id: self.id.to_string(),
            owner: self.owner.clone(),
            kind: self.kind.clone(),
            name: self.name.to_string(),
            holder: self.holder.as_ref().map(|h| wire::NameHolderState {
                id: h.id.to_string(),
                request_scope: h.request_scope.clone(),
                confirmed: h.confirmed,
                since: Some(to_timestamp(h.since)),
            }),
            version: self.version,
            updated_at: time(self.updated_at),
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::NameReservationState = payload(bytes)?;
        let holder = s
            .holder
            .map(|h| {
                Ok::<_, DecodeError>(Holder {
                    id: uuid(&h.id, "holder.id")?,
                    request_scope: h.request_scope,
                    confirmed: h.confirmed,
                    since: from_timestamp(h.since.as_ref(), "holder.since")?,
                })
            })
            .transpose()?;
        Ok(Self {
            id: uuid(&s.id, "id")?,
            owner: s.owner,
            kind: s.kind,
            name: state_name(&s.name, "name")?,
            holder,
            version: s.version,
            updated_at: optional_time(s.updated_at.as_ref(), "updated_at")?,
        })
    }
}
