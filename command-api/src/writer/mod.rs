//! The log-arbitrated single writer (architecture.md §4). Partitions are owned through
//! consumer-group assignment plus an ownership claim read back from the log; a command
//! is decided on the partition's write model, appended as one record stamped with the
//! claim, and answered only after the writer's own reader has read that record back and
//! found it valid. It never reads the read models and never answers before read-back.

mod aggregates;
mod claim;
mod dispatch;
mod idempotency;
mod image;
#[cfg(test)]
mod image_tests;
mod kinds;
mod observe;
mod partition;
mod record;
mod snapshot_store;
mod snapshots;
mod submit;
mod types;

use kinds::CancelRequest;
pub use kinds::{AnyState, CancelResponder, Kinds, downcast};
pub use observe::{Observed, PartitionStatus, Peek};
pub use partition::Phase;
/// How a record goes on the wire (payload and `cg-*` headers); public so tools that
/// synthesise a log (the benchmark) write exactly what the writer writes.
pub use record::encode as encode_record;
pub use snapshot_store::SnapshotStore;
pub use types::{Accepted, Command, IdempotencyRequest, Submission, SubmitError};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use opentelemetry::metrics::{Counter, Gauge, Histogram};
use platform::auth::Principal;
use platform::clock::SharedClock;
use platform::metrics::Metrics;
use rdkafka::consumer::BaseConsumer;
use rdkafka::producer::FutureProducer;
use tokio::sync::watch;
use uuid::Uuid;

use crate::ownership::Directory;
use partition::PartitionState;

/// Static facts of this writer instance.
pub struct WriterConfig {
    pub writer_id: String,
    pub advertised_url: String,
    pub topic: String,
    pub partitions: i32,
    pub read_back_timeout: Duration,
    pub idempotency_retention: chrono::Duration,
    /// Snapshot a served partition every this many valid records (0 = never).
    pub snapshot_every: u64,
}

/// A cheap, cloneable handle on the writer.
#[derive(Clone)]
pub struct Writer {
    inner: Arc<Inner>,
}

struct Inner {
    config: WriterConfig,
    kinds: Arc<Kinds>,
    producer: FutureProducer,
    /// Used only for watermark look-ups while claiming.
    metadata: BaseConsumer,
    clock: SharedClock,
    states: Vec<Mutex<Option<PartitionState>>>,
    /// Next offset read per partition, so claimers can wait for the end of the log.
    read_offsets: Vec<watch::Sender<i64>>,
    /// Bumped on every assignment change, so stale claim tasks stop.
    generations: Vec<AtomicU64>,
    /// Lets tests (and operators) hold the reader, e.g. to stage a zombie writer.
    reader_paused: watch::Sender<bool>,
    /// Where served partitions are announced, so other instances can forward to us.
    directory: Option<Directory>,
    metrics: WriterMetrics,
    /// Where snapshots are stored; `None` = always restore from the log.
    snapshots: Option<SnapshotStore>,
    /// A partition restored from a snapshot by `start_offset`, waiting for `assign`.
    prepared: Vec<Mutex<Option<PartitionState>>>,
    /// The newest stored snapshot per partition, whose chunks the next one tombstones.
    manifests: Vec<Mutex<Option<proto::snapshot::Manifest>>>,
}

struct WriterMetrics {
    commands: Counter<u64>,
    /// Where a command's time goes: enqueue → the broker's acknowledgement (acks=all),
    /// then acknowledgement → our reader has read the record back and found it valid.
    append_ack: Histogram<f64>,
    read_back: Histogram<f64>,
    ignored: Counter<u64>,
    quarantined: Counter<u64>,
    serving: Gauge<u64>,
    /// `clustergenie_partition_restore_duration_seconds{source="snapshot|log"}`.
    restore: Histogram<f64>,
    /// `clustergenie_snapshots_total{outcome="written|failed"}`.
    snapshots: Counter<u64>,
    /// `clustergenie_events_appended_total{aggregate_type,event_type}`, counted once the broker
    /// acknowledged the batch.
    appended: Counter<u64>,
    /// `clustergenie_writer_append_failures_total{reason="enqueue|delivery|fenced|read_back_timeout"}`:
    /// producer errors and writes refused because another writer fenced this one.
    append_failures: Counter<u64>,
}

/// The parts a writer is made of.
pub struct WriterParts {
    pub config: WriterConfig,
    pub kinds: Kinds,
    pub producer: FutureProducer,
    pub metadata: BaseConsumer,
    pub clock: SharedClock,
    pub directory: Option<Directory>,
    pub snapshots: Option<SnapshotStore>,
}

impl Writer {
    pub fn new(parts: WriterParts, metrics: &Metrics) -> Self {
        let WriterParts {
            config,
            kinds,
            producer,
            metadata,
            clock,
            directory,
            snapshots,
        } = parts;
        let n = usize::try_from(config.partitions).unwrap_or(0);
        let meter = metrics.meter("command-api");
        let metrics = WriterMetrics {
            commands: meter.u64_counter("clustergenie_commands").build(),
            append_ack: stage_histogram(&meter, "clustergenie_writer_append_ack_duration"),
            read_back: stage_histogram(&meter, "clustergenie_writer_read_back_duration"),
            ignored: meter
                .u64_counter("clustergenie_log_records_ignored")
                .build(),
            quarantined: meter
                .u64_counter("clustergenie_log_records_quarantined")
                .build(),
            serving: meter.u64_gauge("clustergenie_partitions_serving").build(),
            restore: meter
                .f64_histogram("clustergenie_partition_restore_duration")
                .with_unit("s")
                .with_boundaries(vec![
                    0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
                ])
                .build(),
            snapshots: meter.u64_counter("clustergenie_snapshots").build(),
            appended: meter.u64_counter("clustergenie_events_appended").build(),
            append_failures: meter
                .u64_counter("clustergenie_writer_append_failures")
                .build(),
        };
        let inner = Inner {
            config,
            kinds: Arc::new(kinds),
            producer,
            metadata,
            clock,
            states: (0..n).map(|_| Mutex::new(None)).collect(),
            read_offsets: (0..n).map(|_| watch::channel(0).0).collect(),
            generations: (0..n).map(|_| AtomicU64::new(0)).collect(),
            reader_paused: watch::channel(false).0,
            directory,
            metrics,
            snapshots,
            prepared: (0..n).map(|_| Mutex::new(None)).collect(),
            manifests: (0..n).map(|_| Mutex::new(None)).collect(),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    pub fn writer_id(&self) -> &str {
        &self.inner.config.writer_id
    }

    pub fn partitions(&self) -> i32 {
        self.inner.config.partitions
    }

    /// The partition an aggregate id lives in (Kafka's murmur2 over the id's text).
    pub fn partition_of(&self, id: &Uuid) -> i32 {
        platform::kafka::partition_for(id.to_string().as_bytes(), self.inner.config.partitions)
    }

    /// A fresh UUIDv7 that lives in `partition`.
    pub fn id_in_partition(&self, partition: i32) -> Uuid {
        loop {
            let id = Uuid::now_v7();
            if self.partition_of(&id) == partition {
                return id;
            }
        }
    }

    /// A fresh UUIDv7 in the same partition as `routing_key`, so that an Idempotency-Key
    /// and the aggregate it creates are decided by the same writer.
    pub fn id_in_partition_of(&self, routing_key: &str) -> Uuid {
        let target =
            platform::kafka::partition_for(routing_key.as_bytes(), self.inner.config.partitions);
        self.id_in_partition(target)
    }

    /// A fresh UUIDv7 in the partition of aggregate `near`: nodes live beside their
    /// cluster, operation ids beside their target.
    pub fn id_beside(&self, near: &Uuid) -> Uuid {
        self.id_in_partition(self.partition_of(near))
    }

    /// A fresh UUIDv7 for a new aggregate, in a partition this instance serves when it
    /// serves any, so that a create without an Idempotency-Key is never forwarded.
    pub fn id_for_new_aggregate(&self) -> Uuid {
        let serving: Vec<i32> = (0..self.inner.states.len())
            .filter(|p| {
                self.inner
                    .lock(*p)
                    .as_ref()
                    .is_some_and(|s| s.phase == Phase::Serving)
            })
            .map(|p| p as i32)
            .collect();
        loop {
            let id = Uuid::now_v7();
            if serving.is_empty() || serving.contains(&self.partition_of(&id)) {
                return id;
            }
        }
    }

    /// Whether this instance serves `partition` now.
    pub fn serves(&self, partition: i32) -> bool {
        usize::try_from(partition)
            .ok()
            .filter(|i| *i < self.inner.states.len())
            .is_some_and(|i| {
                self.inner
                    .lock(i)
                    .as_ref()
                    .is_some_and(|s| s.phase == Phase::Serving)
            })
    }

    /// Phase of every partition (`None` = not assigned to this instance).
    pub fn phases(&self) -> Vec<Option<Phase>> {
        (0..self.inner.states.len())
            .map(|p| self.inner.lock(p).as_ref().map(|s| s.phase))
            .collect()
    }

    /// How many times `partition` was (re)assigned: state built before a change is stale.
    pub fn generation(&self, partition: i32) -> u64 {
        usize::try_from(partition).map_or(0, |i| self.inner.generation(i))
    }

    pub fn pause_reader(&self, paused: bool) {
        self.inner.reader_paused.send_replace(paused);
    }

    pub fn clock(&self) -> &SharedClock {
        &self.inner.clock
    }

    /// The cancel submission for the operation `operation_id` pending on `target` (an
    /// aggregate of type `kind`), if that type's operations can be cancelled.
    pub fn cancel(
        &self,
        kind: &str,
        target: Uuid,
        operation_id: Uuid,
        principal: Principal,
        respond: CancelResponder,
    ) -> Option<Submission> {
        self.inner.kinds.get(kind)?.cancel(CancelRequest {
            target,
            operation_id,
            command_id: self.id_beside(&target),
            at: self.inner.clock.now(),
            principal,
            respond,
        })
    }
}

impl Inner {
    fn lock(&self, partition: usize) -> MutexGuard<'_, Option<PartitionState>> {
        self.states[partition]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Hands one record for `partition` to the producer; the future resolves on delivery.
    fn enqueue(
        &self,
        partition: i32,
        key: &str,
        bytes: &[u8],
        headers: rdkafka::message::OwnedHeaders,
    ) -> Result<rdkafka::producer::DeliveryFuture, rdkafka::error::KafkaError> {
        let record = rdkafka::producer::FutureRecord::to(&self.config.topic)
            .partition(partition)
            .key(key)
            .payload(bytes)
            .headers(headers);
        self.producer
            .send_result(record)
            .map_err(|(error, _)| error)
    }

    fn prepared(&self, partition: usize) -> MutexGuard<'_, Option<PartitionState>> {
        self.prepared[partition]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn manifest(&self, partition: usize) -> MutexGuard<'_, Option<proto::snapshot::Manifest>> {
        self.manifests[partition]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn generation(&self, partition: usize) -> u64 {
        self.generations[partition].load(Ordering::SeqCst)
    }

    fn record_serving(&self) {
        let serving = (0..self.states.len())
            .filter(|p| {
                self.lock(*p)
                    .as_ref()
                    .is_some_and(|s| s.phase == Phase::Serving)
            })
            .count();
        self.metrics.serving.record(serving as u64, &[]);
    }
}

/// A latency histogram of one write-path stage, with buckets fine enough for the
/// sub-millisecond stages of an idle system.
fn stage_histogram(meter: &opentelemetry::metrics::Meter, name: &'static str) -> Histogram<f64> {
    meter
        .f64_histogram(name)
        .with_unit("s")
        .with_boundaries(vec![
            0.000_25, 0.000_5, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
        ])
        .build()
}
