//! A batch of consumed records, closed by size (records, payload bytes) or by time since
//! its first record, and the offsets to commit once it is shipped. It never commits
//! anything itself and never reorders a partition's records.

use std::collections::BTreeMap;
use std::time::Instant;

use rdkafka::message::{BorrowedMessage, Message};
use sha2::{Digest, Sha256};

use crate::config::BatchSettings;

/// `log_lines.source_key` and `log_parked.source_key` are `VARCHAR(80)`.
const SOURCE_KEY_MAX: usize = 80;

/// One consumed Kafka record, owned.
#[derive(Debug, Clone)]
pub struct Consumed {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub payload: Option<Vec<u8>>,
}

impl Consumed {
    pub fn from_message(message: &BorrowedMessage<'_>) -> Self {
        Self {
            topic: message.topic().to_owned(),
            partition: message.partition(),
            offset: message.offset(),
            payload: message.payload().map(<[u8]>::to_vec),
        }
    }

    /// `<topic>:<partition>:<offset>`: the same for every redelivery of this record, so
    /// writing it twice inserts nothing the second time. Hashed when a long topic name
    /// would overflow the column.
    pub fn source_key(&self) -> String {
        let key = format!("{}:{}:{}", self.topic, self.partition, self.offset);
        if key.len() <= SOURCE_KEY_MAX {
            return key;
        }
        format!(
            "sha256:{}",
            &hex::encode(Sha256::digest(key.as_bytes()))[..64]
        )
    }

    fn size(&self) -> usize {
        self.payload.as_ref().map_or(0, Vec::len)
    }
}

/// Records waiting to be shipped.
#[derive(Debug, Default)]
pub struct Batch {
    records: Vec<Consumed>,
    bytes: usize,
    started: Option<Instant>,
}

impl Batch {
    pub fn push(&mut self, record: Consumed) {
        self.started.get_or_insert_with(Instant::now);
        self.bytes += record.size();
        self.records.push(record);
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// When the batch must ship at the latest (none while empty).
    pub fn deadline(&self, limits: &BatchSettings) -> Option<Instant> {
        self.started.map(|started| started + limits.max_wait())
    }

    /// Whether the batch should ship now.
    pub fn is_due(&self, limits: &BatchSettings, now: Instant) -> bool {
        !self.is_empty()
            && (self.records.len() >= limits.max_lines
                || self.bytes >= limits.max_bytes
                || self.deadline(limits).is_some_and(|d| now >= d))
    }

    /// Empties the batch, returning its records in consumption order.
    pub fn take(&mut self) -> Vec<Consumed> {
        self.bytes = 0;
        self.started = None;
        std::mem::take(&mut self.records)
    }
}

/// For each (topic, partition), the offset to commit: one past the last record.
pub fn next_offsets(records: &[Consumed]) -> BTreeMap<(String, i32), i64> {
    let mut next: BTreeMap<(String, i32), i64> = BTreeMap::new();
    for record in records {
        let slot = next
            .entry((record.topic.clone(), record.partition))
            .or_insert(0);
        *slot = (*slot).max(record.offset + 1);
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consumed(topic: &str, partition: i32, offset: i64, bytes: usize) -> Consumed {
        Consumed {
            topic: topic.into(),
            partition,
            offset,
            payload: Some(vec![b'x'; bytes]),
        }
    }

    const LIMITS: BatchSettings = BatchSettings {
        max_lines: 3,
        max_bytes: 100,
        max_wait_ms: 60_000,
    };

    #[test]
    fn a_batch_is_due_by_lines_or_bytes_or_time() {
        let now = Instant::now();
        let mut batch = Batch::default();
        assert!(!batch.is_due(&LIMITS, now));
        batch.push(consumed("a", 0, 0, 10));
        batch.push(consumed("a", 0, 1, 10));
        assert!(!batch.is_due(&LIMITS, now));
        let deadline = batch.deadline(&LIMITS).expect("started");
        assert!(deadline >= now + LIMITS.max_wait());
        assert!(batch.is_due(&LIMITS, deadline));
        batch.push(consumed("a", 0, 2, 10));
        assert!(batch.is_due(&LIMITS, now));
        assert_eq!(batch.take().len(), 3);
        batch.push(consumed("a", 0, 3, 100));
        assert!(batch.is_due(&LIMITS, Instant::now()));
    }

    #[test]
    fn offsets_to_commit_are_one_past_the_last_record_per_partition() {
        let records = [
            consumed("a", 0, 5, 1),
            consumed("b", 0, 7, 1),
            consumed("a", 0, 6, 1),
            consumed("a", 1, 2, 1),
        ];
        let next = next_offsets(&records);
        assert_eq!(next[&("a".to_owned(), 0)], 7);
        assert_eq!(next[&("a".to_owned(), 1)], 3);
        assert_eq!(next[&("b".to_owned(), 0)], 8);
    }

    #[test]
    fn source_keys_fit_their_column() {
        assert_eq!(consumed("logs.x", 0, 9, 0).source_key(), "logs.x:0:9");
        let long = consumed(&"t".repeat(100), 0, 9, 0).source_key();
        assert!(long.len() <= SOURCE_KEY_MAX && long.starts_with("sha256:"));
    }
}
