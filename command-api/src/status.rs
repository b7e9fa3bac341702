//! What command-api tells the status board (`platform::status`): the partitions this
//! instance holds, with phase, claim epoch and read position (`/observability/partitions`),
//! and its job worker pool (`/observability/workers`). Read from the write model under
//! each partition's lock for an instant; it never changes anything and never waits on
//! the log.

use std::time::Duration;

use contract::observability::{PartitionOwnership, Partitions};
use platform::shutdown::Shutdown;
use platform::status::StatusBoard;

use crate::jobs::pool::WorkerPool;
use crate::writer::Writer;

/// How often the snapshot is refreshed (it expires after three intervals).
pub const INTERVAL: Duration = Duration::from_secs(2);

/// The partitions snapshot of this instance.
pub fn partitions(writer: &Writer) -> Partitions {
    let published_at = Some(chrono::Utc::now().to_rfc3339());
    let partitions = writer
        .partition_statuses()
        .into_iter()
        .map(|status| PartitionOwnership {
            partition: status.partition,
            owner: Some(writer.writer_id().to_owned()),
            epoch: status.epoch,
            phase: status.phase.as_str().to_owned(),
            next_offset: status.next_offset,
            published_at: published_at.clone(),
        })
        .collect();
    Partitions { partitions }
}

/// Publishes [`partitions`] until shutdown.
pub async fn publish(board: StatusBoard, writer: Writer, shutdown: Shutdown) -> anyhow::Result<()> {
    let instance = writer.writer_id().to_owned();
    board
        .publish_every(
            "partitions",
            instance,
            INTERVAL,
            move || {
                let snapshot = partitions(&writer);
                async move { snapshot }
            },
            shutdown,
        )
        .await
}

/// Publishes the worker pool's snapshot until shutdown.
pub async fn publish_workers(
    board: StatusBoard,
    pool: WorkerPool,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let instance = pool.writer().writer_id().to_owned();
    board
        .publish_every(
            "workers",
            instance,
            INTERVAL,
            move || {
                let snapshot = pool.snapshot();
                async move { snapshot }
            },
            shutdown,
        )
        .await
}
