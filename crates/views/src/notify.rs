//! Change notifications and cache keys. After each committed projector transaction the
//! projector publishes one `ChangeNotification` on the changes channel; query-api wakes
//! consistency-token waiters and SSE streams from it. Redis pub/sub is lossy, so a
//! notification is a hint to re-check the checkpoint table, never the truth itself.

use serde::{Deserialize, Serialize};

/// Published on `changes_channel(prefix)` after a projector commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNotification {
    pub partition: i32,
    /// The checkpoint after the commit: every record below this offset is applied.
    pub next_offset: i64,
    /// `<kind>:<id>` of every aggregate the commit changed.
    pub aggregates: Vec<String>,
}

pub fn changes_channel(prefix: &str) -> String {
    format!("{prefix}changes")
}

/// Redis key of a cached resource representation, e.g. `cg:v1:droplet:<id>`.
pub fn cache_key(prefix: &str, kind: &str, id: &str) -> String {
    format!("{prefix}{kind}:{id}")
}
