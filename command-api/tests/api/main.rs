//! command-api's integration tests: one binary, each test with its own topic and
//! consumer group on the shared test broker (Apache Kafka), talking HTTP to a real application.

mod actions;
mod autoscaling;
mod bad_input;
mod bulk;
mod clusters;
mod concurrency;
mod delete;
mod demand;
mod deployments;
mod diagnoses;
mod droplets;
mod forwarding;
mod helpers;
mod idempotency;
mod job_clusters;
mod jobs;
mod metrics;
mod names;
mod patch;
mod providers;
mod rate_limits;
mod roles;
mod snapshots;
mod support;
mod zombie;
