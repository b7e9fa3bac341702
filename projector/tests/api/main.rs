//! The projector's one integration-test binary: real MariaDB and Redis, Apache
//! Kafka (the shared test broker, topics per test). Tests poll conditions with deadlines and never sleep to
//! synchronise; none is ignored.

mod audit;
mod autoscaling;
mod cache;
mod checksum;
mod crash;
mod demand;
mod deployments;
mod diagnosis;
mod fixture;
mod parking;
mod projection;
mod rate_limit_policy;
mod records;
mod restart;
mod samples;
mod test_app;
mod transient;
mod usage;
mod validity;
