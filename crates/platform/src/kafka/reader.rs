//! The group reader: one consumer-group member polled on a dedicated thread, turning
//! assignments, revocations and records into `ReaderEvent`s on a bounded channel.
//!
//! Why a dedicated thread: librdkafka runs rebalance callbacks inside `poll`, and the
//! callback must decide the start offsets (the projector's come from MariaDB) before
//! the assignment takes effect. On a plain thread the callback may block on async work
//! through a runtime handle; inside a Tokio worker it could not. The bounded channel
//! gives backpressure: when the handler falls behind, polling stops.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaResult;
use rdkafka::message::{Headers, Message};
use rdkafka::{ClientConfig, ClientContext, Offset, TopicPartitionList};
use tokio::sync::mpsc;

/// Chooses where each newly assigned partition starts reading.
pub type StartOffsets = Arc<dyn Fn(&[i32]) -> HashMap<i32, Offset> + Send + Sync>;

/// One record, owned, as the handlers see it.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub timestamp_ms: Option<i64>,
}

/// What the reader copies out of each consumed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copied {
    /// Key, value, headers and timestamp.
    Everything,
    /// Key and value only (no headers, no timestamp), for a handler that never reads
    /// the rest: the writer's fold, where copying a record's headers cost a third of the
    /// reader thread's time on a restore.
    KeyAndValue,
}

#[derive(Debug)]
pub enum ReaderEvent {
    /// These partitions are now ours; records for them follow.
    Assigned(Vec<i32>),
    /// These partitions are no longer ours; drop their state.
    Revoked(Vec<i32>),
    /// Consecutive records of one partition, in offset order.
    Records(i32, Vec<LogEntry>),
}

struct ReaderContext {
    topic: String,
    start_offsets: StartOffsets,
    events: mpsc::Sender<ReaderEvent>,
}

impl ClientContext for ReaderContext {}

impl ConsumerContext for ReaderContext {
    fn rebalance(
        &self,
        consumer: &BaseConsumer<Self>,
        err: rdkafka::types::RDKafkaRespErr,
        tpl: &mut TopicPartitionList,
    ) {
        use rdkafka::types::RDKafkaRespErr as E;
        let partitions: Vec<i32> = tpl.elements().iter().map(|e| e.partition()).collect();
        match err {
            E::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS => {
                let offsets = (self.start_offsets)(&partitions);
                for p in &partitions {
                    let offset = offsets.get(p).copied().unwrap_or(Offset::Beginning);
                    if let Err(error) = tpl.set_partition_offset(&self.topic, *p, offset) {
                        tracing::error!(%error, partition = p, "failed to set a start offset");
                    }
                }
                if let Err(error) = consumer.assign(tpl) {
                    tracing::error!(%error, "failed to assign partitions");
                }
                let _ = self.events.blocking_send(ReaderEvent::Assigned(partitions));
            }
            _ => {
                // Revocation, or a rebalance error: either way we hold nothing any more.
                let _ = self.events.blocking_send(ReaderEvent::Revoked(partitions));
                if let Err(error) = consumer.unassign() {
                    tracing::error!(%error, "failed to unassign partitions");
                }
            }
        }
    }

    fn post_rebalance(&self, _: &BaseConsumer<Self>, _: &Rebalance<'_>) {}
}

/// A running group member. `stop` leaves the group and waits for the thread; dropping it
/// only asks the thread to leave.
pub struct GroupReader {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl GroupReader {
    /// Joins `group_id` on `topic` and starts polling; events arrive on the returned receiver.
    pub fn start(
        config: ClientConfig,
        topic: &str,
        start_offsets: StartOffsets,
        capacity: usize,
    ) -> KafkaResult<(Self, mpsc::Receiver<ReaderEvent>)> {
        Self::start_copying(config, topic, start_offsets, capacity, Copied::Everything)
    }

    /// `start`, copying only `copied` out of each message.
    pub fn start_copying(
        config: ClientConfig,
        topic: &str,
        start_offsets: StartOffsets,
        capacity: usize,
        copied: Copied,
    ) -> KafkaResult<(Self, mpsc::Receiver<ReaderEvent>)> {
        let (tx, rx) = mpsc::channel(capacity);
        let context = ReaderContext {
            topic: topic.to_owned(),
            start_offsets,
            events: tx.clone(),
        };
        let consumer: BaseConsumer<ReaderContext> = config.create_with_context(context)?;
        consumer.subscribe(&[topic])?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name(format!("reader-{topic}"))
            .spawn(move || poll_loop(&consumer, &tx, &flag, copied))
            .expect("a reader thread can be spawned");
        Ok((
            Self {
                stop,
                thread: Some(thread),
            },
            rx,
        ))
    }

    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for GroupReader {
    /// Dropped without `stop` (its task was cancelled because the runtime is shutting
    /// down), the reader only raises the flag and never joins: the thread may be inside a
    /// rebalance callback that blocks on that very runtime (the projector reads its
    /// checkpoints there), and joining it would wait forever.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

const MAX_BATCH: usize = 500;

fn poll_loop(
    consumer: &BaseConsumer<ReaderContext>,
    tx: &mpsc::Sender<ReaderEvent>,
    stop: &AtomicBool,
    copied: Copied,
) {
    while !stop.load(Ordering::SeqCst) {
        let mut batch: Vec<LogEntry> = Vec::new();
        // Block briefly for the first record, then drain what is already fetched.
        let mut timeout = Duration::from_millis(100);
        while batch.len() < MAX_BATCH {
            match consumer.poll(timeout) {
                Some(Ok(message)) => batch.push(match copied {
                    Copied::Everything => LogEntry::from_message(&message),
                    Copied::KeyAndValue => LogEntry::key_and_value(&message),
                }),
                Some(Err(error)) => tracing::warn!(%error, "consumer error"),
                None => break,
            }
            timeout = Duration::ZERO;
        }
        for (partition, records) in split_by_partition(batch) {
            if tx
                .blocking_send(ReaderEvent::Records(partition, records))
                .is_err()
            {
                return;
            }
        }
    }
}

impl LogEntry {
    /// An owned copy of a consumed message.
    pub fn from_message(message: &rdkafka::message::BorrowedMessage<'_>) -> Self {
        let headers = message
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| (h.key.to_owned(), h.value.unwrap_or_default().to_vec()))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            headers,
            timestamp_ms: message.timestamp().to_millis(),
            ..Self::key_and_value(message)
        }
    }

    /// An owned copy of a consumed message's key and value only.
    pub fn key_and_value(message: &rdkafka::message::BorrowedMessage<'_>) -> Self {
        Self {
            partition: message.partition(),
            offset: message.offset(),
            key: message.key().map(<[u8]>::to_vec),
            value: message.payload().map(<[u8]>::to_vec),
            headers: Vec::new(),
            timestamp_ms: None,
        }
    }
}

/// Splits a poll batch into runs per partition, keeping each partition's order.
fn split_by_partition(batch: Vec<LogEntry>) -> Vec<(i32, Vec<LogEntry>)> {
    let mut runs: Vec<(i32, Vec<LogEntry>)> = Vec::new();
    for entry in batch {
        match runs.iter_mut().find(|(p, _)| *p == entry.partition) {
            Some((_, run)) => run.push(entry),
            None => runs.push((entry.partition, vec![entry])),
        }
    }
    runs
}
