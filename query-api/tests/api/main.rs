//! The one integration-test binary of query-api. Needs MariaDB and Redis (see
//! `platform::testing`); every test spawns its own application and database.

mod auth;
mod autoscaling;
mod billing;
mod catalog;
mod clusters;
mod consistency;
mod deployments;
mod diagnoses;
mod docs;
mod events;
mod forward;
mod get;
mod jobs;
mod list;
mod monitoring;
mod observability;
mod operations;
mod parked_events;
mod providers;
mod rate_limits;
mod telemetry;
mod test_app;
