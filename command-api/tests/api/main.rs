//! command-api's integration tests: one binary, each test with its own mock Kafka
//! cluster, topic and consumer group, talking HTTP to a real application.

mod bad_input;
mod concurrency;
mod droplets;
mod forwarding;
mod helpers;
mod idempotency;
mod zombie;
