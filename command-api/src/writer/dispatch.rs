//! The writer's reader side: turns the group reader's events into partition state.
//! Assignment starts a restore and a claim, revocation drops the partition, and records
//! are folded in offset order under the partition lock, waking read-back waiters. It
//! never produces records itself, except by starting a claim task.

use std::sync::atomic::Ordering;
use std::time::Duration;

use platform::kafka::{LogEntry, ReaderEvent};
use tokio::sync::mpsc;

use super::Writer;
use super::partition::{ClaimOutcome, PartitionState};
use crate::ownership::Owner;

impl Writer {
    /// Consumes reader events until the reader stops.
    pub async fn run_reader(self, mut events: mpsc::Receiver<ReaderEvent>) {
        let mut paused = self.inner.reader_paused.subscribe();
        while let Some(event) = events.recv().await {
            let _ = paused.wait_for(|paused| !*paused).await;
            match event {
                ReaderEvent::Assigned(partitions) => {
                    partitions.iter().for_each(|p| self.assign(*p))
                }
                ReaderEvent::Revoked(partitions) => partitions.iter().for_each(|p| self.revoke(*p)),
                ReaderEvent::Records(partition, records) => self.apply_records(partition, records),
            }
            self.inner.record_serving();
        }
    }

    fn assign(&self, partition: i32) {
        let Some(index) = self.index(partition) else {
            return;
        };
        self.inner.generations[index].fetch_add(1, Ordering::SeqCst);
        let retention = self.inner.config.idempotency_retention;
        let kinds = self.inner.kinds.clone();
        // The snapshot `start_offset` prepared for this assignment, if any.
        let state = self
            .inner
            .prepared(index)
            .take()
            .filter(|s| s.partition == partition)
            .unwrap_or_else(|| PartitionState::new(partition, kinds, retention));
        let next_offset = state.next_offset;
        *self.inner.lock(index) = Some(state);
        self.inner.read_offsets[index].send_replace(next_offset);
        tracing::info!(partition, next_offset, "partition assigned; restoring");
        self.spawn_claim(index, Duration::ZERO);
    }

    fn revoke(&self, partition: i32) {
        let Some(index) = self.index(partition) else {
            return;
        };
        self.inner.generations[index].fetch_add(1, Ordering::SeqCst);
        if let Some(mut state) = self.inner.lock(index).take() {
            state.fence();
        }
        tracing::info!(partition, "partition revoked");
    }

    fn apply_records(&self, partition: i32, records: Vec<LogEntry>) {
        let Some(index) = self.index(partition) else {
            return;
        };
        let mut claim_again = false;
        let mut now_serving = None;
        {
            let mut guard = self.inner.lock(index);
            let Some(state) = guard.as_mut() else { return };
            let before = state.tally;
            for entry in records {
                if entry.offset < state.next_offset {
                    continue;
                }
                let outcome =
                    state.apply_bytes(entry.offset, entry.key.as_deref(), entry.value.as_deref());
                match outcome {
                    ClaimOutcome::ClaimAgain => claim_again = true,
                    ClaimOutcome::NowServing => now_serving = state.my_claim.clone(),
                    ClaimOutcome::Nothing => {}
                }
            }
            let metrics = &self.inner.metrics;
            metrics
                .ignored
                .add(state.tally.ignored - before.ignored, &[]);
            metrics
                .quarantined
                .add(state.tally.quarantined - before.quarantined, &[]);
            self.inner.read_offsets[index].send_replace(state.next_offset);
        }
        if claim_again {
            self.spawn_claim(index, Duration::ZERO);
        }
        self.maybe_snapshot(index);
        if let Some(claim) = now_serving {
            self.announce(partition, claim);
        }
    }

    /// Tells other instances (through the ownership directory) that we serve `partition`.
    fn announce(&self, partition: i32, claim: domain::log_validity::WriterClaim) {
        let Some(directory) = self.inner.directory.clone() else {
            return;
        };
        let owner = Owner {
            epoch: claim.epoch,
            writer_id: claim.writer_id,
            url: self.inner.config.advertised_url.clone(),
        };
        tokio::spawn(async move {
            if let Err(error) = directory.publish(partition, &owner).await {
                tracing::warn!(
                    partition,
                    error = format!("{error:#}"),
                    "could not announce partition ownership"
                );
            }
        });
    }

    pub(super) fn index(&self, partition: i32) -> Option<usize> {
        usize::try_from(partition)
            .ok()
            .filter(|i| *i < self.inner.states.len())
    }
}
