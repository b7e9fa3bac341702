//! The write model of one owned partition: the validity rule's state, the confirmed
//! aggregates (any registered kind), the speculative overlay of pending commands,
//! read-back waiters, the idempotency tables, and quarantined aggregates. All mutation
//! happens under the partition's lock, by the reader (applying records in offset order)
//! or by a submission (deciding and enqueueing). It never talks to Kafka itself, never
//! answers before read-back, and never folds past a record it cannot read.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use domain::log_validity::{PartitionLog, WriterClaim};
use domain::record::{Batch, ClaimRecord, Record};
use platform::consistency::Position;
use tokio::sync::oneshot;
use uuid::Uuid;

use super::aggregates::{Aggregates, FastHash};
use super::idempotency::IdempotencyTable;
use super::kinds::{AnyState, Kinds};
use super::types::{Accepted, IdempotencyRequest, SubmitError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading the partition; not yet owning it.
    Restoring,
    /// Our claim is the current valid claim: commands are served.
    Serving,
    /// A newer claim was read, or one of our batches was ignored: not served any more.
    Fenced,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Restoring => "restoring",
            Self::Serving => "serving",
            Self::Fenced => "fenced",
        }
    }
}

/// What the reader found for a pending command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadBack {
    Valid { offset: i64 },
    Invalid,
}

/// What applying a claim asks the caller to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOutcome {
    Nothing,
    NowServing,
    ClaimAgain,
}

/// What applying records found that the caller must count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub ignored: u64,
    pub quarantined: u64,
}

struct Waiter {
    aggregate_id: Uuid,
    scope: Option<String>,
    reply: oneshot::Sender<ReadBack>,
}

/// An aggregate's state as the next command sees it, with whether commands are pending.
pub struct Current<'a> {
    pub state: Option<&'a dyn AnyState>,
    pub pending: bool,
}

pub struct PartitionState {
    pub partition: i32,
    pub phase: Phase,
    pub my_claim: Option<WriterClaim>,
    pub next_offset: i64,
    /// The claim epoch last read back valid, whoever wrote it.
    pub current_epoch: u64,
    pub(super) log: PartitionLog,
    pub(super) kinds: Arc<Kinds>,
    /// Every aggregate of the partition, indexed by kind. Shared pointers, so a
    /// snapshot copies the map under the lock and encodes off it.
    pub(super) confirmed: Aggregates,
    /// What our pending batches make of their aggregates, and how many are pending.
    speculative: HashMap<Uuid, (Box<dyn AnyState>, usize), FastHash>,
    /// Aggregates whose history contains a valid batch that cannot be folded, with why.
    pub(super) quarantined: HashMap<Uuid, String, FastHash>,
    waiters: HashMap<Uuid, Waiter, FastHash>,
    pub(super) idempotency: IdempotencyTable,
    pub tally: Tally,
    /// Valid batches folded since the last snapshot was taken (or since restore).
    pub(super) valid_since_snapshot: u64,
    /// A snapshot of this partition is being encoded or stored.
    pub(super) snapshot_running: bool,
    /// Where restore started and when, until the partition is caught up.
    pub(super) restore: Option<RestoreStart>,
}

/// What a restore started from, for its log line and metric.
#[derive(Debug, Clone, Copy)]
pub struct RestoreStart {
    pub source: RestoreSource,
    pub at: std::time::Instant,
    pub from_offset: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreSource {
    Snapshot,
    Log,
}

impl RestoreSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Snapshot => "snapshot",
            Self::Log => "log",
        }
    }
}

impl PartitionState {
    pub fn new(partition: i32, kinds: Arc<Kinds>, retention: Duration) -> Self {
        Self {
            partition,
            phase: Phase::Restoring,
            my_claim: None,
            next_offset: 0,
            current_epoch: 0,
            log: PartitionLog::default(),
            kinds,
            confirmed: Aggregates::default(),
            speculative: HashMap::default(),
            quarantined: HashMap::default(),
            waiters: HashMap::default(),
            idempotency: IdempotencyTable::new(retention),
            tally: Tally::default(),
            valid_since_snapshot: 0,
            snapshot_running: false,
            restore: Some(RestoreStart {
                source: RestoreSource::Log,
                at: std::time::Instant::now(),
                from_offset: 0,
            }),
        }
    }

    pub fn highest_epoch(&self) -> u64 {
        self.log.highest_epoch()
    }

    /// The aggregate as the next command sees it: confirmed plus our pending batches.
    pub fn current(&self, id: &Uuid) -> Current<'_> {
        match self.speculative.get(id) {
            Some((state, _)) => Current {
                state: Some(state.as_ref()),
                pending: true,
            },
            None => Current {
                state: self.confirmed.get(id).map(AsRef::as_ref),
                pending: false,
            },
        }
    }

    /// Every aggregate, current view, with its id and whether a batch for it is pending.
    pub fn all(&self) -> impl Iterator<Item = (Uuid, &dyn AnyState, bool)> + '_ {
        let confirmed = self
            .confirmed
            .iter()
            .filter(|(id, _)| !self.speculative.contains_key(id))
            .map(|(id, state)| (*id, state.as_ref(), false));
        let pending = self
            .speculative
            .iter()
            .map(|(id, (state, _))| (*id, state.as_ref(), true));
        confirmed.chain(pending)
    }

    /// Every aggregate of `kind` (only the unsettled ones if `unsettled_only`), current
    /// view, for reconcilers: the confirmed ones through the index, so reconcilers that
    /// tick often never walk the whole partition, and the pending ones, which are few,
    /// judged by their pending state.
    pub fn of_kind<'a>(
        &'a self,
        kind: &'static str,
        unsettled_only: bool,
    ) -> impl Iterator<Item = (&'a dyn AnyState, bool)> + 'a {
        let confirmed = self
            .confirmed
            .of_kind(kind, unsettled_only)
            .filter(|(id, _)| !self.speculative.contains_key(*id))
            .map(|(_, state)| (state.as_ref(), false));
        let pending = self
            .speculative
            .values()
            .filter(move |(state, _)| state.kind() == kind)
            .filter(move |(state, _)| !unsettled_only || state.unsettled())
            .map(|(state, _)| (state.as_ref(), true));
        confirmed.chain(pending)
    }

    pub fn quarantine_reason(&self, id: &Uuid) -> Option<&str> {
        self.quarantined.get(id).map(String::as_str)
    }

    /// A replay of a completed Idempotency-Key, or the error a busy or reused key gets.
    pub fn replay(
        &self,
        idem: Option<&IdempotencyRequest>,
        now: DateTime<Utc>,
    ) -> Result<Option<Accepted>, SubmitError> {
        match idem {
            Some(idem) => self.idempotency.check(idem, now),
            None => Ok(None),
        }
    }

    /// Remembers a domain rejection so a retry with the same key gets the same answer.
    pub fn remember_rejection(
        &mut self,
        idem: Option<&IdempotencyRequest>,
        error: &SubmitError,
        now: DateTime<Utc>,
    ) {
        if let Some(idem) = idem {
            self.idempotency.remember_rejection(idem, error, now);
        }
    }

    /// Records a command whose batch has been handed to the producer.
    pub fn register_pending(
        &mut self,
        command_id: Uuid,
        aggregate_id: Uuid,
        state_after: Box<dyn AnyState>,
        idem: Option<&IdempotencyRequest>,
        reply: oneshot::Sender<ReadBack>,
    ) {
        let count = self.speculative.get(&aggregate_id).map_or(0, |(_, n)| *n);
        self.speculative
            .insert(aggregate_id, (state_after, count + 1));
        let scope = idem.map(|i| i.scope.clone());
        if let Some(scope) = &scope {
            self.idempotency.begin(scope, command_id);
        }
        self.waiters.insert(
            command_id,
            Waiter {
                aggregate_id,
                scope,
                reply,
            },
        );
    }

    /// Forgets a pending command whose delivery failed; returns whether it was ours.
    /// The speculative overlay may now be ahead of the log, so the partition stops
    /// serving until it is claimed afresh.
    pub fn abandon_pending(&mut self, command_id: &Uuid) -> bool {
        let Some(waiter) = self.waiters.remove(command_id) else {
            return false;
        };
        self.release(&waiter);
        self.fence();
        true
    }

    /// Stops serving: fails every pending command and drops speculative state.
    pub fn fence(&mut self) {
        if self.phase == Phase::Serving {
            tracing::warn!(
                partition = self.partition,
                "partition fenced; no longer serving"
            );
        }
        self.phase = Phase::Fenced;
        self.my_claim = None;
        for (_, waiter) in self.waiters.drain() {
            let _ = waiter.reply.send(ReadBack::Invalid);
        }
        self.speculative.clear();
        self.idempotency.abandon_in_flight();
    }

    fn release(&mut self, waiter: &Waiter) {
        if let Some(scope) = &waiter.scope {
            self.idempotency.end(scope);
        }
        if let Some((_, n)) = self.speculative.get_mut(&waiter.aggregate_id) {
            *n -= 1;
            if *n == 0 {
                self.speculative.remove(&waiter.aggregate_id);
            }
        }
    }

    /// Applies one record as read from the log at `offset`: decoded through `proto`, or
    /// skipped as undecodable. The one path of the reader and of snapshot tests.
    pub fn apply_bytes(
        &mut self,
        offset: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
    ) -> ClaimOutcome {
        let decoded = match value {
            Some(value) => proto::decode_record(value).map_err(|e| e.to_string()),
            None => Err("record has no value".to_owned()),
        };
        match decoded {
            Ok(record) => self.apply(offset, record),
            Err(reason) => {
                self.skip_undecodable(offset, key, &reason);
                ClaimOutcome::Nothing
            }
        }
    }

    /// Applies one decoded record read at `offset`. Returns what a claim asks for.
    pub fn apply(&mut self, offset: i64, record: Record) -> ClaimOutcome {
        self.next_offset = offset + 1;
        match record {
            Record::Claim(claim) => self.apply_claim(claim),
            Record::Batch(batch) => {
                self.apply_batch(offset, batch);
                ClaimOutcome::Nothing
            }
        }
    }

    /// A record that cannot be decoded. Every reader ignores it alike (the validity rule
    /// never saw it), but the aggregate it names — if its key names one — may have lost
    /// a valid change, so that aggregate is quarantined rather than folded past.
    pub fn skip_undecodable(&mut self, offset: i64, key: Option<&[u8]>, reason: &str) {
        self.next_offset = offset + 1;
        let id = key
            .and_then(|k| std::str::from_utf8(k).ok())
            .and_then(|k| Uuid::parse_str(k).ok());
        match id {
            Some(id) => self.quarantine(
                id,
                format!("record at offset {offset} cannot be decoded: {reason}"),
            ),
            None => {
                tracing::error!(
                    partition = self.partition,
                    offset,
                    reason,
                    "undecodable record without an aggregate key; ignored"
                );
                self.tally.ignored += 1;
            }
        }
    }

    fn quarantine(&mut self, id: Uuid, reason: String) {
        tracing::error!(partition = self.partition, aggregate_id = %id, %reason, "aggregate quarantined");
        self.tally.quarantined += 1;
        self.quarantined.entry(id).or_insert(reason);
        self.confirmed.remove(&id);
    }

    fn apply_claim(&mut self, claim: ClaimRecord) -> ClaimOutcome {
        let claim = claim.claim;
        let valid = self.log.observe_claim(&claim).is_ok();
        if valid {
            self.current_epoch = claim.epoch;
        }
        let ours = self.my_claim.as_ref() == Some(&claim);
        match (valid, ours) {
            (true, true) => {
                self.phase = Phase::Serving;
                tracing::info!(
                    partition = self.partition,
                    epoch = claim.epoch,
                    "partition claimed; serving"
                );
                ClaimOutcome::NowServing
            }
            (true, false) if self.phase == Phase::Serving => {
                self.fence();
                ClaimOutcome::Nothing
            }
            (false, true) => ClaimOutcome::ClaimAgain,
            _ => {
                self.tally.ignored += u64::from(!valid);
                ClaimOutcome::Nothing
            }
        }
    }

    fn apply_batch(&mut self, offset: i64, batch: Batch) {
        let header = &batch.header;
        let id = header.aggregate_id;
        let verdict = self
            .log
            .observe_batch(&id, &header.claim, header.from_version, batch.len());
        if verdict.is_err() {
            self.tally.ignored += 1;
            if self.waiters.contains_key(&header.command_id) {
                // One of our own batches was ignored: another writer owns the partition.
                self.fence();
            }
            return;
        }
        self.valid_since_snapshot += 1;
        let folded = self.fold(&batch);
        let position = Position {
            partition: self.partition,
            offset,
        };
        self.idempotency.record_completion(position, header);
        let read_back = match folded {
            Ok(()) => ReadBack::Valid { offset },
            Err(reason) => {
                self.quarantine(id, reason);
                ReadBack::Invalid
            }
        };
        if let Some(waiter) = self.waiters.remove(&header.command_id) {
            self.release(&waiter);
            let _ = waiter.reply.send(read_back);
        }
    }

    /// Folds a valid batch into its aggregate; an unknown type or an event that cannot
    /// be decoded is an error, never a silent skip.
    fn fold(&mut self, batch: &Batch) -> Result<(), String> {
        let header = &batch.header;
        if let Some(reason) = self.quarantined.get(&header.aggregate_id) {
            return Err(format!("behind an earlier unreadable record ({reason})"));
        }
        let kind = self
            .kinds
            .get(&header.aggregate_type)
            .ok_or_else(|| format!("unknown aggregate type {:?}", header.aggregate_type))?;
        let current = self.confirmed.get(&header.aggregate_id).map(AsRef::as_ref);
        let state = kind
            .fold(current, &batch.events)
            .map_err(|e| format!("undecodable event: {e}"))?;
        self.confirmed.insert(header.aggregate_id, Arc::from(state));
        Ok(())
    }
}
