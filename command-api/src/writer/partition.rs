//! The write model of one owned partition: the validity rule's state, the confirmed
//! droplets, the speculative overlay of pending commands, waiters for read-back, and the
//! idempotency tables. All mutation happens under the partition's lock, by the reader
//! (applying records in offset order) or by a submission (deciding and enqueueing).
//! It never talks to Kafka itself and never answers before read-back.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use domain::Aggregate;
use domain::droplet::{Droplet, DropletEvent};
use domain::log_validity::{PartitionLog, WriterClaim};
use proto::wire::{EventBatch, OwnershipClaim, log_record::Record};
use tokio::sync::oneshot;
use uuid::Uuid;

use super::addresses::AddressBook;
use super::idempotency::IdempotencyTable;
use super::types::{Accepted, IdempotencyRequest, Position, SubmitError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading the partition; not yet owning it.
    Restoring,
    /// Our claim is the current valid claim: commands are served.
    Serving,
    /// A newer claim was read, or one of our batches was ignored: not served any more.
    Fenced,
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

struct Waiter {
    aggregate_id: Uuid,
    scope: Option<String>,
    reply: oneshot::Sender<ReadBack>,
}

/// A decision made on speculative state, ready to be appended.
pub struct Decided {
    pub from_version: u64,
    pub events: Vec<DropletEvent>,
    pub state_after: Droplet,
}

/// The outcome of looking a submission up before deciding.
pub enum Precheck {
    Replay(Accepted),
    Decide(Droplet),
}

pub struct PartitionState {
    pub partition: i32,
    pub phase: Phase,
    pub my_claim: Option<WriterClaim>,
    pub next_offset: i64,
    log: PartitionLog,
    droplets: HashMap<Uuid, Droplet>,
    speculative: HashMap<Uuid, (Droplet, usize)>,
    waiters: HashMap<Uuid, Waiter>,
    idempotency: IdempotencyTable,
    pub addresses: AddressBook,
    pub ignored_records: u64,
}

impl PartitionState {
    pub fn new(partition: i32, retention: Duration) -> Self {
        Self {
            partition,
            phase: Phase::Restoring,
            my_claim: None,
            next_offset: 0,
            log: PartitionLog::default(),
            droplets: HashMap::new(),
            speculative: HashMap::new(),
            waiters: HashMap::new(),
            idempotency: IdempotencyTable::new(retention),
            addresses: AddressBook::new(partition),
            ignored_records: 0,
        }
    }

    pub fn highest_epoch(&self) -> u64 {
        self.log.highest_epoch()
    }

    /// The droplet as the next command sees it: confirmed plus our pending batches.
    pub fn current(&self, id: &Uuid) -> Droplet {
        match self.speculative.get(id) {
            Some((state, _)) => state.clone(),
            None => self.droplets.get(id).cloned().unwrap_or_default(),
        }
    }

    pub fn has_pending(&self, id: &Uuid) -> bool {
        self.speculative.contains_key(id)
    }

    /// Droplets of this partition, current view, for reconcilers.
    pub fn droplets(&self) -> impl Iterator<Item = &Droplet> + '_ {
        let confirmed = self
            .droplets
            .iter()
            .filter(|(id, _)| !self.speculative.contains_key(id))
            .map(|(_, droplet)| droplet);
        confirmed.chain(self.speculative.values().map(|(droplet, _)| droplet))
    }

    /// Idempotency look-ups before any decision (api.md §5).
    pub fn precheck(
        &self,
        id: &Uuid,
        idem: Option<&IdempotencyRequest>,
        now: DateTime<Utc>,
    ) -> Result<Precheck, SubmitError> {
        if let Some(replay) = idem
            .map(|i| self.idempotency.check(i, now))
            .transpose()?
            .flatten()
        {
            return Ok(Precheck::Replay(replay));
        }
        Ok(Precheck::Decide(self.current(id)))
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
        state_after: Droplet,
        idem: Option<&IdempotencyRequest>,
        reply: oneshot::Sender<ReadBack>,
    ) {
        let aggregate_id = state_after.id;
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

    /// A record that could not be decoded: every reader ignores it alike.
    pub fn skip_undecodable(&mut self, offset: i64) {
        self.next_offset = offset + 1;
        self.ignored_records += 1;
    }

    fn apply_claim(&mut self, claim: OwnershipClaim) -> ClaimOutcome {
        let claim = WriterClaim {
            epoch: claim.epoch,
            writer_id: claim.writer_id,
        };
        let valid = self.log.observe_claim(&claim).is_ok();
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
                self.ignored_records += u64::from(!valid);
                ClaimOutcome::Nothing
            }
        }
    }

    fn apply_batch(&mut self, offset: i64, batch: EventBatch) {
        let Some(header) = batch.header else {
            self.ignored_records += 1;
            return;
        };
        let command_id = Uuid::parse_str(&header.command_id).unwrap_or_default();
        let claim = proto::writer_claim_from_wire(header.claim.as_ref()).unwrap_or_default();
        let count = batch.events.len() as u64;
        if self
            .log
            .observe_batch(&header.aggregate_id, &claim, header.from_version, count)
            .is_err()
        {
            self.ignored_records += 1;
            if self.waiters.contains_key(&command_id) {
                // One of our own batches was ignored: another writer owns the partition.
                self.fence();
            }
            return;
        }
        let Ok(aggregate_id) = Uuid::parse_str(&header.aggregate_id) else {
            return;
        };
        let mut state = self.droplets.remove(&aggregate_id).unwrap_or_default();
        for event in &batch.events {
            match proto::decode_droplet_event(&event.r#type, event.schema_version, &event.payload) {
                Ok(event) => {
                    self.addresses.observe(&event);
                    state = state.evolve(&event);
                }
                Err(error) => {
                    tracing::error!(%error, offset, "valid batch with an undecodable event")
                }
            }
        }
        self.droplets.insert(aggregate_id, state);
        let position = Position {
            partition: self.partition,
            offset,
        };
        self.idempotency.record_completion(position, &header);
        if let Some(waiter) = self.waiters.remove(&command_id) {
            self.release(&waiter);
            let _ = waiter.reply.send(ReadBack::Valid { offset });
        }
    }

    /// Decides a command on the current (speculative) state.
    pub fn decide(
        &self,
        state: Droplet,
        command: &domain::droplet::DropletCommand,
        expected_version: Option<u64>,
    ) -> Result<Decided, SubmitError> {
        if expected_version.is_some_and(|v| v != state.version) {
            return Err(SubmitError::PreconditionFailed {
                current_version: state.version,
            });
        }
        let events = state.decide(command).map_err(SubmitError::Domain)?;
        let from_version = state.version;
        let state_after = events.iter().fold(state, |s, e| s.evolve(e));
        Ok(Decided {
            from_version,
            events,
            state_after,
        })
    }
}
