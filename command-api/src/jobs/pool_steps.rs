//! What a `provision` or `scale` job does to a cluster's node pool, as one step that runs
//! at the owner of the cluster's partition: read the pool, or set its count through an
//! ordinary cluster command keyed by the job. A worker runs the step here when this
//! instance serves the cluster's partition and otherwise asks the owner over the internal
//! API (`internal::pool_step`), so a job works whichever instance claimed it. A step
//! never forwards again: a step that lands on a non-owner answers `NotOwned`.

use domain::cluster::{Cluster, ClusterCommand, NodePool, PoolChanges, PoolStatus};
use domain::record::StoredResponse;
use domain::rejection::RejectionKind;
use platform::auth::{Principal, Role};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::handlers::Failure;
use crate::writer::{Command, IdempotencyRequest, Peek, SubmitError, Writer};

/// One step against `pool_id` of `cluster_id`, on behalf of the job's owner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PoolStep {
    /// The job's owner: the cluster must be theirs.
    pub owner: String,
    pub cluster_id: Uuid,
    pub pool_id: Uuid,
    /// Absent: only read the pool.
    pub set_count: Option<SetCount>,
}

/// Set the pool's count, once per `key` (the job id and the handler's step).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetCount {
    pub count: u32,
    pub key: String,
}

/// What a handler needs to know about a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolFacts {
    pub name: String,
    pub count: u32,
    pub scaling: bool,
    pub auto_scale: bool,
    pub min_nodes: u32,
    pub max_nodes: u32,
}

impl From<&NodePool> for PoolFacts {
    fn from(pool: &NodePool) -> Self {
        Self {
            name: pool.name.to_string(),
            count: pool.count,
            scaling: pool.status == PoolStatus::Scaling,
            auto_scale: pool.auto_scale,
            min_nodes: pool.min_nodes,
            max_nodes: pool.max_nodes,
        }
    }
}

/// The owner's answer to a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StepAnswer {
    /// The owner cannot say for certain yet (restoring, or a command is in flight): ask again.
    Uncertain,
    /// The pool as it stands after the step.
    Done {
        pool: PoolFacts,
    },
    Failed {
        failure: Failure,
    },
}

/// This instance does not serve the cluster's partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotOwned(pub i32);

/// Runs `step` on this instance.
pub async fn run_here(writer: &Writer, step: &PoolStep) -> Result<StepAnswer, NotOwned> {
    if let Some(set) = &step.set_count {
        let ready = read(writer, step)?;
        if !matches!(ready, StepAnswer::Done { .. }) {
            return Ok(ready);
        }
        if let Err(error) = set_count(writer, step, set).await {
            return match error {
                SubmitError::NotOwned { partition } => Err(NotOwned(partition)),
                error => Ok(StepAnswer::Failed {
                    failure: failure(&error),
                }),
            };
        }
    }
    read(writer, step)
}

fn read(writer: &Writer, step: &PoolStep) -> Result<StepAnswer, NotOwned> {
    let missing = |what: String| StepAnswer::Failed {
        failure: Failure::fatal("NOT_FOUND", what),
    };
    Ok(match writer.peek::<Cluster>(&step.cluster_id) {
        Peek::NotOwned { partition } => return Err(NotOwned(partition)),
        Peek::Uncertain => StepAnswer::Uncertain,
        Peek::Present(c) if c.owner == step.owner && c.is_live() => match c.pool(step.pool_id) {
            Some(pool) => StepAnswer::Done { pool: pool.into() },
            None => missing(format!("no node pool {}", step.pool_id)),
        },
        Peek::Present(_) | Peek::Absent => missing(format!("no cluster {}", step.cluster_id)),
    })
}

/// The pool's count, through an ordinary keyed command with a fixed fingerprint: a
/// retried attempt replays the first attempt's answer instead of scaling again,
/// whatever count it would compute now.
async fn set_count(writer: &Writer, step: &PoolStep, set: &SetCount) -> Result<(), SubmitError> {
    let idempotency = IdempotencyRequest {
        key: set.key.clone(),
        scope: set.key.clone(),
        fingerprint: set.key.clone(),
    };
    let operation_id = writer.id_beside(&step.cluster_id);
    let command = ClusterCommand::UpdatePool {
        pool_id: step.pool_id,
        changes: PoolChanges {
            count: Some(set.count),
            ..PoolChanges::default()
        },
        operation_id,
        at: writer.clock().now(),
    };
    let owner = Principal {
        id: step.owner.clone(),
        role: Role::Member,
    };
    let submission = Command::<Cluster>::new(
        step.cluster_id,
        command,
        operation_id,
        owner,
        "node_pool.scale",
    )
    .idempotency(Some(idempotency))
    .respond(|_, _, _| StoredResponse {
        status: 202,
        headers: Vec::new(),
        body: Vec::new(),
    });
    writer.submit(submission).await.map(|_| ())
}

fn failure(error: &SubmitError) -> Failure {
    let detail = error.to_string();
    match error {
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
