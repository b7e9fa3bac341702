//! What `provision` and `scale` share: reading the job owner's cluster and pool from the
//! write model, and changing a pool's count through an ordinary cluster command whose
//! Idempotency-Key is derived from the job id and the step — with a fixed fingerprint,
//! so a retried attempt replays the first attempt's answer instead of scaling again,
//! whatever count it would compute now.

use std::time::Duration;

use domain::cluster::{Cluster, ClusterCommand, NodePool, PoolChanges, PoolStatus};
use domain::record::StoredResponse;
use domain::rejection::RejectionKind;
use platform::auth::{Principal, Role};
use uuid::Uuid;

use super::{Failure, Run};
use crate::writer::{Command, IdempotencyRequest, Peek, SubmitError};

const POLL: Duration = Duration::from_millis(50);

/// The job owner's cluster and the pool, as the write model knows them for certain.
pub async fn pool(ctx: &Run<'_>, cluster_id: Uuid, pool_id: Uuid) -> Result<NodePool, Failure> {
    let cluster = cluster(ctx, cluster_id).await?;
    cluster
        .pool(pool_id)
        .cloned()
        .ok_or_else(|| Failure::fatal("NOT_FOUND", format!("no node pool {pool_id}")))
}

async fn cluster(ctx: &Run<'_>, cluster_id: Uuid) -> Result<Cluster, Failure> {
    loop {
        match ctx.writer.peek::<Cluster>(&cluster_id) {
            Peek::Present(c) if c.owner == ctx.job.owner && c.is_live() => return Ok(c),
            Peek::Present(_) | Peek::Absent => {
                return Err(Failure::fatal(
                    "NOT_FOUND",
                    format!("no cluster {cluster_id}"),
                ));
            }
            Peek::NotOwned { partition } => {
                return Err(Failure::retryable(
                    "NOT_OWNER",
                    format!("partition {partition} of the cluster is served by another instance"),
                ));
            }
            Peek::Uncertain => pause(ctx).await?,
        }
    }
}

/// Sets the pool's count to `count`, once per job and `step`.
pub async fn set_count(
    ctx: &Run<'_>,
    cluster_id: Uuid,
    pool_id: Uuid,
    count: u32,
    step: &str,
) -> Result<(), Failure> {
    let scope = format!("job:{}:{step}", ctx.job.id);
    let idempotency = IdempotencyRequest {
        key: scope.clone(),
        scope: scope.clone(),
        fingerprint: scope,
    };
    let writer = ctx.writer;
    let operation_id = writer.id_beside(&cluster_id);
    let command = ClusterCommand::UpdatePool {
        pool_id,
        changes: PoolChanges {
            count: Some(count),
            ..PoolChanges::default()
        },
        operation_id,
        at: ctx.now(),
    };
    let owner = Principal {
        id: ctx.job.owner.clone(),
        role: Role::Member,
    };
    let submission =
        Command::<Cluster>::new(cluster_id, command, operation_id, owner, "node_pool.scale")
            .idempotency(Some(idempotency))
            .respond(|_, _, _| StoredResponse {
                status: 202,
                headers: Vec::new(),
                body: Vec::new(),
            });
    writer.submit(submission).await.map(|_| ()).map_err(failure)
}

/// Waits until the pool is no longer scaling (its nodes reached the count).
pub async fn settled(ctx: &Run<'_>, cluster_id: Uuid, pool_id: Uuid) -> Result<NodePool, Failure> {
    loop {
        let pool = pool(ctx, cluster_id, pool_id).await?;
        if pool.status != PoolStatus::Scaling {
            return Ok(pool);
        }
        pause(ctx).await?;
    }
}

async fn pause(ctx: &Run<'_>) -> Result<(), Failure> {
    tokio::select! {
        () = tokio::time::sleep(POLL) => Ok(()),
        () = ctx.cancel.cancelled() => Err(Failure::retryable("CANCELLED", "the attempt was stopped")),
    }
}

fn failure(error: SubmitError) -> Failure {
    let detail = error.to_string();
    match &error {
        SubmitError::Domain(r) => match r.kind {
            RejectionKind::AutoscaleOwnsCount => Failure::fatal("AUTOSCALED", detail),
            RejectionKind::ResourceLocked => Failure::retryable("LOCKED", detail),
            RejectionKind::NotFound => Failure::fatal("NOT_FOUND", detail),
            RejectionKind::Invalid | RejectionKind::FailedPrecondition => {
                Failure::fatal("REFUSED", detail)
            }
            _ => Failure::retryable("CONFLICT", detail),
        },
        SubmitError::NotFound(_) => Failure::fatal("NOT_FOUND", detail),
        _ => Failure::retryable("UNAVAILABLE", detail),
    }
}
