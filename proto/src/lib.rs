//! The language-neutral contract of the event log: prost types generated from
//! `schema/events.proto`, and the only place where wire types and domain types are
//! converted (and old event versions upcast). Domain types never derive prost.

mod droplet;
mod record;
mod time;

pub mod wire {
    //! Generated prost types; see `schema/events.proto`.
    #![allow(clippy::all, missing_docs)]
    include!(concat!(env!("OUT_DIR"), "/clustergenie.v1.rs"));
}

pub use droplet::{decode_droplet_event, encode_droplet_event};
pub use record::{
    DecodeError, SCHEMA, decode_record, encode_record, event_id, header_values,
    writer_claim_from_wire, writer_claim_to_wire,
};
pub use time::{from_timestamp, to_timestamp};
