//! command-api's integration tests: one binary, each test with its own topic and
//! consumer group on the shared test broker (Apache Kafka), talking HTTP to a real application.

mod bad_input;
mod concurrency;
mod droplets;
mod forwarding;
mod helpers;
mod idempotency;
mod zombie;
