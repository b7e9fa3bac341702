//! The SSE cursor (`id:` of every event, `Last-Event-ID` on resume): per partition, the
//! stream position (`views::audit`) of the first event not yet sent. A partition's
//! positions grow in commit order, so "everything at or after the cursor" is exactly what
//! a client has not seen. Its text form is the consistency token's (`p:n,p:n`), parsed
//! by the same code; it is opaque to clients.

use std::collections::BTreeMap;
use std::fmt;

use platform::consistency::{ConsistencyToken, Position};
use views::audit::AuditEventRow;

use crate::error::QueryError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamCursor(BTreeMap<i32, i64>);

impl StreamCursor {
    pub fn new(next: BTreeMap<i32, i64>) -> Self {
        Self(next)
    }

    /// Parses a `Last-Event-ID`; a malformed one is a 400, never a silent restart.
    pub fn parse(raw: &str, partitions: i32) -> Result<Self, QueryError> {
        let token = ConsistencyToken::parse(raw, partitions).map_err(|why| {
            QueryError::InvalidArgument(format!("Last-Event-ID is not a stream cursor: {why}"))
        })?;
        Ok(Self(
            token.positions().map(|p| (p.partition, p.offset)).collect(),
        ))
    }

    /// Partitions the cursor does not name start at `from`'s position.
    pub fn or(mut self, from: &StreamCursor) -> Self {
        for (partition, next) in &from.0 {
            self.0.entry(*partition).or_insert(*next);
        }
        self
    }

    /// The first unsent position of `partition`.
    pub fn next(&self, partition: i32) -> i64 {
        self.0.get(&partition).copied().unwrap_or_default()
    }

    /// Whether `row` is at or after the cursor (not sent yet).
    pub fn is_new(&self, row: &AuditEventRow) -> bool {
        row.stream_position >= self.next(row.partition_id)
    }

    /// Moves past `row`.
    pub fn pass(&mut self, row: &AuditEventRow) {
        self.pass_to(row.partition_id, row.stream_position + 1);
    }

    /// Moves `partition` to `next` (never back): nothing below it is for this client.
    pub fn pass_to(&mut self, partition: i32, next: i64) {
        let entry = self.0.entry(partition).or_default();
        *entry = (*entry).max(next);
    }

    pub fn partitions(&self) -> impl Iterator<Item = (i32, i64)> + '_ {
        self.0.iter().map(|(p, n)| (*p, *n))
    }
}

impl fmt::Display for StreamCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = ConsistencyToken::of(self.0.iter().map(|(partition, offset)| Position {
            partition: *partition,
            offset: *offset,
        }));
        write!(f, "{token}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_fills_missing_partitions() {
        let cursor = StreamCursor::parse("0:65536,2:7", 4).unwrap();
        assert_eq!(cursor.to_string(), "0:65536,2:7");
        let live = StreamCursor::new(BTreeMap::from([(0, 1), (1, 9), (2, 1)]));
        let filled = cursor.or(&live);
        assert_eq!(filled.to_string(), "0:65536,1:9,2:7");
        assert!(StreamCursor::parse("9:1", 4).is_err());
        assert!(StreamCursor::parse("x", 4).is_err());
    }
}
