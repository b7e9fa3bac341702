//! Given / when / then tests of the droplet state machine (every row of api.md §12.1,
//! refusals included), the operation facts, and the fold property. They touch only
//! commands and events, so reshaping `Droplet` never breaks them.

use std::net::Ipv4Addr;

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::catalog;
use crate::name::ResourceName;
use crate::operation::OperationChange;
use crate::testing::{Scenario, assert_fold_is_incremental};

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, second)
        .single()
        .expect("valid time")
}

fn op(n: u128) -> Uuid {
    Uuid::from_u128(0x0e00 + n)
}

fn name(raw: &str) -> ResourceName {
    ResourceName::parse(raw).expect("valid")
}

fn create_command(node_of: Option<NodeOf>) -> DropletCommand {
    DropletCommand::Create(CreateDroplet {
        id: Uuid::from_u128(7),
        owner: "alice".into(),
        name: name("web-1"),
        region: "nyc1".into(),
        size: *catalog::find_size("s-1vcpu-1gb").expect("size"),
        image: "ubuntu-24-04-x64".into(),
        tags: vec!["env:prod".into()],
        node_of,
        provider: None,
        operation_id: op(1),
        at: at(0),
    })
}

fn created() -> DropletEvent {
    Droplet::default()
        .decide(&create_command(None))
        .expect("create is accepted")
        .remove(0)
}

fn provisioned() -> DropletEvent {
    DropletEvent::Provisioned {
        ipv4: Ipv4Addr::new(10, 1, 0, 2),
        at: at(2),
        operation_id: Some(op(1)),
    }
}

fn off() -> DropletEvent {
    DropletEvent::PoweredOff {
        at: at(3),
        operation_id: Some(op(2)),
    }
}

fn act(action: Action, n: u128, second: u32) -> DropletCommand {
    DropletCommand::Act {
        action,
        operation_id: op(n),
        at: at(second),
    }
}

fn delete(origin: Origin) -> DropletCommand {
    DropletCommand::Delete {
        operation_id: op(9),
        origin,
        at: at(5),
    }
}

fn deleting() -> DropletEvent {
    DropletEvent::DeletionRequested {
        at: at(5),
        operation_id: Some(op(9)),
        superseded: None,
    }
}

fn deleted() -> DropletEvent {
    DropletEvent::Deleted {
        at: at(6),
        purge_at: at(6) + chrono::Duration::days(PURGE_AFTER_DAYS),
        operation_id: Some(op(9)),
    }
}

fn given(history: &[DropletEvent]) -> Scenario<Droplet> {
    Scenario::given(history.to_vec())
}

#[test]
fn create_records_the_catalog_facts_and_starts_an_operation() {
    let events = given(&[]).when(create_command(None)).events();
    let DropletEvent::CreationRequested(c) = &events[0] else {
        panic!("unexpected {events:?}")
    };
    assert_eq!((c.vcpus, c.memory_mb, c.disk_gb), (1, 1024, 25));
    assert_eq!(
        (c.size_slug.as_str(), c.operation_id),
        ("s-1vcpu-1gb", Some(op(1)))
    );
    let state = Droplet::replay(&events);
    assert!(state.locked(), "locked while provisioning");
}

#[test]
fn creating_twice_is_refused() {
    given(&[created()])
        .when(create_command(None))
        .then_error(DropletError::AlreadyExists);
}

#[test]
fn actions_on_a_missing_droplet_are_not_found() {
    given(&[])
        .when(act(Action::PowerOff, 2, 1))
        .then_error(DropletError::NotFound);
}

#[test]
fn provisioning_moves_new_to_active_and_ends_the_operation() {
    let state = given(&[created()])
        .when(DropletCommand::MarkProvisioned {
            ipv4: Ipv4Addr::new(10, 1, 0, 2),
            at: at(2),
        })
        .then(vec![provisioned()]);
    assert_eq!(
        (state.status, state.locked()),
        (Some(DropletStatus::Active), false)
    );
}

#[test]
fn provisioning_failure_moves_new_to_error() {
    let state = given(&[created()])
        .when(DropletCommand::MarkProvisioningFailed {
            reason: "no capacity".into(),
            at: at(2),
        })
        .then(vec![DropletEvent::ProvisioningFailed {
            reason: "no capacity".into(),
            at: at(2),
            operation_id: Some(op(1)),
        }]);
    assert_eq!(state.status, Some(DropletStatus::Error));
    given(&[
        created(),
        DropletEvent::ProvisioningFailed {
            reason: "x".into(),
            at: at(2),
            operation_id: Some(op(1)),
        },
    ])
    .when(act(Action::Reboot, 2, 3))
    .then_error(DropletError::InvalidTransition {
        from: "error",
        action: "reboot",
        allowed: vec!["delete"],
        hint: Some("a droplet that failed to provision can only be deleted"),
    });
}

#[test]
fn power_off_and_on() {
    given(&[created(), provisioned()])
        .when(act(Action::PowerOff, 2, 3))
        .then(vec![off()]);
    let state = given(&[created(), provisioned()])
        .when(act(Action::Shutdown, 2, 3))
        .then(vec![DropletEvent::ShutDown {
            at: at(3),
            operation_id: Some(op(2)),
        }]);
    assert_eq!(state.status, Some(DropletStatus::Off));
    let state = given(&[created(), provisioned(), off()])
        .when(act(Action::PowerOn, 3, 4))
        .then(vec![DropletEvent::PoweredOn {
            at: at(4),
            operation_id: Some(op(3)),
        }]);
    assert_eq!(state.status, Some(DropletStatus::Active));
}

#[test]
fn powering_on_an_active_droplet_is_an_invalid_transition() {
    given(&[created(), provisioned()])
        .when(act(Action::PowerOn, 2, 3))
        .then_error(DropletError::InvalidTransition {
            from: "active",
            action: "power_on",
            allowed: allowed_actions(DropletStatus::Active),
            hint: None,
        });
}

#[test]
fn resize_needs_the_droplet_off() {
    let size = *catalog::find_size("s-2vcpu-4gb").expect("size");
    given(&[created(), provisioned()])
        .when(act(Action::Resize(size), 2, 3))
        .then_error(DropletError::InvalidTransition {
            from: "active",
            action: "resize",
            allowed: allowed_actions(DropletStatus::Active),
            hint: Some("power the droplet off first"),
        });
    let state = given(&[created(), provisioned(), off()])
        .when(act(Action::Resize(size), 3, 4))
        .then(vec![DropletEvent::Resized {
            size_slug: "s-2vcpu-4gb".into(),
            vcpus: 2,
            memory_mb: 4096,
            disk_gb: 80,
            at: at(4),
            operation_id: Some(op(3)),
        }]);
    assert_eq!((state.vcpus, state.status), (2, Some(DropletStatus::Off)));
}

#[test]
fn reboot_power_cycle_rebuild_snapshot_and_rename_keep_it_active() {
    let history = [created(), provisioned()];
    for (action, event) in [
        (
            Action::Reboot,
            DropletEvent::Rebooted {
                at: at(3),
                operation_id: Some(op(2)),
            },
        ),
        (
            Action::PowerCycle,
            DropletEvent::PowerCycled {
                at: at(3),
                operation_id: Some(op(2)),
            },
        ),
        (
            Action::Rebuild("debian-12-x64".into()),
            DropletEvent::Rebuilt {
                image: "debian-12-x64".into(),
                at: at(3),
                operation_id: Some(op(2)),
            },
        ),
        (
            Action::Snapshot(name("snap-1")),
            DropletEvent::SnapshotTaken {
                name: name("snap-1"),
                at: at(3),
                operation_id: Some(op(2)),
            },
        ),
        (
            Action::Rename(name("web-2")),
            DropletEvent::Renamed {
                name: name("web-2"),
                previous: Some(name("web-1")),
                at: at(3),
                operation_id: Some(op(2)),
            },
        ),
    ] {
        let state = given(&history).when(act(action, 2, 3)).then(vec![event]);
        assert_eq!(state.status, Some(DropletStatus::Active));
    }
}

#[test]
fn a_shutdown_is_an_operation_of_its_own_type() {
    let facts = Droplet::operation_facts(
        &DropletEvent::ShutDown {
            at: at(3),
            operation_id: Some(op(2)),
        },
        Uuid::from_u128(1),
        "alice",
    );
    assert!(
        matches!(&facts[0].change, OperationChange::Started { op_type, .. } if op_type == "droplet.shutdown"),
        "{facts:?}"
    );
}

#[test]
fn renaming_to_the_current_name_gives_nothing_up() {
    let state = given(&[created(), provisioned()])
        .when(act(Action::Rename(name("web-1")), 2, 3))
        .then(vec![DropletEvent::Renamed {
            name: name("web-1"),
            previous: None,
            at: at(3),
            operation_id: Some(op(2)),
        }]);
    assert!(state.names_to_release.is_empty());
}

#[test]
fn a_name_taken_back_before_its_release_is_held_again() {
    let rename = |to: &str, from: &str| DropletEvent::Renamed {
        name: name(to),
        previous: Some(name(from)),
        at: at(3),
        operation_id: None,
    };
    let state = Droplet::replay(&[
        created(),
        provisioned(),
        rename("web-2", "web-1"),
        rename("web-1", "web-2"),
    ]);
    assert_eq!(state.name, name("web-1"));
    assert_eq!(state.names_to_release, vec![name("web-2")]);
}

#[test]
fn a_rename_leaves_the_old_name_to_release() {
    let renamed = DropletEvent::Renamed {
        name: name("web-2"),
        previous: Some(name("web-1")),
        at: at(3),
        operation_id: None,
    };
    let state = Droplet::replay(&[created(), provisioned(), renamed.clone()]);
    assert_eq!(state.names_to_release, vec![name("web-1")]);
    let state = given(&[created(), provisioned(), renamed])
        .when(DropletCommand::MarkNameReleased {
            name: name("web-1"),
            at: at(4),
        })
        .then(vec![DropletEvent::NameReleased {
            name: name("web-1"),
            at: at(4),
        }]);
    assert!(state.names_to_release.is_empty());
}

#[test]
fn patch_changes_only_what_differs() {
    let update = |name_: Option<&str>, tags: Option<Vec<&str>>| DropletCommand::Update {
        name: name_.map(name),
        tags: tags.map(|t| t.into_iter().map(str::to_owned).collect()),
        at: at(3),
    };
    given(&[created(), provisioned()])
        .when(update(Some("web-1"), Some(vec!["env:prod"])))
        .then(vec![]);
    given(&[created(), provisioned()])
        .when(update(None, Some(vec!["env:dev"])))
        .then(vec![DropletEvent::TagsChanged {
            tags: vec!["env:dev".into()],
            at: at(3),
        }]);
}

#[test]
fn metadata_changes_while_an_operation_runs() {
    given(&[created()])
        .when(DropletCommand::Update {
            name: None,
            tags: Some(vec!["env:dev".into()]),
            at: at(1),
        })
        .then(vec![DropletEvent::TagsChanged {
            tags: vec!["env:dev".into()],
            at: at(1),
        }]);
}

#[test]
fn actions_while_provisioning_are_locked_with_the_operation() {
    given(&[created()])
        .when(act(Action::Reboot, 2, 1))
        .then_error(DropletError::Locked {
            action: "reboot",
            operation_id: op(1),
        });
}

#[test]
fn delete_during_provisioning_wins_and_supersedes_the_creation() {
    let state = given(&[created()]).when(delete(Origin::User)).then(vec![
        DropletEvent::DeletionRequested {
            at: at(5),
            operation_id: Some(op(9)),
            superseded: Some(op(1)),
        },
    ]);
    assert_eq!(state.status, Some(DropletStatus::Deleting));
    let history = [
        created(),
        DropletEvent::DeletionRequested {
            at: at(5),
            operation_id: Some(op(9)),
            superseded: Some(op(1)),
        },
    ];
    let late = given(&history)
        .when(DropletCommand::MarkProvisioned {
            ipv4: Ipv4Addr::LOCALHOST,
            at: at(6),
        })
        .error();
    assert!(matches!(
        late,
        DropletError::InvalidTransition {
            from: "deleting",
            ..
        }
    ));
}

#[test]
fn a_node_is_deleted_by_its_pool_not_by_a_user() {
    let node_of = NodeOf {
        cluster_id: Uuid::from_u128(1),
        node_pool_id: Uuid::from_u128(2),
    };
    let created = Droplet::default()
        .decide(&create_command(Some(node_of)))
        .expect("created");
    let history = [created[0].clone(), provisioned()];
    given(&history)
        .when(delete(Origin::User))
        .then_error(DropletError::ManagedByNodePool);
    given(&history)
        .when(delete(Origin::NodePool))
        .then(vec![deleting()]);
    given(&history)
        .when(DropletCommand::Drain { at: at(4) })
        .then(vec![DropletEvent::DrainStarted { at: at(4) }]);
}

#[test]
fn deletion_completes_with_delete_and_purge_times() {
    let state = given(&[created(), provisioned(), deleting()])
        .when(DropletCommand::CompleteDeletion { at: at(6) })
        .then(vec![deleted()]);
    assert_eq!(state.status, Some(DropletStatus::Deleted));
    assert_eq!(
        state.names_to_release,
        vec![name("web-1")],
        "the name is freed"
    );
    given(&[created(), provisioned(), deleting()])
        .when(act(Action::Reboot, 3, 6))
        .then_error(DropletError::Locked {
            action: "reboot",
            operation_id: op(9),
        });
}

#[test]
fn a_deleted_droplet_is_purged_when_its_time_comes_and_then_gone() {
    let history = [created(), provisioned(), deleting(), deleted()];
    let early = given(&history)
        .when(DropletCommand::Purge { at: at(7) })
        .error();
    assert!(matches!(
        early,
        DropletError::InvalidTransition {
            from: "deleted",
            ..
        }
    ));
    let due = at(6) + chrono::Duration::days(PURGE_AFTER_DAYS);
    let state = given(&history)
        .when(DropletCommand::Purge { at: due })
        .then(vec![DropletEvent::Purged { at: due }]);
    assert!(state.exists());
    let mut purged = history.to_vec();
    purged.push(DropletEvent::Purged { at: due });
    given(&purged)
        .when(act(Action::Reboot, 3, 8))
        .then_error(DropletError::NotFound);
    given(&purged)
        .when(create_command(None))
        .then_error(DropletError::NotFound);
}

#[test]
fn a_deleted_droplet_cannot_be_deleted_again() {
    let refused = given(&[created(), provisioned(), deleting(), deleted()])
        .when(delete(Origin::User))
        .error();
    assert!(matches!(
        refused,
        DropletError::InvalidTransition {
            from: "deleted",
            ..
        }
    ));
}

#[test]
fn cancelling_a_creation_before_provisioning_deletes_the_droplet() {
    let cancel = DropletCommand::RequestCancel {
        operation_id: op(1),
        at: at(1),
    };
    let state = given(&[created()]).when(cancel.clone()).then(vec![
        DropletEvent::CancelRequested {
            operation_id: op(1),
            at: at(1),
        },
        DropletEvent::CreationCancelled {
            operation_id: op(1),
            at: at(1),
        },
    ]);
    assert_eq!(
        (state.status, state.locked()),
        (Some(DropletStatus::Deleting), false)
    );
    given(&[created(), provisioned()]).when(cancel).then(vec![]);
}

#[test]
fn a_deletion_past_its_point_of_no_return_only_notes_the_cancel() {
    given(&[created(), provisioned(), deleting()])
        .when(DropletCommand::RequestCancel {
            operation_id: op(9),
            at: at(6),
        })
        .then(vec![DropletEvent::CancelRequested {
            operation_id: op(9),
            at: at(6),
        }]);
}

#[test]
fn operations_are_stated_by_their_events() {
    let id = Uuid::from_u128(7);
    let started = Droplet::operation_facts(&created(), id, "alice");
    assert!(
        matches!(&started[0].change, OperationChange::Started { op_type, .. } if op_type == "droplet.create")
    );
    let done = Droplet::operation_facts(&provisioned(), id, "system");
    assert_eq!(
        (done[0].operation_id, &done[0].change),
        (op(1), &OperationChange::Succeeded)
    );
    let immediate = Droplet::operation_facts(&off(), id, "alice");
    assert_eq!(immediate.len(), 2, "started and succeeded at once");
    let superseding = DropletEvent::DeletionRequested {
        at: at(5),
        operation_id: Some(op(9)),
        superseded: Some(op(1)),
    };
    let facts = Droplet::operation_facts(&superseding, id, "alice");
    assert!(
        matches!(&facts[0].change, OperationChange::Cancelled { reason } if reason == "SUPERSEDED")
    );
}

fn any_command() -> impl Strategy<Value = DropletCommand> {
    let t = (0u32..59).prop_map(at);
    prop_oneof![
        Just(create_command(None)),
        t.clone().prop_map(|at| DropletCommand::MarkProvisioned {
            ipv4: Ipv4Addr::new(10, 0, 0, 9),
            at
        }),
        t.clone()
            .prop_map(|at| DropletCommand::MarkProvisioningFailed {
                reason: "boom".into(),
                at
            }),
        t.clone().prop_map(|at| DropletCommand::Act {
            action: Action::PowerOn,
            operation_id: op(3),
            at
        }),
        t.clone().prop_map(|at| DropletCommand::Act {
            action: Action::PowerOff,
            operation_id: op(4),
            at
        }),
        t.clone().prop_map(|at| DropletCommand::Act {
            action: Action::Rename(name("renamed")),
            operation_id: op(5),
            at
        }),
        t.clone().prop_map(|at| DropletCommand::Update {
            name: None,
            tags: Some(vec!["x".into()]),
            at
        }),
        t.clone().prop_map(|at| DropletCommand::Delete {
            operation_id: op(6),
            origin: Origin::User,
            at
        }),
        t.clone().prop_map(|at| DropletCommand::RequestCancel {
            operation_id: op(1),
            at
        }),
        t.prop_map(|at| DropletCommand::CompleteDeletion { at }),
    ]
}

proptest! {
    /// Folding events one at a time (as the command side does) equals folding them all
    /// at once (as replay does), for any history the aggregate itself accepts.
    #[test]
    fn folding_one_by_one_equals_folding_all(commands in prop::collection::vec(any_command(), 0..40)) {
        let mut incremental = Droplet::default();
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
        assert_fold_is_incremental::<Droplet>(&history);
        prop_assert_eq!(Droplet::replay(&history), incremental);
    }
}

// ---- Providers: the slot a droplet holds, and giving it back level-triggered. ----

fn created_on(provider: &str) -> DropletEvent {
    let DropletCommand::Create(mut create) = create_command(None) else {
        unreachable!("create_command builds a create")
    };
    create.provider = Some(provider.into());
    Droplet::default()
        .decide(&DropletCommand::Create(create))
        .expect("create is accepted")
        .remove(0)
}

fn migrated(from: Option<&str>, to: &str) -> DropletEvent {
    DropletEvent::Migrated {
        from: from.map(str::to_owned),
        to: to.into(),
        at: at(4),
        operation_id: Some(op(4)),
    }
}

#[test]
fn a_droplet_created_on_a_provider_holds_its_slot() {
    let state = Droplet::replay(&[created_on("edge-1")]);
    assert_eq!(state.provider.as_deref(), Some("edge-1"));
    assert!(state.holds_capacity && state.providers_to_release.is_empty());
    let state = Droplet::replay(&[created()]);
    assert!(state.provider.is_none() && !state.holds_capacity);
}

#[test]
fn migrate_moves_the_droplet_and_leaves_the_source_to_release() {
    let state = Scenario::<Droplet>::given(vec![created_on("edge-1"), provisioned()])
        .when(act(Action::Migrate("edge-2".into()), 4, 4))
        .then(vec![migrated(Some("edge-1"), "edge-2")]);
    assert_eq!(state.provider.as_deref(), Some("edge-2"));
    assert_eq!(state.providers_to_release, vec!["edge-1".to_owned()]);
    Scenario::<Droplet>::given(vec![created(), provisioned(), off()])
        .when(act(Action::Migrate("edge-2".into()), 4, 4))
        .then(vec![migrated(None, "edge-2")]);
}

#[test]
fn migrate_to_the_same_provider_or_while_new_is_refused() {
    Scenario::<Droplet>::given(vec![created_on("edge-1"), provisioned()])
        .when(act(Action::Migrate("edge-1".into()), 4, 4))
        .then_error(DropletError::SameProvider {
            provider: "edge-1".into(),
        });
    let error = Scenario::<Droplet>::given(vec![created_on("edge-1")])
        .when(act(Action::Migrate("edge-2".into()), 4, 4))
        .error();
    assert!(matches!(error, DropletError::Locked { .. }));
}

#[test]
fn a_failed_provisioning_or_a_deletion_gives_the_slot_up_once() {
    let failed = DropletEvent::ProvisioningFailed {
        reason: "boom".into(),
        at: at(2),
        operation_id: Some(op(1)),
    };
    let state = Droplet::replay(&[created_on("edge-1"), failed.clone()]);
    assert_eq!(state.providers_to_release, vec!["edge-1".to_owned()]);
    let deleted = DropletEvent::Deleted {
        at: at(6),
        purge_at: at(7),
        operation_id: None,
    };
    let requested = DropletEvent::DeletionRequested {
        at: at(5),
        operation_id: Some(op(9)),
        superseded: None,
    };
    let state = Droplet::replay(&[created_on("edge-1"), failed, requested, deleted]);
    assert_eq!(state.providers_to_release, vec!["edge-1".to_owned()]);
}

#[test]
fn marking_a_release_records_it_once() {
    let failed = DropletEvent::ProvisioningFailed {
        reason: "boom".into(),
        at: at(2),
        operation_id: Some(op(1)),
    };
    let mark = DropletCommand::MarkCapacityReleased {
        provider: "edge-1".into(),
        at: at(3),
    };
    let state = Scenario::<Droplet>::given(vec![created_on("edge-1"), failed.clone()])
        .when(mark.clone())
        .then(vec![DropletEvent::CapacityReleased {
            provider: "edge-1".into(),
            at: at(3),
        }]);
    assert!(state.providers_to_release.is_empty());
    Scenario::<Droplet>::given(vec![created_on("edge-1")])
        .when(mark)
        .then(vec![]);
}
