//! The cluster's transition table (api.md §12.2): user commands guarded by status, the
//! one-operation-per-aggregate lock and the pool rules; reconciler commands that record
//! goals reached. Pure: ids, times and catalog facts arrive in the command.

use uuid::Uuid;

use super::ClusterError;
use super::command::{ClusterCommand, CreateCluster, PoolChanges, PoolSpec};
use super::event::{ClusterCreated, ClusterEvent, PoolFacts};
use super::state::{Cluster, ClusterStatus, NodePool, OperationScope, PoolStatus};

pub(super) fn decide(
    state: &Cluster,
    command: &ClusterCommand,
) -> Result<Vec<ClusterEvent>, ClusterError> {
    let Some(status) = state.status else {
        return match command {
            ClusterCommand::Create(create) => created(create).map(|e| vec![e]),
            _ => Err(ClusterError::NotFound),
        };
    };
    if matches!(command, ClusterCommand::Create(_)) {
        return Err(ClusterError::AlreadyExists);
    }
    if let Some(pending) = state
        .pending_operation
        .as_ref()
        .filter(|_| command.takes_the_lock())
    {
        return Err(ClusterError::Locked {
            action: command.action(),
            operation_id: pending.id,
        });
    }
    match status {
        ClusterStatus::Deleted => deleted(state, command),
        ClusterStatus::Deleting => deleting(state, command),
        _ => live(state, status, command),
    }
}

fn live(
    state: &Cluster,
    status: ClusterStatus,
    command: &ClusterCommand,
) -> Result<Vec<ClusterEvent>, ClusterError> {
    use ClusterCommand as C;
    let pending_id = state.pending_operation.as_ref().map(|p| p.id);
    let none = || Ok(Vec::new());
    match command {
        C::Update { name, tags, at } => Ok(update(state, name.as_ref(), tags.as_ref(), *at)),
        C::AddPool {
            pool,
            operation_id,
            at,
        } => add_pool(state, pool, *operation_id, *at),
        C::UpdatePool {
            pool_id,
            changes,
            operation_id,
            at,
        } => update_pool(state, *pool_id, changes, *operation_id, *at),
        C::AutoscalePool {
            pool_id,
            count,
            operation_id,
            at,
        } => autoscale_pool(state, *pool_id, *count, *operation_id, *at),
        C::DeletePool {
            pool_id,
            operation_id,
            at,
        } => delete_pool(state, *pool_id, *operation_id, *at),
        C::RemoveNode {
            pool_id,
            node_id,
            replace,
            skip_drain,
            operation_id,
            at,
        } => remove_node(
            state,
            *pool_id,
            *node_id,
            *replace,
            *skip_drain,
            *operation_id,
            *at,
        ),
        C::Delete { operation_id, at } => Ok(vec![ClusterEvent::DeletionRequested {
            operation_id: Some(*operation_id),
            superseded: pending_id,
            at: *at,
        }]),
        C::SetDemand { demand, at } => Ok(set_demand(state, *demand, *at)),
        C::RequestCancel { operation_id, at } => Ok(request_cancel(state, *operation_id, *at)),
        C::MarkRunning { at } if status == ClusterStatus::Provisioning => {
            let create = state
                .pending_operation
                .as_ref()
                .filter(|p| p.op_type == "cluster.create");
            Ok(vec![ClusterEvent::BecameRunning {
                operation_id: create.map(|p| p.id),
                at: *at,
            }])
        }
        C::MarkDegraded { message, at }
            if status == ClusterStatus::Running
                || (status == ClusterStatus::Degraded && *message != state.status_message) =>
        {
            Ok(vec![ClusterEvent::Degraded {
                message: message.clone(),
                at: *at,
            }])
        }
        C::MarkRecovered { at } if status == ClusterStatus::Degraded => {
            Ok(vec![ClusterEvent::Recovered { at: *at }])
        }
        C::MarkFailed { message, at } if status == ClusterStatus::Provisioning => {
            Ok(vec![ClusterEvent::Failed {
                message: message.clone(),
                operation_id: pending_id,
                at: *at,
            }])
        }
        C::CompleteOperation { operation_id, at } => Ok(complete(state, *operation_id, *at)),
        C::ConfirmCancel {
            operation_id,
            settle_count,
            at,
        } => Ok(confirm_cancel(state, *operation_id, *settle_count, *at)),
        C::MarkNameReleased { name, at } => Ok(release_name(state, name, *at)),
        C::MarkRunning { .. }
        | C::MarkDegraded { .. }
        | C::MarkRecovered { .. }
        | C::MarkFailed { .. } => none(),
        C::Create(_) | C::CompleteDeletion { .. } => Err(invalid(status, command)),
    }
}

fn deleting(state: &Cluster, command: &ClusterCommand) -> Result<Vec<ClusterEvent>, ClusterError> {
    match command {
        ClusterCommand::CompleteDeletion { at } => Ok(vec![ClusterEvent::Deleted {
            operation_id: state.pending_operation.as_ref().map(|p| p.id),
            at: *at,
        }]),
        ClusterCommand::RequestCancel { operation_id, at } => {
            Ok(request_cancel(state, *operation_id, *at))
        }
        ClusterCommand::MarkNameReleased { name, at } => Ok(release_name(state, name, *at)),
        ClusterCommand::CompleteOperation { .. }
        | ClusterCommand::MarkDegraded { .. }
        | ClusterCommand::MarkRecovered { .. }
        | ClusterCommand::MarkRunning { .. } => Ok(Vec::new()),
        other => Err(invalid(ClusterStatus::Deleting, other)),
    }
}

fn deleted(state: &Cluster, command: &ClusterCommand) -> Result<Vec<ClusterEvent>, ClusterError> {
    match command {
        ClusterCommand::MarkNameReleased { name, at } => Ok(release_name(state, name, *at)),
        ClusterCommand::RequestCancel { .. } => Ok(Vec::new()),
        other => Err(invalid(ClusterStatus::Deleted, other)),
    }
}

fn invalid(status: ClusterStatus, command: &ClusterCommand) -> ClusterError {
    ClusterError::InvalidTransition {
        from: status.as_str(),
        action: command.action(),
    }
}

fn created(create: &CreateCluster) -> Result<ClusterEvent, ClusterError> {
    if create.pools.is_empty() {
        return Err(ClusterError::InvalidPool(
            "a cluster needs at least one node pool".into(),
        ));
    }
    let mut pools = Vec::with_capacity(create.pools.len());
    for (i, pool) in create.pools.iter().enumerate() {
        if create.pools[..i].iter().any(|p| p.name == pool.name) {
            return Err(ClusterError::PoolNameTaken(pool.name.to_string()));
        }
        pools.push(pool_facts(pool)?);
    }
    Ok(ClusterEvent::Created(ClusterCreated {
        id: create.id,
        owner: create.owner.clone(),
        name: create.name.clone(),
        region: create.region.clone(),
        kube_version: create.kube_version.clone(),
        pools,
        tags: create.tags.clone(),
        operation_id: Some(create.operation_id),
        at: create.at,
    }))
}

fn pool_facts(pool: &PoolSpec) -> Result<PoolFacts, ClusterError> {
    check_bounds(pool.count, pool.auto_scale, pool.min_nodes, pool.max_nodes)?;
    Ok(PoolFacts {
        id: pool.id,
        name: pool.name.clone(),
        size_slug: pool.size.slug.to_owned(),
        vcpus: pool.size.vcpus,
        memory_mb: pool.size.memory_mb,
        disk_gb: pool.size.disk_gb,
        count: pool.count,
        auto_scale: pool.auto_scale,
        min_nodes: pool.min_nodes,
        max_nodes: pool.max_nodes,
        labels: pool.labels.clone(),
        taints: pool.taints.clone(),
        tags: pool.tags.clone(),
    })
}

/// A pool has at least one node; an autoscaled one stays within `[min, max]`.
fn check_bounds(count: u32, auto_scale: bool, min: u32, max: u32) -> Result<(), ClusterError> {
    if count < 1 {
        return Err(ClusterError::InvalidPool(
            "a node pool needs at least one node".into(),
        ));
    }
    if min > max {
        return Err(ClusterError::InvalidPool(format!(
            "min_nodes {min} exceeds max_nodes {max}"
        )));
    }
    if auto_scale && !(min..=max).contains(&count) {
        return Err(ClusterError::InvalidPool(format!(
            "count {count} is outside [min_nodes {min}, max_nodes {max}]"
        )));
    }
    Ok(())
}

fn update(
    state: &Cluster,
    name: Option<&crate::name::ResourceName>,
    tags: Option<&Vec<String>>,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<ClusterEvent> {
    let mut events = Vec::new();
    if let Some(name) = name.filter(|n| **n != state.name) {
        events.push(ClusterEvent::Renamed {
            name: name.clone(),
            previous: Some(state.name.clone()),
            at,
        });
    }
    if let Some(tags) = tags.filter(|t| **t != state.tags) {
        events.push(ClusterEvent::TagsChanged {
            tags: tags.clone(),
            at,
        });
    }
    events
}

fn live_pool(state: &Cluster, pool_id: Uuid) -> Result<&NodePool, ClusterError> {
    state
        .pool(pool_id)
        .filter(|p| p.status != PoolStatus::Deleting)
        .ok_or(ClusterError::PoolNotFound)
}

fn add_pool(
    state: &Cluster,
    pool: &PoolSpec,
    operation_id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ClusterEvent>, ClusterError> {
    if state.pools.iter().any(|p| p.name == pool.name) {
        return Err(ClusterError::PoolNameTaken(pool.name.to_string()));
    }
    Ok(vec![ClusterEvent::PoolAdded {
        pool: pool_facts(pool)?,
        operation_id: Some(operation_id),
        at,
    }])
}

fn autoscale_pool(
    state: &Cluster,
    pool_id: Uuid,
    count: u32,
    operation_id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ClusterEvent>, ClusterError> {
    let pool = live_pool(state, pool_id)?;
    if !pool.auto_scale {
        return Err(ClusterError::NotAutoscaled { pool_id });
    }
    check_bounds(count, true, pool.min_nodes, pool.max_nodes)?;
    if count == pool.count {
        return Ok(Vec::new());
    }
    Ok(vec![ClusterEvent::PoolScaleRequested {
        pool_id,
        from: pool.count,
        to: count,
        operation_id: Some(operation_id),
        at,
    }])
}

fn update_pool(
    state: &Cluster,
    pool_id: Uuid,
    changes: &PoolChanges,
    operation_id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ClusterEvent>, ClusterError> {
    let pool = live_pool(state, pool_id)?;
    let auto_scale = changes.auto_scale.unwrap_or(pool.auto_scale);
    if auto_scale && changes.count.is_some_and(|c| c != pool.count) {
        return Err(ClusterError::AutoscaleOwnsCount { pool_id });
    }
    let (min, max) = (
        changes.min_nodes.unwrap_or(pool.min_nodes),
        changes.max_nodes.unwrap_or(pool.max_nodes),
    );
    if min > max {
        return Err(ClusterError::InvalidPool(format!(
            "min_nodes {min} exceeds max_nodes {max}"
        )));
    }
    // Turning autoscaling on moves a count outside the new bounds inside them.
    let count = match changes.count {
        Some(count) => count,
        None if auto_scale => pool.count.clamp(min.max(1), max.max(1)),
        None => pool.count,
    };
    check_bounds(count, auto_scale, min, max)?;
    let scales = count != pool.count;
    let mut events = vec![ClusterEvent::PoolUpdated {
        pool_id,
        labels: changes
            .labels
            .clone()
            .unwrap_or_else(|| pool.labels.clone()),
        auto_scale,
        min_nodes: min,
        max_nodes: max,
        operation_id: (!scales).then_some(operation_id),
        at,
    }];
    if scales {
        events.push(ClusterEvent::PoolScaleRequested {
            pool_id,
            from: pool.count,
            to: count,
            operation_id: Some(operation_id),
            at,
        });
    }
    Ok(events)
}

fn delete_pool(
    state: &Cluster,
    pool_id: Uuid,
    operation_id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ClusterEvent>, ClusterError> {
    live_pool(state, pool_id)?;
    let live_pools = state
        .pools
        .iter()
        .filter(|p| p.status != PoolStatus::Deleting)
        .count();
    if live_pools <= 1 {
        return Err(ClusterError::LastPool);
    }
    Ok(vec![ClusterEvent::PoolDeletionRequested {
        pool_id,
        operation_id: Some(operation_id),
        at,
    }])
}

fn remove_node(
    state: &Cluster,
    pool_id: Uuid,
    node_id: Uuid,
    replace: bool,
    skip_drain: bool,
    operation_id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ClusterEvent>, ClusterError> {
    let pool = live_pool(state, pool_id)?;
    if pool.removing.iter().any(|r| r.node_id == node_id) {
        return Err(ClusterError::NodeNotRemovable(
            "the node is already being removed".into(),
        ));
    }
    let count = if replace {
        pool.count
    } else {
        pool.count.saturating_sub(1)
    };
    let floor = if pool.auto_scale {
        pool.min_nodes.max(1)
    } else {
        1
    };
    if count < floor {
        return Err(ClusterError::NodeNotRemovable(format!(
            "the pool would fall below {floor} node(s); replace the node instead"
        )));
    }
    Ok(vec![ClusterEvent::NodeRemovalRequested {
        pool_id,
        node_id,
        replace,
        skip_drain,
        count,
        operation_id: Some(operation_id),
        at,
    }])
}

/// The same demand again changes nothing (no event, no new version).
fn set_demand(
    state: &Cluster,
    demand: crate::telemetry::load::Demand,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<ClusterEvent> {
    if state.demand == Some(demand) {
        return Vec::new();
    }
    vec![ClusterEvent::DemandSet { demand, at }]
}

fn request_cancel(
    state: &Cluster,
    operation_id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<ClusterEvent> {
    match &state.pending_operation {
        Some(p) if p.id == operation_id && !p.cancel_requested => {
            vec![ClusterEvent::CancelRequested { operation_id, at }]
        }
        _ => Vec::new(),
    }
}

/// The reconciler reports the pending operation's goal reached.
fn complete(
    state: &Cluster,
    operation_id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<ClusterEvent> {
    if state.pending_operation.as_ref().map(|p| p.id) != Some(operation_id) {
        return Vec::new();
    }
    let mut events = Vec::new();
    match state.pending_scope {
        Some(OperationScope::Node { pool_id, node_id }) => {
            events.push(ClusterEvent::NodeRemoved {
                pool_id,
                node_id,
                at,
            });
        }
        Some(OperationScope::Pool(pool_id))
            if state
                .pool(pool_id)
                .is_some_and(|p| p.status == PoolStatus::Deleting) =>
        {
            events.push(ClusterEvent::PoolDeleted { pool_id, at });
        }
        _ => {}
    }
    events.push(ClusterEvent::OperationCompleted { operation_id, at });
    events
}

/// Honours a requested cancel where the operation is not past its point of no return:
/// a creation ends in `error`, a scale settles where it stands.
fn confirm_cancel(
    state: &Cluster,
    operation_id: Uuid,
    settle_count: Option<u32>,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<ClusterEvent> {
    let Some(pending) = state
        .pending_operation
        .as_ref()
        .filter(|p| p.id == operation_id && p.cancel_requested)
    else {
        return Vec::new();
    };
    let mut events = Vec::new();
    match (pending.op_type.as_str(), state.pending_scope) {
        ("cluster.create", _) => {}
        ("node_pool.scale" | "node_pool.create", Some(OperationScope::Pool(pool_id))) => {
            let Some(pool) = state.pool(pool_id) else {
                return Vec::new();
            };
            let settle = settle_count.unwrap_or(pool.count).max(1);
            if settle != pool.count {
                events.push(ClusterEvent::PoolScaleRequested {
                    pool_id,
                    from: pool.count,
                    to: settle,
                    operation_id: None,
                    at,
                });
            }
        }
        _ => return Vec::new(),
    }
    events.push(ClusterEvent::OperationCancelled {
        operation_id,
        reason: "cancelled on request".into(),
        at,
    });
    events
}

fn release_name(
    state: &Cluster,
    name: &crate::name::ResourceName,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<ClusterEvent> {
    if state.names_to_release.contains(name) {
        vec![ClusterEvent::NameReleased {
            name: name.clone(),
            at,
        }]
    } else {
        Vec::new()
    }
}
