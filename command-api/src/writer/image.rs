//! A partition's write model as a snapshot image and back. `capture` copies what a
//! snapshot needs under the partition lock (pointer copies of the states and stored
//! responses, ids and versions; nothing is encoded or sorted there), `Captured::encode` turns it into a `PartitionImage` off the lock, and
//! `PartitionState::restored` rebuilds a partition from an image, so that folding the
//! tail after it decides exactly as folding the whole log would. It never reads or
//! writes Kafka.

use std::sync::Arc;

use chrono::Duration;
use domain::log_validity::{PartitionLog, WriterClaim};
use proto::snapshot::{Coverage, EncodedState, PartitionImage};
use uuid::Uuid;

use super::idempotency::SharedKey;
use super::kinds::{AnyState, Kinds};
use super::partition::{PartitionState, RestoreSource, RestoreStart};

/// What a snapshot of one partition holds, copied under its lock.
pub struct Captured {
    pub coverage: Coverage,
    pub claim: Option<WriterClaim>,
    highest_epoch: u64,
    versions: Vec<(Uuid, u64)>,
    states: Vec<(Uuid, Arc<dyn AnyState>)>,
    quarantined: Vec<(Uuid, String)>,
    completed_keys: Vec<SharedKey>,
    kinds: Arc<Kinds>,
}

impl PartitionState {
    /// The confirmed write model at `next_offset`: only records already read back.
    pub fn capture(&self, topic: &str, partition_count: i32) -> Captured {
        Captured {
            coverage: Coverage {
                topic: topic.to_owned(),
                partition: self.partition,
                partition_count,
                next_offset: self.next_offset,
            },
            claim: self.log.current_claim().cloned(),
            highest_epoch: self.log.highest_epoch(),
            versions: self.log.versions().collect(),
            states: self
                .confirmed
                .iter()
                .map(|(id, state)| (*id, Arc::clone(state)))
                .collect(),
            quarantined: self
                .quarantined
                .iter()
                .map(|(id, reason)| (*id, reason.clone()))
                .collect(),
            completed_keys: self.idempotency.completed(),
            kinds: Arc::clone(&self.kinds),
        }
    }

    /// A partition rebuilt from `image`, still restoring: the reader goes on at
    /// `image.coverage.next_offset`. Fails if a state's type or version is unknown.
    pub fn restored(
        image: PartitionImage,
        kinds: Arc<Kinds>,
        retention: Duration,
    ) -> Result<Self, String> {
        let coverage = image.coverage;
        let mut state = Self::new(coverage.partition, Arc::clone(&kinds), retention);
        for encoded in image.aggregates {
            let kind = kinds
                .get(&encoded.aggregate_type)
                .ok_or_else(|| format!("unknown aggregate type {:?}", encoded.aggregate_type))?;
            let decoded = kind
                .decode_state(encoded.state_version, &encoded.bytes)
                .map_err(|e| format!("state of {} cannot be decoded: {e}", encoded.id))?;
            state.confirmed.insert(encoded.id, Arc::from(decoded));
        }
        state.current_epoch = image.claim.as_ref().map_or(0, |c| c.epoch);
        state.log = PartitionLog::restored(image.claim, image.highest_epoch, image.versions);
        state.quarantined = image.quarantined.into_iter().collect();
        state
            .idempotency
            .restore_completed(coverage.partition, image.completed_keys);
        state.next_offset = coverage.next_offset;
        state.restore = Some(RestoreStart {
            source: RestoreSource::Snapshot,
            at: std::time::Instant::now(),
            from_offset: coverage.next_offset,
        });
        Ok(state)
    }
}

impl Captured {
    /// Encodes every state with its type's codec, in a canonical order (equal write
    /// models give equal images). Fails if a state has no registered type.
    pub fn encode(mut self) -> Result<PartitionImage, String> {
        self.versions.sort_unstable();
        self.states.sort_unstable_by_key(|(id, _)| *id);
        self.quarantined.sort_unstable();
        self.completed_keys
            .sort_unstable_by(|a, b| a.scope.cmp(&b.scope));
        let aggregates = self
            .states
            .iter()
            .map(|(id, state)| {
                let (state_version, bytes) = self
                    .kinds
                    .get(state.kind())
                    .and_then(|kind| kind.encode_state(state.as_ref()))
                    .ok_or_else(|| format!("no state codec for type {:?}", state.kind()))?;
                Ok(EncodedState {
                    id: *id,
                    aggregate_type: state.kind().to_owned(),
                    state_version,
                    bytes,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(PartitionImage {
            coverage: self.coverage,
            claim: self.claim,
            highest_epoch: self.highest_epoch,
            versions: self.versions,
            aggregates,
            quarantined: self.quarantined,
            completed_keys: self
                .completed_keys
                .into_iter()
                .map(SharedKey::into_completed)
                .collect(),
        })
    }
}
