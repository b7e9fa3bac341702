//! The read-model contract shared by the projector (its only writer) and query-api (a
//! reader): table rows, their JSON representation, cache keys and change notifications.
//! Defined once here so writer and reader can never drift apart. No queries run here
//! except the row mapping; no decisions are made here.

pub mod droplet;
pub mod notify;

/// The name under which the live read models checkpoint their progress.
pub const PROJECTION: &str = "read_models_v1";
