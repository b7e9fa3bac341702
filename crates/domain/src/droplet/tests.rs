//! Given / when / then tests of the droplet state machine, plus the fold property.
//! They touch only commands and events, so reshaping `Droplet` never breaks them.

use std::net::Ipv4Addr;

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::catalog;

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, second)
        .single()
        .expect("valid time")
}

fn create() -> DropletCommand {
    DropletCommand::Create(CreateDroplet {
        id: Uuid::from_u128(7),
        owner: "alice".into(),
        name: DropletName::parse("web-1").expect("valid"),
        region: "nyc1".into(),
        size: *catalog::size("s-1vcpu-1gb").expect("size"),
        image: "ubuntu-24-04-x64".into(),
        tags: vec!["env:prod".into()],
        at: at(0),
    })
}

fn created() -> DropletEvent {
    Droplet::default()
        .decide(&create())
        .expect("create is accepted")
        .remove(0)
}

fn provisioned() -> DropletEvent {
    DropletEvent::Provisioned {
        ipv4: Ipv4Addr::new(10, 1, 0, 2),
        at: at(2),
    }
}

/// A scenario: `given(history).when(command)` then an assertion on the outcome.
struct Scenario(Droplet);

fn given(events: &[DropletEvent]) -> Scenario {
    Scenario(Droplet::replay(events))
}

impl Scenario {
    fn when(self, command: DropletCommand) -> Result<Vec<DropletEvent>, DropletError> {
        self.0.decide(&command)
    }
}

#[test]
fn create_records_the_catalog_facts() {
    let events = given(&[]).when(create()).expect("accepted");
    let DropletEvent::CreationRequested(c) = &events[0] else {
        panic!("unexpected {events:?}")
    };
    assert_eq!((c.vcpus, c.memory_mb, c.disk_gb), (1, 1024, 25));
    assert_eq!(c.size_slug, "s-1vcpu-1gb");
}

#[test]
fn creating_twice_is_refused() {
    assert_eq!(
        given(&[created()]).when(create()),
        Err(DropletError::AlreadyExists)
    );
}

#[test]
fn actions_on_a_missing_droplet_are_not_found() {
    assert_eq!(
        given(&[]).when(DropletCommand::PowerOff { at: at(1) }),
        Err(DropletError::NotFound)
    );
}

#[test]
fn provisioning_moves_new_to_active_with_an_address() {
    let events = given(&[created()])
        .when(DropletCommand::MarkProvisioned {
            ipv4: Ipv4Addr::new(10, 1, 0, 2),
            at: at(2),
        })
        .expect("accepted");
    assert_eq!(events, vec![provisioned()]);
    let state = Droplet::replay(&[created(), provisioned()]);
    assert_eq!(state.status, Some(DropletStatus::Active));
    assert_eq!(state.version, 2);
}

#[test]
fn provisioning_failure_moves_new_to_error() {
    let failed = given(&[created()])
        .when(DropletCommand::MarkProvisioningFailed {
            reason: "no capacity".into(),
            at: at(2),
        })
        .expect("accepted");
    assert_eq!(
        Droplet::replay(&[created(), failed[0].clone()]).status,
        Some(DropletStatus::Error)
    );
}

#[test]
fn power_cycle_off_and_on() {
    let off = given(&[created(), provisioned()])
        .when(DropletCommand::PowerOff { at: at(3) })
        .expect("off");
    assert_eq!(off, vec![DropletEvent::PoweredOff { at: at(3) }]);
    let on = given(&[created(), provisioned(), off[0].clone()])
        .when(DropletCommand::PowerOn { at: at(4) });
    assert_eq!(on, Ok(vec![DropletEvent::PoweredOn { at: at(4) }]));
}

#[test]
fn powering_on_an_active_droplet_is_an_invalid_transition() {
    let refused = given(&[created(), provisioned()]).when(DropletCommand::PowerOn { at: at(3) });
    assert_eq!(
        refused,
        Err(DropletError::InvalidTransition {
            from: "active",
            action: "power_on",
            allowed: vec!["power_off", "reboot", "rename", "delete"],
        })
    );
}

#[test]
fn actions_while_provisioning_are_locked() {
    let refused = given(&[created()]).when(DropletCommand::Reboot { at: at(1) });
    assert_eq!(refused, Err(DropletError::Locked { action: "reboot" }));
}

#[test]
fn reboot_and_rename_keep_the_droplet_active() {
    let name = DropletName::parse("web-2").expect("valid");
    let renamed = given(&[created(), provisioned()])
        .when(DropletCommand::Rename {
            name: name.clone(),
            at: at(3),
        })
        .expect("renamed");
    let rebooted = given(&[created(), provisioned()])
        .when(DropletCommand::Reboot { at: at(4) })
        .expect("rebooted");
    let state = Droplet::replay(&[
        created(),
        provisioned(),
        renamed[0].clone(),
        rebooted[0].clone(),
    ]);
    assert_eq!(
        (state.name, state.status),
        (name, Some(DropletStatus::Active))
    );
}

#[test]
fn delete_during_provisioning_wins() {
    let delete = given(&[created()])
        .when(DropletCommand::Delete { at: at(1) })
        .expect("delete accepted");
    let history = [created(), delete[0].clone()];
    let late = given(&history).when(DropletCommand::MarkProvisioned {
        ipv4: Ipv4Addr::LOCALHOST,
        at: at(2),
    });
    assert!(matches!(
        late,
        Err(DropletError::InvalidTransition {
            from: "deleting",
            ..
        })
    ));
}

#[test]
fn completing_deletion_sets_delete_and_purge_times() {
    let delete = DropletEvent::DeletionRequested { at: at(5) };
    let done = given(&[created(), provisioned(), delete.clone()])
        .when(DropletCommand::CompleteDeletion { at: at(6) })
        .expect("deleted");
    let state = Droplet::replay(&[created(), provisioned(), delete, done[0].clone()]);
    assert_eq!(state.status, Some(DropletStatus::Deleted));
    assert_eq!(
        state.purge_time,
        Some(at(6) + chrono::Duration::days(PURGE_AFTER_DAYS))
    );
}

#[test]
fn a_deleted_droplet_cannot_be_deleted_again() {
    let history = [
        created(),
        provisioned(),
        DropletEvent::DeletionRequested { at: at(5) },
        DropletEvent::Deleted {
            at: at(6),
            purge_at: at(7),
        },
    ];
    let refused = given(&history).when(DropletCommand::Delete { at: at(8) });
    assert!(matches!(
        refused,
        Err(DropletError::InvalidTransition {
            from: "deleted",
            ..
        })
    ));
}

fn any_command() -> impl Strategy<Value = DropletCommand> {
    let t = (0u32..59).prop_map(at);
    prop_oneof![
        Just(create()),
        t.clone().prop_map(|at| DropletCommand::MarkProvisioned {
            ipv4: Ipv4Addr::new(10, 0, 0, 9),
            at
        }),
        t.clone()
            .prop_map(|at| DropletCommand::MarkProvisioningFailed {
                reason: "boom".into(),
                at
            }),
        t.clone().prop_map(|at| DropletCommand::PowerOn { at }),
        t.clone().prop_map(|at| DropletCommand::PowerOff { at }),
        t.clone().prop_map(|at| DropletCommand::Reboot { at }),
        t.clone().prop_map(|at| DropletCommand::Rename {
            name: DropletName::parse("renamed").expect("valid"),
            at
        }),
        t.clone().prop_map(|at| DropletCommand::Delete { at }),
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
        prop_assert_eq!(Droplet::replay(&history), incremental);
    }
}
