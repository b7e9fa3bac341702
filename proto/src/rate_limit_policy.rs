//! Rate-limit policy events to and from the wire, schema version 1 (round trip and
//! golden bytes: `tests/wire.rs`).

use domain::rate_limit_policy::{PolicyEvent, Target};
use prost::Message;

use crate::DecodeError;
use crate::codec::{Encoded, WireEvent, payload, unknown};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

impl WireEvent for PolicyEvent {
    const TYPES: &'static [(&'static str, u32)] = &[
        ("rate_limit_policy.set", SCHEMA_VERSION),
        ("rate_limit_policy.deleted", SCHEMA_VERSION),
    ];

    fn encode(&self) -> Encoded {
        let bytes = match self {
            Self::Set { target, rules, at } => wire::RateLimitPolicySet {
                user_id: match target {
                    Target::Default => String::new(),
                    Target::User(id) => id.clone(),
                },
                default_target: *target == Target::Default,
                rules: rules.clone(),
                at: Some(to_timestamp(*at)),
            }
            .encode_to_vec(),
            Self::Deleted { at } => wire::RateLimitPolicyDeleted {
                at: Some(to_timestamp(*at)),
            }
            .encode_to_vec(),
        };
        (self.type_name().to_owned(), SCHEMA_VERSION, bytes)
    }

    fn decode(event_type: &str, schema_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        if schema_version != SCHEMA_VERSION {
            return Err(unknown(event_type, schema_version));
        }
        match event_type {
            "rate_limit_policy.set" => {
                let e: wire::RateLimitPolicySet = payload(bytes)?;
                Ok(Self::Set {
                    target: if e.default_target {
                        Target::Default
                    } else {
                        Target::User(e.user_id)
                    },
                    rules: e.rules,
                    at: from_timestamp(e.at.as_ref(), "at")?,
                })
            }
            "rate_limit_policy.deleted" => {
                let e: wire::RateLimitPolicyDeleted = payload(bytes)?;
                Ok(Self::Deleted {
                    at: from_timestamp(e.at.as_ref(), "at")?,
                })
            }
            other => Err(unknown(other, schema_version)),
        }
    }
}
