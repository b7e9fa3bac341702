//! Submitting one command: idempotency check → ownership → decide on speculative state
//! (If-Match and visibility inside) → enqueue one record → wait for read-back → answer.
//! The partition lock is held only while deciding and enqueueing, never across an
//! await. A command that changes nothing appends nothing and answers at once. Each
//! command runs in a `command` span (a child of the caller's: the request's, a job
//! attempt's, or a new trace for a reconciler) whose W3C context the record carries.

use std::time::{Duration, Instant};

use opentelemetry::KeyValue;
use platform::consistency::Position;
use platform::telemetry::context;
use tokio::sync::oneshot;
use tracing::Instrument;
use uuid::Uuid;

use super::Writer;
use super::partition::{Phase, ReadBack};
use super::record::{self, BatchMeta};
use super::types::{Accepted, Submission, SubmitError};

impl Writer {
    /// Runs one command through the write path.
    pub async fn submit(&self, submission: Submission) -> Result<Accepted, SubmitError> {
        let command = submission.command_name;
        let span = tracing::info_span!(
            "command",
            service = crate::SERVICE,
            command,
            aggregate_id = %submission.aggregate_id,
            command_id = %submission.command_id,
        );
        let result = self.submit_inner(submission).instrument(span).await;
        let outcome = match &result {
            Ok(accepted) if accepted.replayed => "replayed",
            Ok(_) => "accepted",
            Err(SubmitError::Unavailable(_) | SubmitError::Quarantined(_)) => "failed",
            Err(SubmitError::NotOwned { .. }) => "not_owned",
            Err(_) => "rejected",
        };
        let labels = [
            KeyValue::new("command", command),
            KeyValue::new("outcome", outcome),
        ];
        self.inner.metrics.commands.add(1, &labels);
        result
    }

    async fn submit_inner(&self, submission: Submission) -> Result<Accepted, SubmitError> {
        let partition = self.partition_of(&submission.aggregate_id);
        // Stage histograms carry the command's static name (a bounded label), so the
        // stages of a request's own appends can be told from a reconciler's.
        let stage_labels = [KeyValue::new("command", submission.command_name)];
        let index =
            usize::try_from(partition).map_err(|_| SubmitError::Unavailable("bad partition"))?;
        let (read_back, response, state) = match self.decide_and_enqueue(index, submission)? {
            Enqueued::Done(accepted) => return Ok(accepted),
            Enqueued::Pending {
                command_id,
                delivery,
                read_back,
                response,
                state,
                appended,
            } => {
                let enqueued = Instant::now();
                let delivered = delivery.await;
                let metrics = &self.inner.metrics;
                metrics
                    .append_ack
                    .record(enqueued.elapsed().as_secs_f64(), &stage_labels);
                if !matches!(delivered, Ok(Ok(_))) {
                    self.append_failed("delivery");
                    self.abandon(index, &command_id);
                    return Err(SubmitError::Unavailable(
                        "the log did not accept the record",
                    ));
                }
                for (kind, event_type) in appended {
                    let labels = [
                        KeyValue::new("aggregate_type", kind),
                        KeyValue::new("event_type", event_type),
                    ];
                    metrics.appended.add(1, &labels);
                }
                (read_back, response, state)
            }
        };
        let timeout = self.inner.config.read_back_timeout;
        let acknowledged = Instant::now();
        let read = tokio::time::timeout(timeout, read_back).await;
        let waited = acknowledged.elapsed().as_secs_f64();
        self.inner.metrics.read_back.record(waited, &stage_labels);
        match read {
            Ok(Ok(ReadBack::Valid { offset })) => Ok(Accepted {
                response,
                position: Some(Position { partition, offset }),
                replayed: false,
                state: Some(state),
            }),
            Ok(Ok(ReadBack::Invalid)) | Ok(Err(_)) => {
                self.append_failed("fenced");
                Err(SubmitError::Unavailable("this writer was fenced"))
            }
            Err(_) => {
                self.append_failed("read_back_timeout");
                Err(SubmitError::Unavailable("read-back timed out"))
            }
        }
    }

    fn decide_and_enqueue(&self, index: usize, sub: Submission) -> Result<Enqueued, SubmitError> {
        let now = self.inner.clock.now();
        let mut guard = self.inner.lock(index);
        let state = guard.as_mut().ok_or(SubmitError::NotOwned {
            partition: index as i32,
        })?;
        if state.phase != Phase::Serving {
            return Err(SubmitError::Unavailable("partition is restoring or fenced"));
        }
        let idem = sub.idempotency.as_ref();
        if let Some(replay) = state.replay(idem, now)? {
            return Ok(Enqueued::Done(replay));
        }
        if let Some(reason) = state.quarantine_reason(&sub.aggregate_id) {
            return Err(SubmitError::Quarantined(reason.to_owned()));
        }
        let current = state.current(&sub.aggregate_id).state;
        let decided = match (sub.decide)(current, sub.command_id) {
            Ok(decided) => decided,
            Err(error) => {
                state.remember_rejection(idem, &error, now);
                return Err(error);
            }
        };
        if decided.events.is_empty() {
            return Ok(Enqueued::Done(Accepted {
                response: decided.response,
                position: None,
                replayed: false,
                state: Some(decided.state_after),
            }));
        }
        let claim = state
            .my_claim
            .clone()
            .ok_or(SubmitError::Unavailable("no claim"))?;
        // The `command` span's context: the one place a record gets its trace.
        let trace = context::current();
        let meta = BatchMeta {
            kind: sub.kind,
            aggregate_id: sub.aggregate_id,
            from_version: decided.from_version,
            claim: &claim,
            command_id: sub.command_id,
            command_name: sub.command_name,
            principal: &sub.principal.id,
            owner: decided.state_after.owner(),
            idempotency: idem.map(|i| (i, &decided.response)),
            recorded_at: now,
            correlation_id: sub.correlation_id.as_deref(),
            trace: trace.as_ref(),
        };
        let record = record::batch(&meta, decided.events);
        let (bytes, headers) = record::encode(&record, trace.as_ref());
        let appended = decided_types(sub.kind, &record);
        let key = sub.aggregate_id.to_string();
        let delivery = self
            .inner
            .enqueue(state.partition, &key, &bytes, headers)
            .map_err(|_| {
                self.append_failed("enqueue");
                SubmitError::Unavailable("the producer queue is full")
            })?;
        let (reply, read_back) = oneshot::channel();
        let snapshot = decided.state_after.clone_box();
        state.register_pending(
            sub.command_id,
            sub.aggregate_id,
            decided.state_after,
            idem,
            reply,
        );
        Ok(Enqueued::Pending {
            command_id: sub.command_id,
            delivery,
            read_back,
            response: decided.response,
            state: snapshot,
            appended,
        })
    }

    fn append_failed(&self, reason: &'static str) {
        let labels = [KeyValue::new("reason", reason)];
        self.inner.metrics.append_failures.add(1, &labels);
    }

    /// The record may or may not be in the log: stop serving the partition and claim it
    /// afresh, which rebuilds certainty from the log itself.
    fn abandon(&self, index: usize, command_id: &Uuid) {
        let abandoned = self
            .inner
            .lock(index)
            .as_mut()
            .is_some_and(|s| s.abandon_pending(command_id));
        if abandoned {
            self.spawn_claim(index, Duration::from_millis(200));
        }
    }
}

enum Enqueued {
    Done(Accepted),
    Pending {
        command_id: Uuid,
        delivery: rdkafka::producer::DeliveryFuture,
        read_back: oneshot::Receiver<ReadBack>,
        response: domain::record::StoredResponse,
        state: Box<dyn super::kinds::AnyState>,
        /// `(aggregate type, event type)` of every event in the batch, for the counter.
        appended: Vec<(&'static str, String)>,
    },
}

/// The event types a batch appends (a bounded set: the domain's event names).
fn decided_types(
    kind: &'static str,
    record: &domain::record::Record,
) -> Vec<(&'static str, String)> {
    let domain::record::Record::Batch(batch) = record else {
        return Vec::new();
    };
    batch
        .events
        .iter()
        .map(|e| (kind, e.event_type.clone()))
        .collect()
}
