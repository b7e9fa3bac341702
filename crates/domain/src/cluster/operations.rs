//! What each cluster event says about operations (api.md §9): creation, pool changes,
//! node removals and deletion run until the reconciler reports their goal reached; a
//! metadata-only pool patch completes within its command.

use uuid::Uuid;

use super::event::ClusterEvent;
use crate::operation::{OperationChange, OperationFact, immediate};

pub(super) fn facts(event: &ClusterEvent, id: Uuid, principal: &str) -> Vec<OperationFact> {
    use ClusterEvent as E;
    let at = event.at();
    let fact = |operation_id: Uuid, change| OperationFact {
        operation_id,
        at,
        change,
    };
    let start = |op: &Option<Uuid>, op_type: &str| {
        op.map(|op| {
            fact(
                op,
                OperationChange::Started {
                    op_type: op_type.to_owned(),
                    target_kind: "cluster",
                    target_id: id,
                    requested_by: principal.to_owned(),
                    steps_total: 1,
                },
            )
        })
        .into_iter()
        .collect::<Vec<_>>()
    };
    match event {
        E::Created(c) => start(&c.operation_id, "cluster.create"),
        E::PoolAdded { operation_id, .. } => start(operation_id, "node_pool.create"),
        E::PoolUpdated {
            operation_id: Some(op),
            ..
        } => immediate(*op, "node_pool.update", "cluster", id, principal, at),
        E::PoolScaleRequested { operation_id, .. } => start(operation_id, "node_pool.scale"),
        E::PoolDeletionRequested { operation_id, .. } => start(operation_id, "node_pool.delete"),
        E::NodeRemovalRequested {
            operation_id,
            replace,
            ..
        } => start(
            operation_id,
            if *replace {
                "node.replace"
            } else {
                "node.delete"
            },
        ),
        E::OperationCompleted { operation_id, .. } => {
            vec![fact(*operation_id, OperationChange::Succeeded)]
        }
        E::BecameRunning {
            operation_id: Some(op),
            ..
        }
        | E::Deleted {
            operation_id: Some(op),
            ..
        } => {
            vec![fact(*op, OperationChange::Succeeded)]
        }
        E::Failed {
            operation_id: Some(op),
            message,
            ..
        } => vec![fact(
            *op,
            OperationChange::Failed {
                code: "PROVISIONING_FAILED".into(),
                detail: message.clone(),
            },
        )],
        E::DeletionRequested {
            operation_id,
            superseded,
            ..
        } => {
            let mut facts: Vec<OperationFact> = superseded
                .map(|old| {
                    fact(
                        old,
                        OperationChange::Cancelled {
                            reason: "SUPERSEDED".into(),
                        },
                    )
                })
                .into_iter()
                .collect();
            facts.extend(start(operation_id, "cluster.delete"));
            facts
        }
        E::CancelRequested { operation_id, .. } => {
            vec![fact(*operation_id, OperationChange::CancelRequested)]
        }
        E::OperationCancelled {
            operation_id,
            reason,
            ..
        } => {
            vec![fact(
                *operation_id,
                OperationChange::Cancelled {
                    reason: reason.clone(),
                },
            )]
        }
        _ => Vec::new(),
    }
}
