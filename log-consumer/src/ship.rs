//! Shipping one closed batch, in the order that makes it at-least-once and idempotent:
//! sort records into valid entries, invalid ones (parked) and this service's own (never
//! shipped); write lines and parked records to MariaDB; push the entries to Loki; only
//! then commit the batch's offsets. Every failing step is retried with backoff; Loki
//! refusing a batch for good parks it. A shutdown mid-way leaves the batch uncommitted,
//! so it is read again — never lost, never crashing the loop on a bad record.

use std::time::Instant;

use platform::shutdown::Shutdown;
use views::job::log::NewLogLine;

use crate::batch::{Consumed, next_offsets};
use crate::config::RetrySettings;
use crate::loki::{Entry, LokiClient, PushOutcome, push_body, push_request};
use crate::record::LogRecord;
use crate::retry::{Attempt, until_done};
use crate::sink::{ParkedRecord, Sink, log_line};
use crate::source::{self, Source};
use crate::telemetry::ShipMetrics;

/// Everything shipping needs; cheap to clone.
#[derive(Clone)]
pub struct Shipper {
    pub source: Source,
    pub sink: Sink,
    /// `None` when pushing to Loki is off.
    pub loki: Option<LokiClient>,
    pub own_topic: String,
    pub retry: RetrySettings,
    pub metrics: ShipMetrics,
}

/// A batch sorted by what happens to each record.
#[derive(Default)]
struct Sorted {
    entries: Vec<Entry>,
    lines: Vec<NewLogLine>,
    /// The consumed record of each entry, in the same order (for parking on rejection).
    sources: Vec<Consumed>,
    invalid: Vec<ParkedRecord>,
    own: usize,
}

impl Shipper {
    /// Ships `records`; `false` when shutdown interrupted it (nothing committed).
    pub async fn ship(&self, records: Vec<Consumed>, shutdown: &mut Shutdown) -> bool {
        let next = next_offsets(&records);
        let sorted = self.sort(records);
        self.metrics.records("valid", sorted.entries.len());
        self.metrics.records("invalid", sorted.invalid.len());
        self.metrics.records("own", sorted.own);
        if !self.write(&sorted.lines, &sorted.invalid, shutdown).await {
            return false;
        }
        self.metrics.parked("invalid", sorted.invalid.len());
        if !self.push(&sorted, shutdown).await {
            return false;
        }
        if let Err(error) = source::commit(&self.source, next).await {
            // The batch is shipped; a lost commit only means it is shipped again
            // (idempotent in MariaDB, same entries in Loki).
            tracing::warn!(error = format!("{error:#}"), "offset commit failed");
        }
        true
    }

    fn sort(&self, records: Vec<Consumed>) -> Sorted {
        let mut sorted = Sorted::default();
        for consumed in records {
            if consumed.topic == self.own_topic {
                sorted.own += 1;
                continue;
            }
            match LogRecord::parse(consumed.payload.as_deref()) {
                Ok(record) => {
                    let line = consumed
                        .payload
                        .as_deref()
                        .map(|bytes| String::from_utf8_lossy(bytes).trim().to_owned())
                        .unwrap_or_default();
                    sorted.lines.push(log_line(&record, &consumed));
                    sorted.entries.push(Entry { record, line });
                    sorted.sources.push(consumed);
                }
                Err(invalid) => sorted.invalid.push(ParkedRecord {
                    reason: format!("invalid record: {invalid}"),
                    source: consumed,
                }),
            }
        }
        sorted
    }

    /// Writes lines and parked records, retrying until done.
    async fn write(
        &self,
        lines: &[NewLogLine],
        parked: &[ParkedRecord],
        shutdown: &mut Shutdown,
    ) -> bool {
        if lines.is_empty() && parked.is_empty() {
            return true;
        }
        until_done("mariadb", self.retry, shutdown, || async {
            match self.sink.write(lines, parked).await {
                Ok(()) => Attempt::Done(()),
                Err(error) => {
                    self.metrics.sink_error();
                    Attempt::Again(error.to_string())
                }
            }
        })
        .await
        .is_some()
    }

    /// Pushes the batch's entries until Loki accepts or refuses them for good.
    async fn push(&self, sorted: &Sorted, shutdown: &mut Shutdown) -> bool {
        let Some(loki) = &self.loki else { return true };
        if sorted.entries.is_empty() {
            return true;
        }
        let body = match push_body(&push_request(&sorted.entries)) {
            Ok(body) => body,
            Err(error) => {
                return self
                    .park_rejected(sorted, format!("cannot compress: {error}"), shutdown)
                    .await;
            }
        };
        let outcome = until_done("loki", self.retry, shutdown, || async {
            let started = Instant::now();
            match loki.push(body.clone()).await {
                PushOutcome::Accepted => {
                    let seconds = started.elapsed().as_secs_f64();
                    self.metrics
                        .pushed(sorted.entries.len(), body.len(), seconds);
                    Attempt::Done(None)
                }
                PushOutcome::Rejected { status, detail } => {
                    self.metrics.push_error("rejected");
                    Attempt::Done(Some(format!("Loki refused the batch ({status}): {detail}")))
                }
                PushOutcome::Retry { reason, detail } => {
                    self.metrics.push_error(reason);
                    Attempt::Again(format!("{reason}: {detail}"))
                }
            }
        })
        .await;
        match outcome {
            None => false,
            Some(None) => true,
            Some(Some(reason)) => self.park_rejected(sorted, reason, shutdown).await,
        }
    }

    /// Parks every entry of a batch Loki will never take (their lines stay in MariaDB).
    async fn park_rejected(
        &self,
        sorted: &Sorted,
        reason: String,
        shutdown: &mut Shutdown,
    ) -> bool {
        tracing::error!(records = sorted.sources.len(), reason, "batch parked");
        let parked: Vec<ParkedRecord> = sorted
            .sources
            .iter()
            .map(|source| ParkedRecord {
                source: source.clone(),
                reason: reason.clone(),
            })
            .collect();
        let done = self.write(&[], &parked, shutdown).await;
        if done {
            self.metrics.parked("rejected", parked.len());
        }
        done
    }
}
