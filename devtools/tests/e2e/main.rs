//! End-to-end tests: command-api, projector and query-api in one process on real
//! MariaDB, real Redis and a Kafka-protocol mock, exercised over HTTP only.

mod read_your_writes;
mod zombie;
