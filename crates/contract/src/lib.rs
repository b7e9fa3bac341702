//! The HTTP contract of ClusterGenie as Rust types: every representation the services
//! send (api.md §2, §9, §10), every request body they accept, the problem document of
//! §4, and the OpenAPI document assembled from them (`openapi::document()`). The
//! services serialise these very types, so the published spec is the bytes on the wire.
//! Holds no behaviour: no validation, no I/O, no domain rules.

pub mod audit;
pub mod autoscaling;
pub mod billing;
pub mod catalog;
pub mod cluster;
pub mod deployment;
pub mod diagnosis;
pub mod droplet;
pub mod envelope;
pub mod job;
pub mod observability;
pub mod openapi;
pub mod operation;
pub mod problem;
pub mod provider;
pub mod rate_limit;
pub mod requests;
pub mod telemetry;

/// Declares the fields a request body may carry, for the command side's "unknown field"
/// check; a test holds each list equal to the type's OpenAPI properties.
pub trait RequestBody {
    const FIELDS: &'static [&'static str];
}
