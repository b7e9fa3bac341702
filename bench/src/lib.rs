//! The measurement harness of `make bench`, as a library shared by its binaries: an HTTP/1.1
//! client lean enough not to steal the services' CPU (`client`), the request mixes
//! (`scenario`), closed- and open-loop drivers (`closed`, `open`), freshness polling
//! (`fresh`), hdrhistogram recording (`stats`), the original demo generator (`demo`), and
//! the run's table and results document (`results`, `table`), and the measured reasons
//! behind each figure (`cpu`, `reasons`).
//! It only ever talks HTTP to the services; it never asserts anything about them.

pub mod client;
pub mod closed;
pub mod cpu;
pub mod demo;
pub mod fresh;
pub mod lines;
pub mod open;
mod reasons;
pub mod results;
pub mod scenario;
pub mod stats;
pub mod table;
pub mod tally;
pub mod target;
