//! Where each newly assigned partition starts: the checkpoint stored in MariaDB, never
//! Kafka's committed offset. Runs inside the reader's rebalance callback on its plain
//! thread, so it may block on the runtime. It never writes.

use std::collections::HashMap;
use std::sync::Arc;

use platform::kafka::StartOffsets;
use rdkafka::Offset;
use sqlx::MySqlPool;
use tokio::runtime::Handle;

use crate::checkpoint;

const ATTEMPTS: usize = 5;

/// A `StartOffsets` reading `projection_checkpoint`. If MariaDB cannot be read, the
/// partition starts at the beginning: slower, never wrong, because every batch skips
/// what its (locked) checkpoint already covers.
pub fn from_checkpoints(pool: MySqlPool, projection: String, runtime: Handle) -> StartOffsets {
    Arc::new(move |partitions: &[i32]| {
        let stored = (0..ATTEMPTS).find_map(|attempt| {
            match runtime.block_on(checkpoint::all(&pool, &projection)) {
                Ok(stored) => Some(stored),
                Err(error) => {
                    tracing::warn!(%error, attempt, "failed to read checkpoints at assignment");
                    None
                }
            }
        });
        let stored = stored.unwrap_or_else(|| {
            tracing::error!("checkpoints unreadable; assigned partitions start at the beginning");
            HashMap::new()
        });
        partitions
            .iter()
            .map(|p| {
                let offset = stored
                    .get(p)
                    .map_or(Offset::Beginning, |o| Offset::Offset(*o));
                (*p, offset)
            })
            .collect()
    })
}
