//! What the cluster job types share: reading the job owner's pool and changing its
//! count (`provision`, `scale`), each as a `PoolStep` run at the owner of the cluster's
//! partition — here, or through the internal API when another instance serves it — and
//! reading the owner's cluster from this instance's write model (`diagnose`, `monitor`).
//! Never reads or writes a cluster this instance does not serve by itself.

use std::time::Duration;

use domain::cluster::Cluster;
use uuid::Uuid;

use super::{Failure, Run};
use crate::jobs::pool_steps::{self, PoolFacts, PoolStep, SetCount, StepAnswer};
use crate::writer::Peek;

/// The first wait before asking the pool's owner again, doubled up to `LONGEST_POLL`: a
/// pool settles in seconds, and an owner elsewhere costs an ownership lookup and an HTTP
/// call per ask.
const FIRST_POLL: Duration = Duration::from_millis(50);
const LONGEST_POLL: Duration = Duration::from_secs(1);

/// The job owner's pool, as the owner of its cluster's partition knows it for certain.
pub async fn pool(ctx: &Run<'_>, cluster_id: Uuid, pool_id: Uuid) -> Result<PoolFacts, Failure> {
    step(ctx, cluster_id, pool_id, None).await
}

/// Sets the pool's count to `count`, once per job and `step_name`.
pub async fn set_count(
    ctx: &Run<'_>,
    cluster_id: Uuid,
    pool_id: Uuid,
    count: u32,
    step_name: &str,
) -> Result<(), Failure> {
    let key = format!("job:{}:{step_name}", ctx.job.id);
    let set = SetCount { count, key };
    step(ctx, cluster_id, pool_id, Some(set)).await.map(|_| ())
}

/// Waits until the pool is no longer scaling (its nodes reached the count).
pub async fn settled(ctx: &Run<'_>, cluster_id: Uuid, pool_id: Uuid) -> Result<PoolFacts, Failure> {
    let mut wait = FIRST_POLL;
    loop {
        let pool = pool(ctx, cluster_id, pool_id).await?;
        if !pool.scaling {
            return Ok(pool);
        }
        pause(ctx, &mut wait).await?;
    }
}

async fn step(
    ctx: &Run<'_>,
    cluster_id: Uuid,
    pool_id: Uuid,
    set_count: Option<SetCount>,
) -> Result<PoolFacts, Failure> {
    let step = PoolStep {
        owner: ctx.job.owner.clone(),
        cluster_id,
        pool_id,
        set_count,
    };
    let mut wait = FIRST_POLL;
    loop {
        let answer = match pool_steps::run_here(ctx.writer, &step).await {
            Ok(answer) => answer,
            Err(pool_steps::NotOwned(partition)) => ctx
                .internal
                .pool_step(partition, &step)
                .await
                .unwrap_or_else(|error| StepAnswer::Failed {
                    failure: Failure::retryable("UNAVAILABLE", error.to_string()),
                }),
        };
        match answer {
            StepAnswer::Done { pool } => return Ok(pool),
            StepAnswer::Failed { failure } => return Err(failure),
            StepAnswer::Uncertain => pause(ctx, &mut wait).await?,
        }
    }
}

/// Waits `wait` (unless the attempt is stopped) and doubles it, up to `LONGEST_POLL`.
async fn pause(ctx: &Run<'_>, wait: &mut Duration) -> Result<(), Failure> {
    let this = *wait;
    *wait = (this * 2).min(LONGEST_POLL);
    tokio::select! {
        () = tokio::time::sleep(this) => Ok(()),
        () = ctx.cancel.cancelled() => Err(Failure::retryable("CANCELLED", "the attempt was stopped")),
    }
}

/// Tries while the write model is uncertain about the cluster (a command in flight).
const UNCERTAIN_TRIES: u32 = 100;
const UNCERTAIN_WAIT: Duration = Duration::from_millis(20);

/// The job owner's live cluster, read from this instance's write model: `NOT_FOUND`
/// (fatal) for an unknown, deleted or someone else's cluster, `NOT_SERVED_HERE`
/// (retryable) when another instance serves its partition.
pub async fn owned_cluster(ctx: &Run<'_>, cluster_id: Uuid) -> Result<Cluster, Failure> {
    let not_found = || Failure::fatal("NOT_FOUND", format!("cluster {cluster_id} does not exist"));
    for _ in 0..UNCERTAIN_TRIES {
        match ctx.writer.peek::<Cluster>(&cluster_id) {
            Peek::Present(cluster) if cluster.owner == ctx.job.owner && cluster.is_live() => {
                return Ok(cluster);
            }
            Peek::Present(_) | Peek::Absent => return Err(not_found()),
            Peek::NotOwned { .. } => {
                return Err(Failure::retryable(
                    "NOT_SERVED_HERE",
                    "the cluster's partition is served by another instance",
                ));
            }
            // A poll interval while a command is read back, not synchronisation.
            Peek::Uncertain => tokio::time::sleep(UNCERTAIN_WAIT).await,
        }
    }
    Err(Failure::retryable("BUSY", "the cluster stayed busy; retry"))
}
