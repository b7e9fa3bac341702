//! Claiming a partition (architecture.md §4, step 2): read to the end of the log, append
//! an `OwnershipClaim` with an epoch above every epoch seen, and let the reader flip the
//! partition to serving when the claim is read back valid. A claim task gives up as soon
//! as the partition's assignment changes; it never serves anything itself.

use std::time::Duration;

use domain::log_validity::WriterClaim;
use rdkafka::consumer::Consumer;

use super::Writer;
use super::record;

const RETRY: Duration = Duration::from_millis(500);
const CATCH_UP_LIMIT: Duration = Duration::from_secs(60);

impl Writer {
    pub(super) fn spawn_claim(&self, index: usize, delay: Duration) {
        let writer = self.clone();
        let generation = self.inner.generation(index);
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            writer.claim(index, generation).await;
        });
    }

    async fn claim(&self, index: usize, generation: u64) {
        while self.inner.generation(index) == generation {
            match self.try_claim(index, generation).await {
                Ok(()) => return,
                Err(error) => {
                    tracing::warn!(
                        partition = index,
                        error = format!("{error:#}"),
                        "claim attempt failed; retrying"
                    );
                    tokio::time::sleep(RETRY).await;
                }
            }
        }
    }

    async fn try_claim(&self, index: usize, generation: u64) -> anyhow::Result<()> {
        let partition = index as i32;
        let end = self.high_watermark(partition).await?;
        let mut read = self.inner.read_offsets[index].subscribe();
        tokio::time::timeout(CATCH_UP_LIMIT, read.wait_for(|next| *next >= end)).await??;
        self.report_restore(index);
        let claim = {
            let mut guard = self.inner.lock(index);
            let Some(state) = guard.as_mut() else {
                return Ok(());
            };
            if self.inner.generation(index) != generation {
                return Ok(());
            }
            let claim = WriterClaim {
                epoch: state.highest_epoch() + 1,
                writer_id: self.inner.config.writer_id.clone(),
            };
            state.my_claim = Some(claim.clone());
            claim
        };
        let now = self.inner.clock.now();
        let (bytes, headers) = record::encode(
            &record::claim(&claim, &self.inner.config.advertised_url, now),
            None,
        );
        let delivery = self
            .inner
            .enqueue(partition, record::CLAIM_KEY, &bytes, headers)?;
        delivery.await?.map_err(|(e, _)| e)?;
        tracing::info!(partition, epoch = claim.epoch, "ownership claim appended");
        Ok(())
    }

    async fn high_watermark(&self, partition: i32) -> anyhow::Result<i64> {
        let writer = self.clone();
        let (_, high) = tokio::task::spawn_blocking(move || {
            let topic = &writer.inner.config.topic;
            writer
                .inner
                .metadata
                .fetch_watermarks(topic, partition, Duration::from_secs(5))
        })
        .await??;
        Ok(high)
    }
}
