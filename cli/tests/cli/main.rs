//! The CLI's one integration-test binary: every test drives the `clustergenie` commands
//! (the library the binary calls) against real MariaDB, Redis and Apache Kafka (the shared
//! test broker, topics and databases per test), with the projector's recorded fixture as
//! the log. Tests wait on conditions with deadlines and never sleep to synchronise.

mod cutover;
mod export_import;
mod parked;
mod recorded;

mod verify;
mod world;
