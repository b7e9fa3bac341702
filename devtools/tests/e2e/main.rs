//! End-to-end tests: command-api, projector and query-api in one process on real
//! MariaDB, real Redis and Apache Kafka, exercised over HTTP only.

mod autoscaling;
mod broker;
mod clusters;
mod cutover;
mod dashboards;
mod events;
mod jobs;
mod rate_limits;
mod read_your_writes;
mod zombie;
