//! The reservation reconciler: settles name reservations left pending — taken for a
//! resource that was then never created (a crash or a refusal between the steps) or
//! created without the confirmation arriving. After a grace period it asks the owner
//! of the holder's partition what the holder is: a live holder with that name gets the
//! reservation confirmed, anything else gets it released. An uncertain answer waits.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::reservation::NameReservation;
use uuid::Uuid;

use crate::config::NodePoolSettings;
use crate::internal::{HolderStatus, InternalClient, holder_status};
use crate::names::Names;
use crate::writer::{SubmitError, Writer};

pub struct ReservationReconciler {
    writer: Writer,
    names: Names,
    internal: InternalClient,
    /// How long a reservation may stay pending before it is settled.
    grace: chrono::Duration,
    tick: Duration,
}

impl ReservationReconciler {
    pub fn new(
        writer: Writer,
        names: Names,
        internal: InternalClient,
        settings: &NodePoolSettings,
    ) -> Self {
        Self {
            writer,
            names,
            internal,
            grace: chrono::Duration::seconds(settings.reservation_grace_s as i64),
            tick: Duration::from_millis(settings.tick_ms.max(10) * 5),
        }
    }

    pub async fn run(self, shutdown: platform::shutdown::Shutdown) {
        let tick = self.tick;
        super::every(tick, shutdown, || async {
            self.pass().await;
        })
        .await;
    }

    /// One pass; returns how many reservations were settled.
    pub async fn pass(&self) -> usize {
        let now = self.writer.clock().now();
        let stale = self
            .writer
            .observe_unsettled::<NameReservation>(|r| is_stale(r, now, self.grace));
        let mut settled = 0;
        for reservation in stale.iter().filter(|o| !o.pending) {
            match self.settle(&reservation.state).await {
                Ok(true) => settled += 1,
                Ok(false) => {}
                Err(error) => {
                    tracing::debug!(%error, "settling a name reservation failed; will retry")
                }
            }
        }
        settled
    }

    async fn settle(&self, reservation: &NameReservation) -> Result<bool, SubmitError> {
        let Some(holder) = reservation.holder.as_ref() else {
            return Ok(false);
        };
        let status = self.holder(&reservation.kind, holder.id).await?;
        let (owner, kind, name) = (&reservation.owner, &reservation.kind, &reservation.name);
        match status {
            HolderStatus::Uncertain => Ok(false),
            HolderStatus::Holds {
                name: held,
                live: true,
            } if held == name.to_string() => self
                .names
                .confirm(owner, kind, name, holder.id)
                .await
                .map(|()| true),
            HolderStatus::Holds { .. } | HolderStatus::Absent => {
                tracing::info!(%owner, %kind, %name, holder = %holder.id, "releasing a name its holder never took");
                self.names
                    .release(owner, kind, name, holder.id)
                    .await
                    .map(|()| true)
            }
        }
    }

    async fn holder(&self, kind: &str, id: Uuid) -> Result<HolderStatus, SubmitError> {
        match holder_status(&self.writer, kind, &id) {
            Err(SubmitError::NotOwned { partition }) => {
                self.internal.holder(partition, kind, id).await
            }
            other => other,
        }
    }
}

fn is_stale(reservation: &NameReservation, now: DateTime<Utc>, grace: chrono::Duration) -> bool {
    reservation
        .holder
        .as_ref()
        .is_some_and(|h| !h.confirmed && now - h.since > grace)
}
