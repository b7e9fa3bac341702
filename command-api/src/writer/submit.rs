//! Submitting one command: idempotency check → ownership and If-Match checks → decide
//! on speculative state → enqueue one record → wait for read-back → answer. The
//! partition lock is held only while deciding and enqueueing, never across an await.

use std::time::Duration;

use domain::droplet::{DropletCommand, DropletError};
use opentelemetry::KeyValue;
use tokio::sync::oneshot;
use uuid::Uuid;

use super::Writer;
use super::partition::{Phase, Precheck, ReadBack};
use super::record::{self, BatchMeta};
use super::types::{Accepted, Position, StoredResponse, Submission, SubmitError};

impl Writer {
    /// Runs one command through the write path.
    pub async fn submit(&self, submission: Submission) -> Result<Accepted, SubmitError> {
        let command = submission.command_name;
        let result = self.submit_inner(submission).await;
        let outcome = match &result {
            Ok(_) => "accepted",
            Err(SubmitError::Unavailable(_)) => "failed",
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
        let index =
            usize::try_from(partition).map_err(|_| SubmitError::Unavailable("bad partition"))?;
        let command_id = Uuid::now_v7();
        let (delivery, read_back, response) =
            match self.decide_and_enqueue(index, command_id, submission)? {
                Enqueued::Replay(accepted) => return Ok(accepted),
                Enqueued::Pending {
                    delivery,
                    read_back,
                    response,
                } => (delivery, read_back, response),
            };
        if !matches!(delivery.await, Ok(Ok(_))) {
            self.abandon(index, &command_id);
            return Err(SubmitError::Unavailable(
                "the log did not accept the record",
            ));
        }
        let timeout = self.inner.config.read_back_timeout;
        match tokio::time::timeout(timeout, read_back).await {
            Ok(Ok(ReadBack::Valid { offset })) => Ok(Accepted {
                response,
                position: Position { partition, offset },
                replayed: false,
            }),
            Ok(Ok(ReadBack::Invalid)) | Ok(Err(_)) => {
                Err(SubmitError::Unavailable("this writer was fenced"))
            }
            Err(_) => Err(SubmitError::Unavailable("read-back timed out")),
        }
    }

    fn decide_and_enqueue(
        &self,
        index: usize,
        command_id: Uuid,
        sub: Submission,
    ) -> Result<Enqueued, SubmitError> {
        let now = self.inner.clock.now();
        let mut guard = self.inner.lock(index);
        let state = guard.as_mut().ok_or(SubmitError::NotOwned {
            partition: index as i32,
        })?;
        if state.phase != Phase::Serving {
            return Err(SubmitError::Unavailable("partition is restoring or fenced"));
        }
        let idem = sub.idempotency.as_ref();
        let current = match state.precheck(&sub.aggregate_id, idem, now)? {
            Precheck::Replay(accepted) => return Ok(Enqueued::Replay(accepted)),
            Precheck::Decide(current) => current,
        };
        let visible = current.exists() && sub.principal.can_see(&current.owner);
        if !visible && !matches!(sub.command, DropletCommand::Create(_)) {
            return Err(SubmitError::Domain(DropletError::NotFound));
        }
        let decided = match state.decide(current, &sub.command, sub.expected_version) {
            Ok(decided) => decided,
            Err(error) => {
                state.remember_rejection(idem, &error, now);
                return Err(error);
            }
        };
        let claim = state
            .my_claim
            .clone()
            .ok_or(SubmitError::Unavailable("no claim"))?;
        let response = (sub.respond)(&decided.state_after, command_id);
        let meta = BatchMeta {
            aggregate_id: sub.aggregate_id,
            from_version: decided.from_version,
            claim: &claim,
            command_id,
            command_name: sub.command_name,
            principal: &sub.principal.id,
            idempotency: idem.map(|i| (i, &response)),
            recorded_at: now,
            correlation_id: sub.correlation_id.as_deref(),
            traceparent: sub.traceparent.as_deref(),
        };
        let (bytes, headers) = record::encode(
            record::batch(&meta, &decided.events),
            sub.traceparent.as_deref(),
        );
        let key = sub.aggregate_id.to_string();
        let delivery = self
            .inner
            .enqueue(state.partition, &key, &bytes, headers)
            .map_err(|_| SubmitError::Unavailable("the producer queue is full"))?;
        let (reply, read_back) = oneshot::channel();
        state.register_pending(command_id, decided.state_after, idem, reply);
        Ok(Enqueued::Pending {
            delivery,
            read_back,
            response,
        })
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
    Replay(Accepted),
    Pending {
        delivery: rdkafka::producer::DeliveryFuture,
        read_back: oneshot::Receiver<ReadBack>,
        response: StoredResponse,
    },
}
