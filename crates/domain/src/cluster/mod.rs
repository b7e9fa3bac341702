//! The Cluster aggregate (api.md §12.2): a cluster and its node pools. Users change
//! metadata, pools and nodes; the node-pool reconciler drives node droplets toward each
//! pool's count and reports goals reached (running, scaled, removed, deleted) back here.
//! Pure and total, like every aggregate: no clock, no catalog, no IO.

mod command;
mod decide;
mod event;
mod operations;
mod state;
#[cfg(test)]
mod tests;

pub use command::{ClusterCommand, CreateCluster, PoolChanges, PoolSpec};
pub use event::{ClusterCreated, ClusterEvent, PoolFacts};
pub use state::{Cluster, ClusterStatus, NodePool, NodeRemoval, OperationScope, PoolStatus};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Aggregate;
use crate::name::ResourceName;
use crate::operation::{OperationFact, PendingOperation};
use crate::rejection::{DomainError, Rejection, RejectionKind};

/// The Kubernetes version new clusters get unless they ask for another.
pub const DEFAULT_KUBE_VERSION: &str = "1.31.1-cg.0";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    #[error("the cluster already exists")]
    AlreadyExists,
    #[error("the cluster does not exist")]
    NotFound,
    #[error("the node pool does not exist")]
    PoolNotFound,
    #[error("a node pool named {0} exists already")]
    PoolNameTaken(String),
    #[error("a cluster in status {from} cannot {action}")]
    InvalidTransition {
        from: &'static str,
        action: &'static str,
    },
    #[error("the cluster is locked by operation {operation_id}")]
    Locked {
        action: &'static str,
        operation_id: Uuid,
    },
    #[error("the pool's count is owned by its autoscaler")]
    AutoscaleOwnsCount { pool_id: Uuid },
    #[error("the pool is not autoscaled")]
    NotAutoscaled { pool_id: Uuid },
    #[error("{0}")]
    InvalidPool(String),
    #[error("a cluster needs at least one node pool")]
    LastPool,
    #[error("{0}")]
    NodeNotRemovable(String),
}

impl DomainError for ClusterError {
    fn rejection(&self) -> Rejection {
        use RejectionKind as K;
        let detail = self.to_string();
        match self {
            Self::NotFound => Rejection::not_found("cluster"),
            Self::PoolNotFound => Rejection::not_found("node_pool"),
            Self::AlreadyExists => Rejection::new(K::AlreadyExists, "cluster", detail),
            Self::PoolNameTaken(name) => {
                Rejection::new(K::AlreadyExists, "node_pool", detail).meta("name", name.clone())
            }
            Self::InvalidTransition { from, action } => {
                Rejection::new(K::InvalidStateTransition, "cluster", detail)
                    .meta("from", *from)
                    .meta("action", *action)
            }
            Self::Locked {
                action,
                operation_id,
            } => Rejection::new(K::ResourceLocked, "cluster", detail)
                .meta("action", *action)
                .meta("operation_id", operation_id.to_string()),
            Self::AutoscaleOwnsCount { pool_id } => {
                Rejection::new(K::AutoscaleOwnsCount, "node_pool", "the pool's count is owned by its autoscaler; change min_nodes/max_nodes or turn auto_scale off")
                    .meta("node_pool_id", pool_id.to_string())
            }
            Self::InvalidPool(_) => Rejection::new(K::Invalid, "node_pool", detail),
            Self::NotAutoscaled { pool_id } => {
                Rejection::new(K::FailedPrecondition, "node_pool", detail)
                    .meta("node_pool_id", pool_id.to_string())
            }
            Self::LastPool | Self::NodeNotRemovable(_) => {
                Rejection::new(K::FailedPrecondition, "node_pool", detail)
            }
        }
    }
}

impl Aggregate for Cluster {
    const NAME: &'static str = "cluster";
    type Command = ClusterCommand;
    type Event = ClusterEvent;
    type Error = ClusterError;

    fn decide(&self, command: &ClusterCommand) -> Result<Vec<ClusterEvent>, ClusterError> {
        decide::decide(self, command)
    }

    fn evolve(self, event: &ClusterEvent) -> Self {
        evolve(self, event)
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn exists(&self) -> bool {
        Cluster::exists(self)
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn pending_operation(&self) -> Option<&PendingOperation> {
        self.pending_operation.as_ref()
    }

    fn held_name(&self) -> Option<(&ResourceName, bool)> {
        Aggregate::exists(self).then_some((&self.name, self.is_live()))
    }

    fn cancel_command(operation_id: Uuid, at: DateTime<Utc>) -> Option<ClusterCommand> {
        Some(ClusterCommand::RequestCancel { operation_id, at })
    }

    fn operation_facts(event: &ClusterEvent, id: Uuid, principal: &str) -> Vec<OperationFact> {
        operations::facts(event, id, principal)
    }
}

fn pool_from(facts: &PoolFacts) -> NodePool {
    NodePool {
        id: facts.id,
        name: facts.name.clone(),
        size_slug: facts.size_slug.clone(),
        vcpus: facts.vcpus,
        memory_mb: facts.memory_mb,
        disk_gb: facts.disk_gb,
        count: facts.count,
        auto_scale: facts.auto_scale,
        min_nodes: facts.min_nodes,
        max_nodes: facts.max_nodes,
        labels: facts.labels.clone(),
        taints: facts.taints.clone(),
        tags: facts.tags.clone(),
        status: PoolStatus::Scaling,
        removing: Vec::new(),
    }
}

fn begin(state: &mut Cluster, operation_id: Option<Uuid>, op_type: &str, scope: OperationScope) {
    if let Some(id) = operation_id {
        state.pending_operation = Some(PendingOperation::new(id, op_type));
        state.pending_scope = Some(scope);
    }
}

fn end(state: &mut Cluster) {
    if let Some(OperationScope::Pool(pool_id)) = state.pending_scope
        && let Some(pool) = state
            .pool_mut(pool_id)
            .filter(|p| p.status == PoolStatus::Scaling)
    {
        pool.status = PoolStatus::Active;
    }
    state.pending_operation = None;
    state.pending_scope = None;
}

fn evolve(mut state: Cluster, event: &ClusterEvent) -> Cluster {
    use ClusterEvent as E;
    state.version += 1;
    state.updated_at = Some(event.at());
    match event {
        E::Created(c) => {
            state.id = c.id;
            state.owner.clone_from(&c.owner);
            state.name = c.name.clone();
            state.region.clone_from(&c.region);
            state.kube_version.clone_from(&c.kube_version);
            state.tags.clone_from(&c.tags);
            state.pools = c.pools.iter().map(pool_from).collect();
            state.status = Some(ClusterStatus::Provisioning);
            state.created_at = Some(c.at);
            begin(
                &mut state,
                c.operation_id,
                "cluster.create",
                OperationScope::Cluster,
            );
        }
        E::Renamed { name, previous, .. } => {
            state
                .names_to_release
                .extend(previous.iter().filter(|p| *p != name).cloned());
            // A name taken back before its release (x → y → x) is held again.
            state.names_to_release.retain(|n| n != name);
            state.name = name.clone();
        }
        E::TagsChanged { tags, .. } => state.tags.clone_from(tags),
        E::PoolAdded {
            pool, operation_id, ..
        } => {
            state.pools.push(pool_from(pool));
            begin(
                &mut state,
                *operation_id,
                "node_pool.create",
                OperationScope::Pool(pool.id),
            );
        }
        E::PoolUpdated {
            pool_id,
            labels,
            auto_scale,
            min_nodes,
            max_nodes,
            ..
        } => {
            if let Some(pool) = state.pool_mut(*pool_id) {
                pool.labels.clone_from(labels);
                (pool.auto_scale, pool.min_nodes, pool.max_nodes) =
                    (*auto_scale, *min_nodes, *max_nodes);
            }
        }
        E::PoolScaleRequested {
            pool_id,
            to,
            operation_id,
            ..
        } => {
            if let Some(pool) = state.pool_mut(*pool_id) {
                pool.count = *to;
                pool.status = PoolStatus::Scaling;
            }
            begin(
                &mut state,
                *operation_id,
                "node_pool.scale",
                OperationScope::Pool(*pool_id),
            );
        }
        E::PoolDeletionRequested {
            pool_id,
            operation_id,
            ..
        } => {
            if let Some(pool) = state.pool_mut(*pool_id) {
                pool.status = PoolStatus::Deleting;
            }
            begin(
                &mut state,
                *operation_id,
                "node_pool.delete",
                OperationScope::Pool(*pool_id),
            );
        }
        E::PoolDeleted { pool_id, .. } => state.pools.retain(|p| p.id != *pool_id),
        E::NodeRemovalRequested {
            pool_id,
            node_id,
            replace,
            skip_drain,
            count,
            operation_id,
            ..
        } => {
            if let Some(pool) = state.pool_mut(*pool_id) {
                pool.count = *count;
                pool.removing.push(NodeRemoval {
                    node_id: *node_id,
                    replace: *replace,
                    skip_drain: *skip_drain,
                });
            }
            let op_type = if *replace {
                "node.replace"
            } else {
                "node.delete"
            };
            let scope = OperationScope::Node {
                pool_id: *pool_id,
                node_id: *node_id,
            };
            begin(&mut state, *operation_id, op_type, scope);
        }
        E::NodeRemoved {
            pool_id, node_id, ..
        } => {
            if let Some(pool) = state.pool_mut(*pool_id) {
                pool.removing.retain(|r| r.node_id != *node_id);
            }
        }
        E::OperationCompleted { .. } => end(&mut state),
        E::BecameRunning { operation_id, .. } => {
            state.status = Some(ClusterStatus::Running);
            state.status_message.clear();
            for pool in state
                .pools
                .iter_mut()
                .filter(|p| p.status == PoolStatus::Scaling)
            {
                pool.status = PoolStatus::Active;
            }
            if operation_id.is_some() {
                end(&mut state);
            }
        }
        E::Degraded { message, .. } => {
            state.status = Some(ClusterStatus::Degraded);
            state.status_message.clone_from(message);
        }
        E::Recovered { .. } => {
            state.status = Some(ClusterStatus::Running);
            state.status_message.clear();
        }
        E::Failed { message, .. } => {
            state.status = Some(ClusterStatus::Error);
            state.status_message.clone_from(message);
            end(&mut state);
        }
        E::DeletionRequested { operation_id, .. } => {
            state.status = Some(ClusterStatus::Deleting);
            state.status_message.clear();
            state.pending_operation = None;
            begin(
                &mut state,
                *operation_id,
                "cluster.delete",
                OperationScope::Cluster,
            );
        }
        E::Deleted { at, .. } => {
            state.status = Some(ClusterStatus::Deleted);
            state.delete_time = Some(*at);
            state.names_to_release.push(state.name.clone());
            end(&mut state);
        }
        E::CancelRequested { .. } => {
            if let Some(pending) = &mut state.pending_operation {
                pending.cancel_requested = true;
            }
        }
        E::OperationCancelled { .. } => {
            if state
                .pending_operation
                .as_ref()
                .is_some_and(|p| p.op_type == "cluster.create")
            {
                state.status = Some(ClusterStatus::Error);
                state.status_message = "creation cancelled".into();
            }
            end(&mut state);
        }
        E::NameReleased { name, .. } => state.names_to_release.retain(|n| n != name),
        E::DemandSet { demand, .. } => state.demand = Some(*demand),
    }
    state
}
