//! The Idempotency-Key tables of one partition (api.md §5): outcomes confirmed in the log
//! (rebuilt on restore, since they travel in the records), keys whose command is in
//! flight, and domain rejections remembered in memory only. Entries expire after the
//! retention period. It decides nothing about the command itself.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use domain::record::{BatchHeader, StoredResponse};
use platform::consistency::Position;
use proto::snapshot::CompletedKey;
use uuid::Uuid;

use super::types::{Accepted, IdempotencyRequest, SubmitError};

struct Completed {
    fingerprint: String,
    /// Shared, so a snapshot copies a pointer under the partition lock, not the body.
    response: Arc<StoredResponse>,
    position: Position,
    recorded_at: DateTime<Utc>,
}

struct Remembered {
    fingerprint: String,
    error: SubmitError,
    at: DateTime<Utc>,
}

/// A confirmed outcome as a snapshot captures it: the response still shared.
pub struct SharedKey {
    pub scope: String,
    pub fingerprint: String,
    pub response: Arc<StoredResponse>,
    pub offset: i64,
    pub recorded_at: DateTime<Utc>,
}

impl SharedKey {
    pub fn into_completed(self) -> CompletedKey {
        CompletedKey {
            scope: self.scope,
            fingerprint: self.fingerprint,
            response: Arc::unwrap_or_clone(self.response),
            offset: self.offset,
            recorded_at: self.recorded_at,
        }
    }
}

pub struct IdempotencyTable {
    completed: HashMap<String, Completed>,
    in_flight: HashMap<String, Uuid>,
    remembered: HashMap<String, Remembered>,
    retention: Duration,
}

impl IdempotencyTable {
    pub fn new(retention: Duration) -> Self {
        Self {
            completed: HashMap::new(),
            in_flight: HashMap::new(),
            remembered: HashMap::new(),
            retention,
        }
    }

    /// `Some` replay for a completed key with the same request, an error for a reused or
    /// busy key or a remembered rejection, `None` when the command must be decided.
    pub fn check(
        &self,
        idem: &IdempotencyRequest,
        now: DateTime<Utc>,
    ) -> Result<Option<Accepted>, SubmitError> {
        let live = |at: DateTime<Utc>| now - at < self.retention;
        if let Some(done) = self
            .completed
            .get(&idem.scope)
            .filter(|c| live(c.recorded_at))
        {
            if done.fingerprint != idem.fingerprint {
                return Err(SubmitError::IdempotencyKeyReused);
            }
            return Ok(Some(Accepted {
                response: StoredResponse::clone(&done.response),
                position: Some(done.position),
                replayed: true,
                state: None,
            }));
        }
        if self.in_flight.contains_key(&idem.scope) {
            return Err(SubmitError::IdempotencyKeyInUse);
        }
        match self.remembered.get(&idem.scope).filter(|r| live(r.at)) {
            Some(old) if old.fingerprint != idem.fingerprint => {
                Err(SubmitError::IdempotencyKeyReused)
            }
            Some(old) => Err(old.error.clone()),
            None => Ok(None),
        }
    }

    /// Remembers a domain rejection so a retry with the same key gets the same answer.
    pub fn remember_rejection(
        &mut self,
        idem: &IdempotencyRequest,
        error: &SubmitError,
        now: DateTime<Utc>,
    ) {
        if error.is_remembered() {
            let entry = Remembered {
                fingerprint: idem.fingerprint.clone(),
                error: error.clone(),
                at: now,
            };
            self.remembered.insert(idem.scope.clone(), entry);
        }
    }

    pub fn begin(&mut self, scope: &str, command_id: Uuid) {
        self.in_flight.insert(scope.to_owned(), command_id);
    }

    pub fn end(&mut self, scope: &str) {
        self.in_flight.remove(scope);
    }

    /// Forgets every in-flight key (the partition stopped serving).
    pub fn abandon_in_flight(&mut self) {
        self.in_flight.clear();
    }

    /// Records the outcome a valid batch carries, read at `position`.
    pub fn record_completion(&mut self, position: Position, header: &BatchHeader) {
        let Some(idem) = &header.idempotency else {
            return;
        };
        let completed = Completed {
            fingerprint: idem.fingerprint.clone(),
            response: Arc::new(idem.response.clone()),
            position,
            recorded_at: header.recorded_at,
        };
        self.completed.insert(idem.scope.clone(), completed);
        // Bound memory: now and then drop what the retention period no longer covers.
        if self.completed.len().is_multiple_of(1024) {
            self.prune(header.recorded_at);
        }
    }

    /// The outcomes confirmed in the log (a snapshot's part of the table), unordered,
    /// responses shared. Entries no later check can replay (older than the retention
    /// period before the newest outcome) are left out, so the result does not depend on
    /// when `prune` ran.
    pub fn completed(&self) -> Vec<SharedKey> {
        let newest = self.completed.values().map(|c| c.recorded_at).max();
        self.completed
            .iter()
            .filter(|(_, c)| newest.is_some_and(|n| n - c.recorded_at < self.retention))
            .map(|(scope, c)| SharedKey {
                scope: scope.clone(),
                fingerprint: c.fingerprint.clone(),
                response: Arc::clone(&c.response),
                offset: c.position.offset,
                recorded_at: c.recorded_at,
            })
            .collect()
    }

    /// Puts back the outcomes a snapshot of `partition` recorded.
    pub fn restore_completed(&mut self, partition: i32, keys: Vec<CompletedKey>) {
        for key in keys {
            let completed = Completed {
                fingerprint: key.fingerprint,
                response: Arc::new(key.response),
                position: Position {
                    partition,
                    offset: key.offset,
                },
                recorded_at: key.recorded_at,
            };
            self.completed.insert(key.scope, completed);
        }
    }

    /// Drops entries older than the retention period.
    pub fn prune(&mut self, now: DateTime<Utc>) {
        let retention = self.retention;
        self.completed
            .retain(|_, c| now - c.recorded_at < retention);
        self.remembered.retain(|_, r| now - r.at < retention);
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::log_validity::WriterClaim;
    use domain::record::IdempotencyRecord;

    use super::*;

    fn request(fingerprint: &str) -> IdempotencyRequest {
        IdempotencyRequest {
            key: "k".into(),
            scope: "scope-1".into(),
            fingerprint: fingerprint.into(),
        }
    }

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0)
            .single()
            .expect("time")
    }

    fn header_with_response(fingerprint: &str, recorded: DateTime<Utc>) -> BatchHeader {
        BatchHeader {
            aggregate_type: "droplet".into(),
            aggregate_id: Uuid::nil(),
            from_version: 0,
            claim: WriterClaim::default(),
            command_id: Uuid::nil(),
            command_name: "droplet.create".into(),
            principal: "alice".into(),
            owner: String::new(),
            idempotency: Some(IdempotencyRecord {
                key: "k".into(),
                scope: "scope-1".into(),
                fingerprint: fingerprint.into(),
                response: StoredResponse {
                    status: 202,
                    headers: Vec::new(),
                    body: b"{}".to_vec(),
                },
            }),
            recorded_at: recorded,
            correlation_id: String::new(),
            causation_id: String::new(),
            traceparent: String::new(),
            tracestate: String::new(),
        }
    }

    #[test]
    fn an_in_flight_key_is_busy_until_it_ends() {
        let mut table = IdempotencyTable::new(Duration::hours(24));
        assert!(matches!(table.check(&request("f"), at(1)), Ok(None)));
        table.begin("scope-1", Uuid::nil());
        assert_eq!(
            table.check(&request("f"), at(1)).err(),
            Some(SubmitError::IdempotencyKeyInUse)
        );
        table.end("scope-1");
        assert!(matches!(table.check(&request("f"), at(1)), Ok(None)));
    }

    #[test]
    fn a_completed_key_replays_for_the_same_request_only_while_retained() {
        let mut table = IdempotencyTable::new(Duration::hours(24));
        table.record_completion(
            Position {
                partition: 2,
                offset: 9,
            },
            &header_with_response("f", at(1)),
        );
        let replay = table
            .check(&request("f"), at(2))
            .expect("ok")
            .expect("a replay");
        assert_eq!(
            (replay.response.status, replay.position, replay.replayed),
            (
                202,
                Some(Position {
                    partition: 2,
                    offset: 9
                }),
                true
            )
        );
        assert_eq!(
            table.check(&request("other"), at(2)).err(),
            Some(SubmitError::IdempotencyKeyReused)
        );
        let next_day = at(1) + Duration::hours(25);
        assert!(
            matches!(table.check(&request("f"), next_day), Ok(None)),
            "forgotten after 24 h"
        );
    }

    #[test]
    fn only_domain_rejections_are_remembered() {
        let mut table = IdempotencyTable::new(Duration::hours(24));
        table.remember_rejection(&request("f"), &SubmitError::Unavailable("down"), at(1));
        assert!(matches!(table.check(&request("f"), at(1)), Ok(None)));
        let rejection = SubmitError::NotFound("droplet");
        table.remember_rejection(&request("f"), &rejection, at(1));
        assert_eq!(table.check(&request("f"), at(1)).err(), Some(rejection));
        table.prune(at(1) + Duration::hours(25));
        assert!(matches!(
            table.check(&request("f"), at(1) + Duration::hours(25)),
            Ok(None)
        ));
    }
}
