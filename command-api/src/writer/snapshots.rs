//! Snapshots in the writer's life: before a partition is assigned, its newest snapshot is
//! loaded, checked against the log it covers (topic, partition count, offset not past
//! the log's end) and decoded into a restoring partition, so the reader starts at the
//! snapshot's offset; otherwise at the beginning (full replay). While serving, every
//! `snapshot_every` valid records, the owner captures its write model under the lock
//! and encodes and stores it in the background. Restore time is logged and measured by
//! source. Snapshots never decide anything: a partition restored from one folds the tail
//! with the same validity rule, and a missing or bad one costs a replay, not a failure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use rdkafka::Offset;
use rdkafka::consumer::Consumer;

use super::Writer;
use super::partition::{PartitionState, Phase};
use super::snapshot_store::{SnapshotReader, SnapshotStore};

impl Writer {
    /// Where the reader starts each of `partitions` (a rebalance's assignment): just
    /// after its snapshot, prepared for `assign` to pick up, or at the beginning.
    /// Blocking (reads the snapshots topic): called from the reader's rebalance callback,
    /// which may block. Loading is CPU work (checksum, decode, rebuild), so partitions
    /// are loaded by one loader per fold lane, each taking the next partition not yet
    /// taken, through a reader of its own for the whole assignment.
    pub fn start_offsets(&self, partitions: &[i32]) -> HashMap<i32, Offset> {
        let Some(store) = self.inner.snapshots.as_ref() else {
            return partitions
                .iter()
                .map(|p| (*p, self.start_offset(None, *p)))
                .collect();
        };
        // No partitions, no loader: a reader costs a client of its own.
        let loaders = self.lane_count().min(partitions.len());
        let next = AtomicUsize::new(0);
        let load = || {
            let reader = open_reader(store);
            std::iter::from_fn(|| partitions.get(next.fetch_add(1, Ordering::Relaxed)))
                .map(|p| (*p, self.start_offset(reader.as_ref(), *p)))
                .collect::<Vec<_>>()
        };
        // A loader that panicked leaves its partitions out: the reader starts them at the
        // beginning, and `start_offset` cleared whatever it had prepared for them.
        std::thread::scope(|scope| {
            let loaders: Vec<_> = (0..loaders).map(|_| scope.spawn(load)).collect();
            loaders
                .into_iter()
                .flat_map(|loader| loader.join().unwrap_or_default())
                .collect()
        })
    }

    fn start_offset(&self, reader: Option<&SnapshotReader>, partition: i32) -> Offset {
        let Some(index) = self.index(partition) else {
            return Offset::Beginning;
        };
        *self.inner.prepared(index) = None;
        *self.inner.manifest(index) = None;
        let Some(reader) = reader else {
            return Offset::Beginning;
        };
        let started = Instant::now();
        match self.prepare(reader, partition) {
            Ok(Some((mut state, manifest))) => {
                let next = state.next_offset;
                if let Some(restore) = state.restore.as_mut() {
                    restore.at = started;
                }
                tracing::info!(partition, next_offset = next, snapshot_id = %manifest.snapshot_id, "restoring from a snapshot");
                *self.inner.prepared(index) = Some(state);
                *self.inner.manifest(index) = Some(manifest);
                Offset::Offset(next)
            }
            Ok(None) => Offset::Beginning,
            Err(error) => {
                tracing::warn!(
                    partition,
                    error = format!("{error:#}"),
                    "snapshot unusable; replaying the whole partition"
                );
                Offset::Beginning
            }
        }
    }

    fn prepare(
        &self,
        reader: &SnapshotReader,
        partition: i32,
    ) -> anyhow::Result<Option<(PartitionState, proto::snapshot::Manifest)>> {
        let Some(loaded) = reader.load(partition)? else {
            return Ok(None);
        };
        let config = &self.inner.config;
        let coverage = &loaded.image.coverage;
        anyhow::ensure!(
            coverage.topic == config.topic
                && coverage.partition == partition
                && coverage.partition_count == config.partitions,
            "snapshot covers {}[{}] of {} partitions, not this log",
            coverage.topic,
            coverage.partition,
            coverage.partition_count
        );
        let (_, end) = self
            .inner
            .metadata
            .fetch_watermarks(&config.topic, partition, Duration::from_secs(5))
            .context("reading the log's end")?;
        anyhow::ensure!(
            coverage.next_offset <= end,
            "snapshot covers offsets up to {} but the log ends at {end}",
            coverage.next_offset
        );
        let state = PartitionState::restored(
            loaded.image,
            self.inner.kinds.clone(),
            config.idempotency_retention,
        )
        .map_err(anyhow::Error::msg)?;
        Ok(Some((state, loaded.manifest)))
    }

    /// Once a partition has read to the log's end: how long its restore took, from where.
    pub(super) fn report_restore(&self, index: usize) {
        let Some((restore, next_offset)) = self
            .inner
            .lock(index)
            .as_mut()
            .and_then(|s| s.restore.take().map(|r| (r, s.next_offset)))
        else {
            return;
        };
        let seconds = restore.at.elapsed().as_secs_f64();
        let source = restore.source.as_str();
        self.inner
            .metrics
            .restore
            .record(seconds, &[opentelemetry::KeyValue::new("source", source)]);
        tracing::info!(
            partition = index,
            source,
            seconds,
            records = next_offset - restore.from_offset,
            next_offset,
            "partition restored"
        );
    }

    /// Starts a background snapshot of `index` if it is served here and due.
    pub(super) fn maybe_snapshot(&self, index: usize) {
        let every = self.inner.config.snapshot_every;
        let Some(store) = self.inner.snapshots.clone() else {
            return;
        };
        let captured = {
            let mut guard = self.inner.lock(index);
            let Some(state) = guard.as_mut() else { return };
            if every == 0
                || state.phase != Phase::Serving
                || state.snapshot_running
                || state.valid_since_snapshot < every
            {
                return;
            }
            state.snapshot_running = true;
            state.valid_since_snapshot = 0;
            state.capture(&self.inner.config.topic, self.inner.config.partitions)
        };
        let generation = self.inner.generation(index);
        let writer = self.clone();
        tokio::spawn(async move {
            let next_offset = captured.coverage.next_offset;
            let outcome = writer.store_snapshot(&store, index, captured).await;
            let current = writer.inner.generation(index) == generation;
            let label = match outcome {
                Ok(manifest) => {
                    tracing::info!(
                        partition = index,
                        next_offset,
                        chunks = manifest.chunk_count,
                        bytes = manifest.byte_length,
                        "snapshot written"
                    );
                    if current {
                        *writer.inner.manifest(index) = Some(manifest);
                    }
                    "written"
                }
                Err(error) => {
                    tracing::warn!(
                        partition = index,
                        error = format!("{error:#}"),
                        "snapshot failed"
                    );
                    "failed"
                }
            };
            writer
                .inner
                .metrics
                .snapshots
                .add(1, &[opentelemetry::KeyValue::new("outcome", label)]);
            if current && let Some(state) = writer.inner.lock(index).as_mut() {
                state.snapshot_running = false;
            }
        });
    }

    async fn store_snapshot(
        &self,
        store: &SnapshotStore,
        index: usize,
        captured: super::image::Captured,
    ) -> anyhow::Result<proto::snapshot::Manifest> {
        let image = tokio::task::spawn_blocking(move || captured.encode())
            .await?
            .map_err(anyhow::Error::msg)?;
        let previous = self.inner.manifest(index).clone();
        store
            .save(&image, previous.as_ref(), self.inner.clock.now())
            .await
    }
}

/// A reader of `store` for one loader, or none (every partition then replays).
fn open_reader(store: &SnapshotStore) -> Option<SnapshotReader> {
    store
        .reader()
        .inspect_err(|error| {
            tracing::warn!(
                error = format!("{error:#}"),
                "snapshots cannot be read; replaying the assigned partitions"
            )
        })
        .ok()
}
