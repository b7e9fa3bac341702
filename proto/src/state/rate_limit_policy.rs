//! The rate-limit policy's write-model state to and from the wire (state version 1).
//! Only the conversion: the rules stay opaque JSON text.

use domain::rate_limit_policy::{RateLimitPolicy, Target};
use prost::Message;

use super::{WireState, expect_version, optional_time, time};
use crate::DecodeError;
use crate::codec::{payload, uuid};
use crate::wire;

impl WireState for RateLimitPolicy {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        let (target, user_id) = match &self.target {
            None => ("", String::new()),
            Some(Target::Default) => ("default", String::new()),
            Some(Target::User(id)) => ("user", id.clone()),
        };
        wire::RateLimitPolicyState {
            id: self.id.to_string(),
            target: target.to_owned(),
            user_id,
            rules: self.rules.clone(),
            deleted: self.deleted,
            version: self.version,
            created_at: time(self.created_at),
            updated_at: time(self.updated_at),
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::RateLimitPolicyState = payload(bytes)?;
        let target = match s.target.as_str() {
            "" => None,
            "default" => Some(Target::Default),
            "user" => Some(Target::User(s.user_id)),
            _ => return Err(DecodeError::Invalid("target")),
        };
        Ok(Self {
            id: uuid(&s.id, "id")?,
            target,
            rules: s.rules,
            deleted: s.deleted,
            version: s.version,
            created_at: optional_time(s.created_at.as_ref(), "created_at")?,
            updated_at: optional_time(s.updated_at.as_ref(), "updated_at")?,
        })
    }
}
