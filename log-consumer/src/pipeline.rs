//! The shipping loop: reads `logs.*` records into a batch and ships it when it is due
//! (lines, bytes or time, `batch` settings). While a batch ships nothing more is read,
//! so a slow Loki slows consumption instead of growing memory. It never ships a batch
//! twice in one run and returns only on shutdown.

use std::time::{Duration, Instant};

use platform::shutdown::Shutdown;

use crate::batch::{Batch, Consumed};
use crate::config::BatchSettings;
use crate::ship::Shipper;

/// Far enough to mean "no deadline" while the batch is empty.
const IDLE: Duration = Duration::from_secs(3600);

pub struct Pipeline {
    pub shipper: Shipper,
    pub limits: BatchSettings,
}

impl Pipeline {
    pub async fn run(self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let mut batch = Batch::default();
        loop {
            let deadline = batch
                .deadline(&self.limits)
                .unwrap_or_else(|| Instant::now() + IDLE);
            tokio::select! {
                biased;
                () = shutdown.wait() => return Ok(()),
                received = self.shipper.source.recv() => match received {
                    Ok(message) => batch.push(Consumed::from_message(&message)),
                    Err(error) => tracing::warn!(%error, "Kafka consumer error"),
                },
                () = tokio::time::sleep_until(deadline.into()) => {}
            }
            if batch.is_due(&self.limits, Instant::now()) {
                // Uncommitted on shutdown: the group hands the batch out again.
                if !self.shipper.ship(batch.take(), &mut shutdown).await {
                    return Ok(());
                }
            }
        }
    }
}
