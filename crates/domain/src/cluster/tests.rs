//! Given / when / then tests of the cluster state machine (api.md §12.2): every user
//! command and reconciler report, refusals included, the operation facts, and the fold
//! property.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::catalog;
use crate::name::ResourceName;
use crate::operation::OperationChange;
use crate::telemetry::load::{Demand, Profile};
use crate::testing::{Scenario, assert_fold_is_incremental};

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, second)
        .single()
        .expect("valid time")
}

fn op(n: u128) -> Uuid {
    Uuid::from_u128(0x0c00 + n)
}

fn pool_id(n: u128) -> Uuid {
    Uuid::from_u128(0x0900 + n)
}

fn name(raw: &str) -> ResourceName {
    ResourceName::parse(raw).expect("valid")
}

fn spec(n: u128, pool_name: &str, count: u32) -> PoolSpec {
    PoolSpec {
        id: pool_id(n),
        name: name(pool_name),
        size: *catalog::find_size("s-2vcpu-4gb").expect("size"),
        count,
        auto_scale: false,
        min_nodes: 1,
        max_nodes: 10,
        labels: BTreeMap::new(),
        taints: Vec::new(),
        tags: Vec::new(),
    }
}

fn create(pools: Vec<PoolSpec>) -> ClusterCommand {
    ClusterCommand::Create(CreateCluster {
        id: Uuid::from_u128(1),
        owner: "alice".into(),
        name: name("prod"),
        region: "nyc1".into(),
        kube_version: DEFAULT_KUBE_VERSION.into(),
        pools,
        tags: vec!["env:prod".into()],
        operation_id: op(1),
        at: at(0),
    })
}

fn created() -> ClusterEvent {
    Cluster::default()
        .decide(&create(vec![spec(1, "web", 2), spec(2, "db", 1)]))
        .expect("created")
        .remove(0)
}

fn running() -> ClusterEvent {
    ClusterEvent::BecameRunning {
        operation_id: Some(op(1)),
        at: at(5),
    }
}

fn given(history: &[ClusterEvent]) -> Scenario<Cluster> {
    Scenario::given(history.to_vec())
}

fn scale(pool: u128, count: u32, n: u128) -> ClusterCommand {
    ClusterCommand::UpdatePool {
        pool_id: pool_id(pool),
        changes: PoolChanges {
            count: Some(count),
            ..PoolChanges::default()
        },
        operation_id: op(n),
        at: at(6),
    }
}

#[test]
fn create_needs_a_pool_and_starts_provisioning_with_an_operation() {
    given(&[])
        .when(create(vec![]))
        .then_error(ClusterError::InvalidPool(
            "a cluster needs at least one node pool".into(),
        ));
    given(&[])
        .when(create(vec![spec(1, "web", 0)]))
        .then_error(ClusterError::InvalidPool(
            "a node pool needs at least one node".into(),
        ));
    given(&[])
        .when(create(vec![spec(1, "web", 1), spec(2, "web", 1)]))
        .then_error(ClusterError::PoolNameTaken("web".into()));
    let state = Cluster::replay(&[created()]);
    assert_eq!(state.status, Some(ClusterStatus::Provisioning));
    assert_eq!(state.pending_operation.as_ref().map(|p| p.id), Some(op(1)));
    assert_eq!(
        state.pools.iter().map(|p| p.count).collect::<Vec<_>>(),
        vec![2, 1]
    );
    given(&[created()])
        .when(create(vec![spec(1, "web", 1)]))
        .then_error(ClusterError::AlreadyExists);
}

#[test]
fn the_reconciler_marks_it_running_once_its_nodes_run() {
    let state = given(&[created()])
        .when(ClusterCommand::MarkRunning { at: at(5) })
        .then(vec![running()]);
    assert_eq!(
        (state.status, state.locked()),
        (Some(ClusterStatus::Running), false)
    );
    given(&[created(), running()])
        .when(ClusterCommand::MarkRunning { at: at(6) })
        .then(vec![]);
}

#[test]
fn provisioning_that_takes_too_long_fails_the_creation() {
    let state = given(&[created()])
        .when(ClusterCommand::MarkFailed {
            message: "nodes did not start".into(),
            at: at(9),
        })
        .then(vec![ClusterEvent::Failed {
            message: "nodes did not start".into(),
            operation_id: Some(op(1)),
            at: at(9),
        }]);
    assert_eq!(state.status, Some(ClusterStatus::Error));
}

#[test]
fn metadata_changes_while_an_operation_runs() {
    given(&[created()])
        .when(ClusterCommand::Update {
            name: Some(name("prod-2")),
            tags: None,
            at: at(1),
        })
        .then(vec![ClusterEvent::Renamed {
            name: name("prod-2"),
            previous: Some(name("prod")),
            at: at(1),
        }]);
}

fn demand(level: u8, profile: Profile) -> Demand {
    Demand { level, profile }
}

#[test]
fn demand_is_set_at_once_even_while_an_operation_runs() {
    let spike = demand(70, Profile::Spike);
    let state = given(&[created()])
        .when(ClusterCommand::SetDemand {
            demand: spike,
            at: at(1),
        })
        .then(vec![ClusterEvent::DemandSet {
            demand: spike,
            at: at(1),
        }]);
    assert_eq!(state.demand, Some(spike));
    assert!(state.locked(), "the creation still holds the lock");
}

#[test]
fn the_same_demand_again_changes_nothing() {
    let calm = demand(40, Profile::Calm);
    given(&[
        created(),
        ClusterEvent::DemandSet {
            demand: calm,
            at: at(1),
        },
    ])
    .when(ClusterCommand::SetDemand {
        demand: calm,
        at: at(2),
    })
    .then(vec![]);
}

#[test]
fn a_cluster_going_away_takes_no_demand() {
    let deleting = [
        created(),
        ClusterEvent::DeletionRequested {
            operation_id: Some(op(9)),
            superseded: Some(op(1)),
            at: at(3),
        },
    ];
    given(&deleting)
        .when(ClusterCommand::SetDemand {
            demand: demand(10, Profile::Leak),
            at: at(4),
        })
        .then_error(ClusterError::InvalidTransition {
            from: "deleting",
            action: "set_demand",
        });
}

#[test]
fn pool_changes_are_locked_while_another_operation_runs() {
    given(&[created()])
        .when(scale(1, 3, 2))
        .then_error(ClusterError::Locked {
            action: "update_node_pool",
            operation_id: op(1),
        });
}

#[test]
fn a_count_change_scales_the_pool_as_an_operation() {
    let state = given(&[created(), running()])
        .when(scale(1, 4, 2))
        .then(vec![
            ClusterEvent::PoolUpdated {
                pool_id: pool_id(1),
                labels: BTreeMap::new(),
                auto_scale: false,
                min_nodes: 1,
                max_nodes: 10,
                operation_id: None,
                at: at(6),
            },
            ClusterEvent::PoolScaleRequested {
                pool_id: pool_id(1),
                from: 2,
                to: 4,
                operation_id: Some(op(2)),
                at: at(6),
            },
        ]);
    let pool = state.pool(pool_id(1)).expect("pool");
    assert_eq!((pool.count, pool.status), (4, PoolStatus::Scaling));
    let state = given(&[
        created(),
        running(),
        ClusterEvent::PoolScaleRequested {
            pool_id: pool_id(1),
            from: 2,
            to: 4,
            operation_id: Some(op(2)),
            at: at(6),
        },
    ])
    .when(ClusterCommand::CompleteOperation {
        operation_id: op(2),
        at: at(8),
    })
    .then(vec![ClusterEvent::OperationCompleted {
        operation_id: op(2),
        at: at(8),
    }]);
    assert_eq!(
        state.pool(pool_id(1)).map(|p| p.status),
        Some(PoolStatus::Active)
    );
}

#[test]
fn an_autoscaled_pool_refuses_a_manual_count() {
    let autoscaled = ClusterEvent::PoolUpdated {
        pool_id: pool_id(1),
        labels: BTreeMap::new(),
        auto_scale: true,
        min_nodes: 1,
        max_nodes: 5,
        operation_id: Some(op(2)),
        at: at(6),
    };
    given(&[created(), running(), autoscaled])
        .when(scale(1, 3, 3))
        .then_error(ClusterError::AutoscaleOwnsCount {
            pool_id: pool_id(1),
        });
}

#[test]
fn only_the_autoscaler_scales_an_autoscaled_pool_and_only_within_its_bounds() {
    let autoscaled = ClusterEvent::PoolUpdated {
        pool_id: pool_id(1),
        labels: BTreeMap::new(),
        auto_scale: true,
        min_nodes: 1,
        max_nodes: 5,
        operation_id: Some(op(2)),
        at: at(6),
    };
    let autoscale = |count| ClusterCommand::AutoscalePool {
        pool_id: pool_id(1),
        count,
        operation_id: op(3),
        at: at(7),
    };
    given(&[created(), running(), autoscaled.clone()])
        .when(autoscale(4))
        .then(vec![ClusterEvent::PoolScaleRequested {
            pool_id: pool_id(1),
            from: 2,
            to: 4,
            operation_id: Some(op(3)),
            at: at(7),
        }]);
    given(&[created(), running(), autoscaled])
        .when(autoscale(6))
        .then_error(ClusterError::InvalidPool(
            "count 6 is outside [min_nodes 1, max_nodes 5]".into(),
        ));
    given(&[created(), running()])
        .when(autoscale(4))
        .then_error(ClusterError::NotAutoscaled {
            pool_id: pool_id(1),
        });
}

#[test]
fn pool_bounds_are_checked() {
    let changes = PoolChanges {
        auto_scale: Some(true),
        min_nodes: Some(5),
        max_nodes: Some(3),
        ..PoolChanges::default()
    };
    given(&[created(), running()])
        .when(ClusterCommand::UpdatePool {
            pool_id: pool_id(1),
            changes,
            operation_id: op(2),
            at: at(6),
        })
        .then_error(ClusterError::InvalidPool(
            "min_nodes 5 exceeds max_nodes 3".into(),
        ));
    given(&[created(), running()])
        .when(scale(9, 2, 2))
        .then_error(ClusterError::PoolNotFound);
}

#[test]
fn pools_are_added_and_deleted_but_never_the_last_one() {
    let added = given(&[created(), running()])
        .when(ClusterCommand::AddPool {
            pool: spec(3, "batch", 1),
            operation_id: op(2),
            at: at(6),
        })
        .events();
    assert!(
        matches!(&added[0], ClusterEvent::PoolAdded { pool, .. } if pool.name == name("batch"))
    );
    given(&[created(), running()])
        .when(ClusterCommand::AddPool {
            pool: spec(3, "web", 1),
            operation_id: op(2),
            at: at(6),
        })
        .then_error(ClusterError::PoolNameTaken("web".into()));
    let deleting = ClusterEvent::PoolDeletionRequested {
        pool_id: pool_id(2),
        operation_id: Some(op(3)),
        at: at(7),
    };
    given(&[created(), running()])
        .when(ClusterCommand::DeletePool {
            pool_id: pool_id(2),
            operation_id: op(3),
            at: at(7),
        })
        .then(vec![deleting.clone()]);
    let state = given(&[created(), running(), deleting.clone()])
        .when(ClusterCommand::CompleteOperation {
            operation_id: op(3),
            at: at(8),
        })
        .then(vec![
            ClusterEvent::PoolDeleted {
                pool_id: pool_id(2),
                at: at(8),
            },
            ClusterEvent::OperationCompleted {
                operation_id: op(3),
                at: at(8),
            },
        ]);
    assert_eq!(state.pools.len(), 1);
    given(&[
        created(),
        running(),
        deleting,
        ClusterEvent::PoolDeleted {
            pool_id: pool_id(2),
            at: at(8),
        },
        ClusterEvent::OperationCompleted {
            operation_id: op(3),
            at: at(8),
        },
    ])
    .when(ClusterCommand::DeletePool {
        pool_id: pool_id(1),
        operation_id: op(4),
        at: at(9),
    })
    .then_error(ClusterError::LastPool);
}

#[test]
fn a_node_is_removed_or_replaced() {
    let node = Uuid::from_u128(0xd1);
    let remove = |replace| ClusterCommand::RemoveNode {
        pool_id: pool_id(1),
        node_id: node,
        replace,
        skip_drain: false,
        operation_id: op(2),
        at: at(6),
    };
    let removal = given(&[created(), running()]).when(remove(false)).events();
    assert!(matches!(
        removal[0],
        ClusterEvent::NodeRemovalRequested {
            count: 1,
            replace: false,
            ..
        }
    ));
    let replacement = given(&[created(), running()]).when(remove(true)).events();
    assert!(matches!(
        replacement[0],
        ClusterEvent::NodeRemovalRequested {
            count: 2,
            replace: true,
            ..
        }
    ));
    let state = given(&[created(), running(), removal[0].clone()])
        .when(ClusterCommand::CompleteOperation {
            operation_id: op(2),
            at: at(8),
        })
        .then(vec![
            ClusterEvent::NodeRemoved {
                pool_id: pool_id(1),
                node_id: node,
                at: at(8),
            },
            ClusterEvent::OperationCompleted {
                operation_id: op(2),
                at: at(8),
            },
        ]);
    assert!(state.pool(pool_id(1)).expect("pool").removing.is_empty());
    let single = ClusterEvent::PoolScaleRequested {
        pool_id: pool_id(2),
        from: 1,
        to: 1,
        operation_id: None,
        at: at(6),
    };
    let refused = given(&[created(), running(), single])
        .when(ClusterCommand::RemoveNode {
            pool_id: pool_id(2),
            node_id: node,
            replace: false,
            skip_drain: true,
            operation_id: op(3),
            at: at(7),
        })
        .error();
    assert!(matches!(refused, ClusterError::NodeNotRemovable(_)));
}

#[test]
fn delete_supersedes_a_running_operation_and_completes_when_nodes_are_gone() {
    let state = given(&[created()])
        .when(ClusterCommand::Delete {
            operation_id: op(9),
            at: at(3),
        })
        .then(vec![ClusterEvent::DeletionRequested {
            operation_id: Some(op(9)),
            superseded: Some(op(1)),
            at: at(3),
        }]);
    assert_eq!(state.status, Some(ClusterStatus::Deleting));
    let history = [
        created(),
        ClusterEvent::DeletionRequested {
            operation_id: Some(op(9)),
            superseded: Some(op(1)),
            at: at(3),
        },
    ];
    given(&history)
        .when(scale(1, 5, 4))
        .then_error(ClusterError::Locked {
            action: "update_node_pool",
            operation_id: op(9),
        });
    given(&history)
        .when(ClusterCommand::Delete {
            operation_id: op(10),
            at: at(4),
        })
        .then_error(ClusterError::InvalidTransition {
            from: "deleting",
            action: "delete",
        });
    let state = given(&history)
        .when(ClusterCommand::CompleteDeletion { at: at(9) })
        .then(vec![ClusterEvent::Deleted {
            operation_id: Some(op(9)),
            at: at(9),
        }]);
    assert_eq!(state.status, Some(ClusterStatus::Deleted));
    assert_eq!(state.names_to_release, vec![name("prod")]);
}

#[test]
fn degraded_comes_and_goes() {
    let degraded = ClusterEvent::Degraded {
        message: "pool web has 1 of 2 nodes running".into(),
        at: at(7),
    };
    given(&[created(), running()])
        .when(ClusterCommand::MarkDegraded {
            message: "pool web has 1 of 2 nodes running".into(),
            at: at(7),
        })
        .then(vec![degraded.clone()]);
    let state = given(&[created(), running(), degraded])
        .when(ClusterCommand::MarkRecovered { at: at(8) })
        .then(vec![ClusterEvent::Recovered { at: at(8) }]);
    assert_eq!(state.status, Some(ClusterStatus::Running));
    given(&[created(), running()])
        .when(ClusterCommand::MarkRecovered { at: at(8) })
        .then(vec![]);
}

#[test]
fn cancel_is_requested_then_honoured_where_it_still_can_be() {
    let cancel = ClusterCommand::RequestCancel {
        operation_id: op(1),
        at: at(2),
    };
    let requested = ClusterEvent::CancelRequested {
        operation_id: op(1),
        at: at(2),
    };
    given(&[created()])
        .when(cancel.clone())
        .then(vec![requested.clone()]);
    given(&[created(), requested.clone()])
        .when(cancel)
        .then(vec![]);
    let state = given(&[created(), requested])
        .when(ClusterCommand::ConfirmCancel {
            operation_id: op(1),
            settle_count: None,
            at: at(3),
        })
        .then(vec![ClusterEvent::OperationCancelled {
            operation_id: op(1),
            reason: "cancelled on request".into(),
            at: at(3),
        }]);
    assert_eq!(
        (state.status, state.locked()),
        (Some(ClusterStatus::Error), false)
    );

    let scaling = ClusterEvent::PoolScaleRequested {
        pool_id: pool_id(1),
        from: 2,
        to: 6,
        operation_id: Some(op(2)),
        at: at(6),
    };
    let asked = ClusterEvent::CancelRequested {
        operation_id: op(2),
        at: at(7),
    };
    let state = given(&[created(), running(), scaling, asked])
        .when(ClusterCommand::ConfirmCancel {
            operation_id: op(2),
            settle_count: Some(3),
            at: at(8),
        })
        .then(vec![
            ClusterEvent::PoolScaleRequested {
                pool_id: pool_id(1),
                from: 6,
                to: 3,
                operation_id: None,
                at: at(8),
            },
            ClusterEvent::OperationCancelled {
                operation_id: op(2),
                reason: "cancelled on request".into(),
                at: at(8),
            },
        ]);
    assert_eq!(
        state.pool(pool_id(1)).map(|p| (p.count, p.status)),
        Some((3, PoolStatus::Active))
    );
}

#[test]
fn a_deleted_cluster_refuses_everything_but_releasing_its_name() {
    let history = [
        created(),
        ClusterEvent::DeletionRequested {
            operation_id: Some(op(9)),
            superseded: Some(op(1)),
            at: at(3),
        },
        ClusterEvent::Deleted {
            operation_id: Some(op(9)),
            at: at(9),
        },
    ];
    given(&history)
        .when(ClusterCommand::Update {
            name: None,
            tags: Some(vec![]),
            at: at(10),
        })
        .then_error(ClusterError::InvalidTransition {
            from: "deleted",
            action: "update",
        });
    given(&history)
        .when(ClusterCommand::MarkNameReleased {
            name: name("prod"),
            at: at(10),
        })
        .then(vec![ClusterEvent::NameReleased {
            name: name("prod"),
            at: at(10),
        }]);
}

#[test]
fn operations_are_stated_by_their_events() {
    let id = Uuid::from_u128(1);
    let facts = Cluster::operation_facts(&created(), id, "alice");
    assert!(
        matches!(&facts[0].change, OperationChange::Started { op_type, target_kind: "cluster", .. } if op_type == "cluster.create")
    );
    let facts = Cluster::operation_facts(&running(), id, "system");
    assert_eq!(facts[0].change, OperationChange::Succeeded);
    let patch = ClusterEvent::PoolUpdated {
        pool_id: pool_id(1),
        labels: BTreeMap::new(),
        auto_scale: false,
        min_nodes: 1,
        max_nodes: 3,
        operation_id: Some(op(4)),
        at: at(3),
    };
    assert_eq!(
        Cluster::operation_facts(&patch, id, "alice").len(),
        2,
        "started and succeeded at once"
    );
}

fn any_command() -> impl Strategy<Value = ClusterCommand> {
    let t = (0u32..59).prop_map(at);
    prop_oneof![
        Just(create(vec![spec(1, "web", 2), spec(2, "db", 1)])),
        t.clone().prop_map(|at| ClusterCommand::MarkRunning { at }),
        (1u32..6).prop_map(|count| scale(1, count, 5)),
        t.clone().prop_map(|at| ClusterCommand::CompleteOperation {
            operation_id: op(5),
            at
        }),
        t.clone().prop_map(|at| ClusterCommand::DeletePool {
            pool_id: pool_id(2),
            operation_id: op(6),
            at
        }),
        t.clone().prop_map(|at| ClusterCommand::CompleteOperation {
            operation_id: op(6),
            at
        }),
        t.clone().prop_map(|at| ClusterCommand::RequestCancel {
            operation_id: op(5),
            at
        }),
        t.clone().prop_map(|at| ClusterCommand::ConfirmCancel {
            operation_id: op(5),
            settle_count: Some(2),
            at
        }),
        t.clone().prop_map(|at| ClusterCommand::Delete {
            operation_id: op(9),
            at
        }),
        t.clone()
            .prop_map(|at| ClusterCommand::CompleteDeletion { at }),
        (t, 0u8..=100).prop_map(|(at, level)| ClusterCommand::SetDemand {
            demand: demand(level % 3 * 40, Profile::Spike),
            at
        }),
    ]
}

proptest! {
    #[test]
    fn folding_one_by_one_equals_folding_all(commands in prop::collection::vec(any_command(), 0..40)) {
        let mut incremental = Cluster::default();
        let mut history = Vec::new();
        for command in &commands {
            if let Ok(events) = incremental.decide(command) {
                for event in &events {
                    incremental = incremental.evolve(event);
                }
                history.extend(events);
            }
        }
        prop_assert_eq!(incremental.version, history.len() as u64);
        assert_fold_is_incremental::<Cluster>(&history);
        prop_assert_eq!(Cluster::replay(&history), incremental);
    }
}
