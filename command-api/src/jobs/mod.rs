//! Jobs on the command side (api.md §12.3): their settings, where a queue's jobs live
//! (`queue_partition`: every job of a queue in the partition of `"queue/<name>"`, so one
//! writer sees the whole queue — its capacity, claim order and pause — and decides them
//! alone), and the worker pool with its handlers (`pool`, `handlers/`).

pub mod admission;
mod attempt;
pub mod handlers;
pub mod metrics;
pub mod pool;
pub mod pool_steps;
pub mod queues;
mod snapshot;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct JobSettings {
    /// Whether this instance runs the worker pool (enqueueing works either way).
    pub enabled: bool,
    /// Jobs run at once by this instance.
    pub workers: usize,
    /// Non-terminal jobs a queue admits; beyond it an enqueue is `503 QUEUE_FULL`.
    pub queue_capacity: usize,
    /// A running job whose worker stays silent this long loses its lease.
    pub heartbeat_timeout_s: u32,
    /// How often the pool claims, sweeps leases and moves due jobs.
    pub tick_ms: u64,
    /// Seed of the backoff jitter's RNG.
    pub seed: u64,
    /// Days a dead job is kept before the pool purges it.
    pub dead_retention_days: u32,
}

impl JobSettings {
    /// The names the issue gives the pool's two knobs, besides `CG_JOBS__…`.
    pub fn apply_env_aliases(&mut self) -> anyhow::Result<()> {
        if let Ok(raw) = std::env::var("CLUSTERGENIE_WORKER_COUNT") {
            self.workers = raw.parse()?;
        }
        if let Ok(raw) = std::env::var("CLUSTERGENIE_WORKER_QUEUE") {
            self.queue_capacity = raw.parse()?;
        }
        anyhow::ensure!(self.workers > 0, "jobs.workers must be at least 1");
        anyhow::ensure!(
            self.heartbeat_timeout_s > 0,
            "jobs.heartbeat_timeout_s must be positive"
        );
        Ok(())
    }
}

/// The partition holding every job of queue `name`.
pub fn queue_partition(name: &str, partitions: i32) -> i32 {
    platform::kafka::partition_for(format!("queue/{name}").as_bytes(), partitions)
}

/// Namespace of queue control ids.
const QUEUE_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x2f0c_8a51_77d4_4e0a_b1c3_5a9e_0d6f_3b28);

/// The id of queue `name`'s control aggregate: the first UUIDv5 of `name#i` that lands
/// in the queue's partition, so it is fixed (the partition count never changes) and its
/// writer is the one that claims the queue's jobs.
pub fn queue_id(name: &str, partitions: i32) -> uuid::Uuid {
    let target = queue_partition(name, partitions);
    (0u32..)
        .map(|i| uuid::Uuid::new_v5(&QUEUE_NAMESPACE, format!("{name}#{i}").as_bytes()))
        .find(|id| platform::kafka::partition_for(id.to_string().as_bytes(), partitions) == target)
        .unwrap_or_default()
}
