//! log-consumer's integration tests on real Kafka and MariaDB with a fake Loki that
//! decodes the real wire format: what is shipped and how (`shipping`), retries and
//! at-least-once across a restart (`at_least_once`), parking (`parking`) and `/readyz`
//! (`readiness`).

mod at_least_once;
mod limits;
mod parking;
mod readiness;
mod receiver;
mod shipping;
mod support;
mod wire;
