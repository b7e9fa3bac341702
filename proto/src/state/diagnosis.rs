//! The diagnosis's write-model state to and from the wire (state version 1): the state is
//! its one event, so the state codec stores that event and replays it.

use domain::Aggregate;
use domain::diagnosis::{Diagnosis, DiagnosisEvent};
use prost::Message;

use super::{WireState, expect_version};
use crate::DecodeError;
use crate::codec::payload;
use crate::diagnosis::{recorded_from_wire, recorded_to_wire};
use crate::wire;

impl WireState for Diagnosis {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        let recorded = self.recorded_at.zip(self.trigger).map(|(at, trigger)| {
            recorded_to_wire(&domain::diagnosis::Recorded {
                id: self.id,
                cluster_id: self.cluster_id,
                owner: self.owner.clone(),
                requested_by: self.requested_by.clone(),
                trigger,
                source: self.source.clone(),
                insights: self.insights.clone(),
                at,
            })
        });
        wire::DiagnosisState {
            version: self.version,
            recorded,
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::DiagnosisState = payload(bytes)?;
        let mut state = match s.recorded {
            Some(recorded) => Diagnosis::default()
                .evolve(&DiagnosisEvent::Recorded(recorded_from_wire(recorded)?)),
            None => Diagnosis::default(),
        };
        state.version = s.version;
        Ok(state)
    }
}
