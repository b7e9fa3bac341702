//! The provider's write-model state to and from the wire (state version 1). Only the
//! conversion: it decides nothing about providers.

use domain::provider::Provider;
use prost::Message;

use super::{WireState, expect_version, optional_time, state_name, time};
use crate::DecodeError;
use crate::codec::{payload, uuid};
use crate::provider::{spec_from_wire, spec_to_wire};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

impl WireState for Provider {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        wire::ProviderState {
            id: self.id.to_string(),
            name: self.name.to_string(),
            spec: Some(spec_to_wire(&self.spec)),
            reservations: self
                .reservations
                .iter()
                .map(|(droplet_id, since)| wire::ProviderReservationState {
                    droplet_id: droplet_id.to_string(),
                    since: Some(to_timestamp(*since)),
                })
                .collect(),
            deleted: self.deleted,
            version: self.version,
            created_at: time(self.created_at),
            updated_at: time(self.updated_at),
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::ProviderState = payload(bytes)?;
        let reservations = s
            .reservations
            .iter()
            .map(|r| {
                Ok((
                    uuid(&r.droplet_id, "reservations.droplet_id")?,
                    from_timestamp(r.since.as_ref(), "reservations.since")?,
                ))
            })
            .collect::<Result<_, DecodeError>>()?;
        Ok(Self {
            id: uuid(&s.id, "id")?,
            name: state_name(&s.name, "name")?,
            spec: spec_from_wire(s.spec),
            reservations,
            deleted: s.deleted,
            version: s.version,
            created_at: optional_time(s.created_at.as_ref(), "created_at")?,
            updated_at: optional_time(s.updated_at.as_ref(), "updated_at")?,
        })
    }
}
