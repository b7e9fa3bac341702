//! Development and test tooling shared by `record-fixture` and the end-to-end tests: a
//! whole ClusterGenie (command-api, projector, query-api) running in-process on Apache
//! Kafka (the shared test broker, topics of its own), a scratch MariaDB database and a private Redis prefix. Never deployed.

pub mod stack;
