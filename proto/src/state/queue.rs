//! The job queue control's write-model state to and from the wire (state version 1).
//! Only the conversion: it decides nothing about queues.

use domain::queue::QueueControl;
use prost::Message;

use super::{WireState, expect_version, optional_time, time};
use crate::DecodeError;
use crate::codec::{payload, uuid};
use crate::wire;

impl WireState for QueueControl {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        wire::JobQueueState {
            id: self.id.to_string(),
            name: self.name.clone(),
            paused: self.paused,
            changed_by: self.changed_by.clone(),
            version: self.version,
            updated_at: time(self.updated_at),
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::JobQueueState = payload(bytes)?;
        Ok(Self {
            id: uuid(&s.id, "id")?,
            name: s.name,
            paused: s.paused,
            changed_by: s.changed_by,
            version: s.version,
            updated_at: optional_time(s.updated_at.as_ref(), "updated_at")?,
        })
    }
}
