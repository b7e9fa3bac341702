//! The writer's reader side: turns the group reader's events into partition state.
//! Assignment starts a restore and a claim, revocation drops the partition, and records
//! are folded in offset order under the partition lock, waking read-back waiters. It
//! never produces records itself, except by starting a claim task.
//!
//! Partitions are independent write models, so their events are folded on several
//! lanes at once (one per core): partition p always goes to lane p mod lanes, which
//! keeps every partition's assignments, records and revocations in the order the
//! reader saw them. A lane must never take a partition of another lane.

use std::sync::atomic::Ordering;
use std::time::Duration;

use platform::kafka::{LogEntry, ReaderEvent};
use tokio::sync::mpsc;

use super::Writer;
use super::partition::{ClaimOutcome, PartitionState};
use crate::ownership::Owner;

/// One partition's share of a reader event.
enum LaneEvent {
    Assigned(i32),
    Revoked(i32),
    Records(i32, Vec<LogEntry>),
}

/// Events a lane may hold before the reader waits for it (backpressure on the poll).
const LANE_CAPACITY: usize = 16;

impl Writer {
    /// Consumes reader events until the reader stops, folding partitions on
    /// `lane_count()` lanes.
    pub async fn run_reader(self, mut events: mpsc::Receiver<ReaderEvent>) {
        let lanes: Vec<mpsc::Sender<LaneEvent>> = (0..self.lane_count())
            .map(|_| {
                let (tx, rx) = mpsc::channel(LANE_CAPACITY);
                tokio::spawn(self.clone().run_lane(rx));
                tx
            })
            .collect();
        // A paused reader is held by the lanes, before each event they apply; this loop
        // only hands events on, and stops when the lanes stop taking them.
        while let Some(event) = events.recv().await {
            let shares: Vec<LaneEvent> = match event {
                ReaderEvent::Assigned(ps) => ps.into_iter().map(LaneEvent::Assigned).collect(),
                ReaderEvent::Revoked(ps) => ps.into_iter().map(LaneEvent::Revoked).collect(),
                ReaderEvent::Records(p, records) => vec![LaneEvent::Records(p, records)],
            };
            for share in shares {
                let lane = usize::try_from(share.partition()).unwrap_or(0) % lanes.len();
                if lanes[lane].send(share).await.is_err() {
                    return;
                }
            }
        }
    }

    /// One lane per core, at most one per partition: folding is CPU work, and more
    /// lanes than cores would only take turns.
    pub(super) fn lane_count(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        cores.clamp(1, self.inner.states.len().max(1))
    }

    /// Applies one lane's events in the order they were sent; a paused reader holds
    /// every lane before its next event.
    async fn run_lane(self, mut events: mpsc::Receiver<LaneEvent>) {
        let mut paused = self.inner.reader_paused.subscribe();
        while let Some(event) = events.recv().await {
            let _ = paused.wait_for(|paused| !*paused).await;
            let phase_changed = match event {
                LaneEvent::Assigned(partition) => {
                    self.assign(partition);
                    true
                }
                LaneEvent::Revoked(partition) => {
                    self.revoke(partition);
                    true
                }
                LaneEvent::Records(partition, records) => self.apply_records(partition, records),
            };
            // Counting serving partitions locks every partition, so only when it moved:
            // on every batch it would wait for the other lanes' folds.
            if phase_changed {
                self.inner.record_serving();
            }
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

    /// Folds `records` into `partition`'s state; true when its phase changed.
    fn apply_records(&self, partition: i32, records: Vec<LogEntry>) -> bool {
        let Some(index) = self.index(partition) else {
            return false;
        };
        let mut claim_again = false;
        let mut now_serving = None;
        let phase_changed;
        {
            let mut guard = self.inner.lock(index);
            let Some(state) = guard.as_mut() else {
                return false;
            };
            let before = state.tally;
            let phase_before = state.phase;
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
            phase_changed = state.phase != phase_before;
        }
        if claim_again {
            self.spawn_claim(index, Duration::ZERO);
        }
        self.maybe_snapshot(index);
        if let Some(claim) = now_serving {
            self.announce(partition, claim);
        }
        phase_changed
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

impl LaneEvent {
    fn partition(&self) -> i32 {
        match self {
            Self::Assigned(p) | Self::Revoked(p) | Self::Records(p, _) => *p,
        }
    }
}
