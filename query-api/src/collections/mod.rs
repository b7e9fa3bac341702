//! The readable collections, one file each: the descriptor and the `Listed` impl of a
//! row type from the `views` crate. The generic handlers in `routes::resources` serve
//! them all.

pub mod autoscaling;
pub mod autoscaling_history;
pub mod clusters;
pub mod deployments;
pub mod diagnoses;
pub mod droplets;
pub mod events;
pub mod jobs;
pub mod metrics;
pub mod operations;
pub mod providers;
pub mod timeline;
