//! The language-neutral contract of the event log: prost types generated from
//! `schema/*.proto`, and the only place where wire types and domain types are converted
//! (and old event versions upcast). It returns typed domain records; domain types never
//! derive prost, and no other crate touches the generated types.

mod autoscaling_policy;
mod cluster;
mod codec;
mod deployment;
mod diagnosis;
mod droplet;
mod job;
mod metrics;
mod provider;
mod queue;
mod rate_limit_policy;
mod record;
mod reservation;
pub mod snapshot;
mod state;
mod time;

pub mod wire {
    //! Generated prost types; see `schema/*.proto`.
    #![allow(clippy::all, missing_docs)]
    include!(concat!(env!("OUT_DIR"), "/clustergenie.v1.rs"));
}

/// The compiled schema (a `google.protobuf.FileDescriptorSet`), for the schema lock test.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/clustergenie.descriptors.bin"));

pub use codec::{
    Encoded, UpcastFn, Upcaster, WireEvent, decode_event, decode_events, encode_events, event_id,
};
pub use metrics::{decode_sample, encode_sample};
pub use record::{DecodeError, SCHEMA, decode_record, encode_record, header_values};
pub use state::WireState;
pub use time::{from_timestamp, to_timestamp};
