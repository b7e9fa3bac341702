//! Live audit streams (`/api/v1/events:stream`, api.md §11): one `EventHub` per process
//! reads each committed slice of `audit_event` once, woken by the projector's change
//! notifications (`ChangeFeed`), and fans the rows out to subscribers through bounded
//! buffers; `sse.rs` turns a subscription into a resumable `text/event-stream`. Nothing
//! here polls MariaDB on a timer or writes anything.

pub mod cursor;
pub mod hub;
pub mod scope;
pub mod sse;
pub mod telemetry;

pub use cursor::StreamCursor;
pub use hub::{EventHub, StreamSettings};
pub use scope::StreamScope;
