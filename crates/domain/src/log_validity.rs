//! The validity rule of the event log (architecture.md §3), written once and used by the
//! command side's restore, the projector, replay tools and tests, so that every reader
//! agrees on the history whatever a stale writer managed to append. It decides only;
//! it never reads or writes the log itself.

use std::collections::HashMap;

use uuid::Uuid;

/// The authority a writer stamps on each batch: an epoch and the writer's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct WriterClaim {
    pub epoch: u64,
    pub writer_id: String,
}

/// Why a record was ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ignored {
    /// A claim whose epoch does not exceed the current valid claim's.
    StaleClaim { current_epoch: u64 },
    /// A batch stamped with a claim other than the current valid one (a fenced writer).
    WrongClaim { current: Option<WriterClaim> },
    /// A batch whose `from_version` is not the aggregate's current version.
    VersionGap {
        current_version: u64,
        from_version: u64,
    },
}

/// A claim is valid iff its epoch is greater than the current valid claim's epoch.
pub fn check_claim(current: Option<&WriterClaim>, candidate: &WriterClaim) -> Result<(), Ignored> {
    match current {
        Some(cur) if candidate.epoch <= cur.epoch => Err(Ignored::StaleClaim {
            current_epoch: cur.epoch,
        }),
        _ => Ok(()),
    }
}

/// A batch is valid iff it carries the current valid claim and continues the aggregate's
/// history exactly where it stands.
pub fn check_batch(
    current: Option<&WriterClaim>,
    batch_claim: &WriterClaim,
    current_version: u64,
    from_version: u64,
) -> Result<(), Ignored> {
    if current != Some(batch_claim) {
        return Err(Ignored::WrongClaim {
            current: current.cloned(),
        });
    }
    if from_version != current_version {
        return Err(Ignored::VersionGap {
            current_version,
            from_version,
        });
    }
    Ok(())
}

/// The rule applied to one partition walked in offset order, with aggregate versions
/// kept in memory. Readers that keep versions elsewhere (the projector keeps them in
/// MariaDB) call [`check_claim`] and [`check_batch`] directly.
#[derive(Debug, Default, Clone)]
pub struct PartitionLog {
    claim: Option<WriterClaim>,
    highest_epoch: u64,
    /// Version per aggregate, hashed with foldhash: restore observes every record of
    /// the partition here, and ids are not attacker-chosen keys.
    versions: HashMap<Uuid, u64, foldhash::fast::RandomState>,
    ignored: u64,
}

impl PartitionLog {
    /// Observes a claim; returns whether it became the current valid claim.
    pub fn observe_claim(&mut self, claim: &WriterClaim) -> Result<(), Ignored> {
        self.highest_epoch = self.highest_epoch.max(claim.epoch);
        let verdict = check_claim(self.claim.as_ref(), claim);
        match verdict {
            Ok(()) => self.claim = Some(claim.clone()),
            Err(_) => self.ignored += 1,
        }
        verdict
    }

    /// Observes a batch of `event_count` events for `aggregate_id`; returns whether it is
    /// valid, and if so advances the aggregate's version.
    pub fn observe_batch(
        &mut self,
        aggregate_id: &Uuid,
        claim: &WriterClaim,
        from_version: u64,
        event_count: u64,
    ) -> Result<(), Ignored> {
        let current_version = self.version_of(aggregate_id);
        let verdict = check_batch(self.claim.as_ref(), claim, current_version, from_version);
        match verdict {
            Ok(()) => {
                self.versions
                    .insert(*aggregate_id, from_version + event_count);
            }
            Err(_) => self.ignored += 1,
        }
        verdict
    }

    pub fn version_of(&self, aggregate_id: &Uuid) -> u64 {
        self.versions.get(aggregate_id).copied().unwrap_or(0)
    }

    pub fn current_claim(&self) -> Option<&WriterClaim> {
        self.claim.as_ref()
    }

    /// The highest epoch seen, valid or not; a new claim must exceed it.
    pub fn highest_epoch(&self) -> u64 {
        self.highest_epoch
    }

    /// How many records were ignored so far.
    pub fn ignored(&self) -> u64 {
        self.ignored
    }

    /// Every aggregate's version, in no particular order (for snapshots of the rule's state).
    pub fn versions(&self) -> impl Iterator<Item = (Uuid, u64)> + '_ {
        self.versions.iter().map(|(id, version)| (*id, *version))
    }

    /// The rule's state as a snapshot recorded it: walking on from here decides exactly
    /// as walking on from the records the snapshot covers would.
    pub fn restored(
        claim: Option<WriterClaim>,
        highest_epoch: u64,
        versions: impl IntoIterator<Item = (Uuid, u64)>,
    ) -> Self {
        Self {
            claim,
            highest_epoch,
            versions: versions.into_iter().collect(),
            ignored: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Uuid = Uuid::from_u128(0xa);

    fn claim(epoch: u64, writer: &str) -> WriterClaim {
        WriterClaim {
            epoch,
            writer_id: writer.into(),
        }
    }

    #[test]
    fn a_batch_before_any_claim_is_ignored() {
        let mut log = PartitionLog::default();
        assert!(matches!(
            log.observe_batch(&A, &claim(1, "w1"), 0, 1),
            Err(Ignored::WrongClaim { .. })
        ));
    }

    #[test]
    fn batches_of_the_current_claim_advance_versions() {
        let mut log = PartitionLog::default();
        log.observe_claim(&claim(1, "w1"))
            .expect("first claim is valid");
        log.observe_batch(&A, &claim(1, "w1"), 0, 2).expect("valid");
        log.observe_batch(&A, &claim(1, "w1"), 2, 1).expect("valid");
        assert_eq!(log.version_of(&A), 3);
    }

    #[test]
    fn a_fenced_writer_is_ignored_after_a_newer_claim() {
        let mut log = PartitionLog::default();
        log.observe_claim(&claim(1, "old")).expect("valid");
        log.observe_claim(&claim(2, "new")).expect("valid");
        let zombie = log.observe_batch(&A, &claim(1, "old"), 0, 1);
        assert_eq!(
            zombie,
            Err(Ignored::WrongClaim {
                current: Some(claim(2, "new"))
            })
        );
        assert_eq!((log.version_of(&A), log.ignored()), (0, 1));
    }

    #[test]
    fn a_claim_must_exceed_the_current_epoch() {
        let mut log = PartitionLog::default();
        log.observe_claim(&claim(2, "w1")).expect("valid");
        assert_eq!(
            log.observe_claim(&claim(2, "w2")),
            Err(Ignored::StaleClaim { current_epoch: 2 })
        );
        assert_eq!(log.current_claim(), Some(&claim(2, "w1")));
        assert_eq!(log.highest_epoch(), 2);
    }

    #[test]
    fn two_batches_from_the_same_version_keep_only_the_first() {
        let mut log = PartitionLog::default();
        log.observe_claim(&claim(1, "w")).expect("valid");
        log.observe_batch(&A, &claim(1, "w"), 0, 1).expect("valid");
        let duplicate = log.observe_batch(&A, &claim(1, "w"), 0, 1);
        assert_eq!(
            duplicate,
            Err(Ignored::VersionGap {
                current_version: 1,
                from_version: 0
            })
        );
    }

    #[test]
    fn a_restored_rule_decides_like_the_walk_it_was_taken_from() {
        let mut walked = PartitionLog::default();
        walked.observe_claim(&claim(1, "w1")).unwrap();
        walked.observe_batch(&A, &claim(1, "w1"), 0, 2).unwrap();
        walked.observe_claim(&claim(3, "w2")).unwrap();
        let _ = walked.observe_claim(&claim(2, "w3"));
        let mut restored = PartitionLog::restored(
            walked.current_claim().cloned(),
            walked.highest_epoch(),
            walked.versions(),
        );
        assert_eq!(restored.highest_epoch(), 3);
        assert_eq!(restored.version_of(&A), 2);
        for log in [&mut walked, &mut restored] {
            assert!(
                log.observe_batch(&A, &claim(1, "w1"), 2, 1).is_err(),
                "fenced writer"
            );
            assert!(
                log.observe_batch(&A, &claim(3, "w2"), 1, 1).is_err(),
                "version gap"
            );
            assert!(log.observe_batch(&A, &claim(3, "w2"), 2, 1).is_ok());
            assert!(
                log.observe_claim(&claim(3, "w4")).is_err(),
                "not above the current epoch"
            );
        }
    }
}
