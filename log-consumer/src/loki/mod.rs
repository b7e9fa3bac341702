//! Loki's push API: the protobuf messages (`wire`), building one push body from a batch
//! of records (`request`) and the HTTP client that sends it and probes `/ready`
//! (`client`). Nothing here commits offsets or touches MariaDB.

pub mod client;
pub mod request;
pub mod wire;

pub use client::{LokiClient, PushOutcome};
pub use request::{Entry, push_body, push_request};
