//! The reservation sweep: a slot reserved for a droplet that never came to be (a crash
//! between the reserve and the create, or a create refused after a lost compensation)
//! must not leak. Level-triggered over the providers of the partition this instance
//! serves: a reservation older than the grace period whose droplet the owner of its
//! partition reports absent is released. An uncertain answer waits for the next pass; a
//! droplet that exists gives its slot back itself (the droplet reconciler), never here.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::provider::Provider;
use uuid::Uuid;

use super::Providers;
use super::steps::live;
use crate::config::NodePoolSettings;
use crate::internal::{HolderStatus, InternalClient, holder_status};
use crate::writer::{SubmitError, Writer};

pub struct ReservationSweep {
    writer: Writer,
    providers: Providers,
    internal: InternalClient,
    grace: chrono::Duration,
    tick: Duration,
}

impl ReservationSweep {
    pub fn new(
        writer: Writer,
        providers: Providers,
        internal: InternalClient,
        settings: &NodePoolSettings,
    ) -> Self {
        Self {
            writer,
            providers,
            internal,
            grace: chrono::Duration::seconds(settings.reservation_grace_s as i64),
            tick: Duration::from_millis(settings.tick_ms.max(10) * 5),
        }
    }

    pub async fn run(self, shutdown: platform::shutdown::Shutdown) {
        let tick = self.tick;
        crate::reconcile::every(tick, shutdown, || async {
            self.pass().await;
        })
        .await;
    }

    /// One pass; returns how many reservations were released.
    pub async fn pass(&self) -> usize {
        if !self.writer.serves(super::partition(&self.writer)) {
            return 0;
        }
        let now = self.writer.clock().now();
        let mut released = 0;
        for provider in live(&self.writer) {
            for droplet_id in stale(&provider, now, self.grace) {
                match self.settle(&provider, droplet_id).await {
                    Ok(true) => released += 1,
                    Ok(false) => {}
                    Err(error) => {
                        tracing::debug!(%error, "sweeping a provider reservation failed; will retry")
                    }
                }
            }
        }
        released
    }

    async fn settle(&self, provider: &Provider, droplet_id: Uuid) -> Result<bool, SubmitError> {
        let status = match holder_status(&self.writer, "droplet", &droplet_id) {
            Err(SubmitError::NotOwned { partition }) => {
                self.internal
                    .holder(partition, "droplet", droplet_id)
                    .await?
            }
            other => other?,
        };
        if status != HolderStatus::Absent {
            return Ok(false);
        }
        tracing::info!(provider = %provider.name, droplet = %droplet_id, "releasing a slot whose droplet never came to be");
        self.providers
            .release(provider.name.as_ref(), droplet_id)
            .await
            .map(|()| true)
    }
}

fn stale(provider: &Provider, now: DateTime<Utc>, grace: chrono::Duration) -> Vec<Uuid> {
    provider
        .reservations
        .iter()
        .filter(|(_, since)| now - **since > grace)
        .map(|(id, _)| *id)
        .collect()
}
