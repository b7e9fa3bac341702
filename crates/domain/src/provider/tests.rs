//! Given/when/then for every provider command, refusals included.

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::testing::Scenario;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0)
        .single()
        .expect("time")
}

fn spec(capacity: u32) -> Spec {
    Spec {
        regions: vec!["nyc1".into()],
        classes: vec!["standard".into()],
        capacity,
        price_hourly_override: None,
    }
}

fn registered(capacity: u32) -> ProviderEvent {
    ProviderEvent::Registered {
        id: Uuid::from_u128(1),
        name: ResourceName::parse("edge-1").expect("valid"),
        spec: spec(capacity),
        at: at(),
    }
}

fn reserved(droplet: u128) -> ProviderEvent {
    ProviderEvent::CapacityReserved {
        droplet_id: Uuid::from_u128(droplet),
        at: at(),
    }
}

fn released(droplet: u128) -> ProviderEvent {
    ProviderEvent::CapacityReleased {
        droplet_id: Uuid::from_u128(droplet),
        at: at(),
    }
}

fn reserve(droplet: u128) -> ProviderCommand {
    ProviderCommand::Reserve {
        droplet_id: Uuid::from_u128(droplet),
        at: at(),
    }
}

fn release(droplet: u128) -> ProviderCommand {
    ProviderCommand::Release {
        droplet_id: Uuid::from_u128(droplet),
        at: at(),
    }
}

fn update(patch: SpecPatch) -> ProviderCommand {
    ProviderCommand::Update { patch, at: at() }
}

#[test]
fn register_creates_once() {
    let register = ProviderCommand::Register {
        id: Uuid::from_u128(1),
        name: ResourceName::parse("edge-1").expect("valid"),
        spec: spec(2),
        at: at(),
    };
    Scenario::<Provider>::given(vec![])
        .when(register.clone())
        .then(vec![registered(2)]);
    Scenario::<Provider>::given(vec![registered(2)])
        .when(register)
        .then_error(ProviderError::AlreadyExists);
}

#[test]
fn reserve_takes_a_slot_once_per_droplet_and_refuses_at_capacity() {
    Scenario::<Provider>::given(vec![registered(2)])
        .when(reserve(10))
        .then(vec![reserved(10)]);
    Scenario::<Provider>::given(vec![registered(2), reserved(10)])
        .when(reserve(10))
        .then(vec![]);
    Scenario::<Provider>::given(vec![registered(2), reserved(10), reserved(11)])
        .when(reserve(12))
        .then_error(ProviderError::NoCapacity {
            name: "edge-1".into(),
            capacity: 2,
        });
    let state = Provider::replay(&[registered(2), reserved(10), reserved(11), released(10)]);
    assert_eq!((state.reserved(), state.available()), (1, 1));
}

#[test]
fn no_capacity_is_its_own_rejection_kind() {
    let error = ProviderError::NoCapacity {
        name: "edge-1".into(),
        capacity: 1,
    };
    assert_eq!(error.rejection().kind, RejectionKind::NoCapacity);
}

#[test]
fn release_gives_back_a_held_slot_and_ignores_unknown_droplets() {
    Scenario::<Provider>::given(vec![registered(2), reserved(10)])
        .when(release(10))
        .then(vec![released(10)]);
    Scenario::<Provider>::given(vec![registered(2), reserved(10)])
        .when(release(99))
        .then(vec![]);
    Scenario::<Provider>::given(vec![registered(2), ProviderEvent::Deleted { at: at() }])
        .when(release(10))
        .then(vec![]);
}

#[test]
fn update_merges_and_never_goes_below_what_is_reserved() {
    let patch = SpecPatch {
        capacity: Some(5),
        price_hourly_override: Some(Some(12_500)),
        ..SpecPatch::default()
    };
    let mut expected = spec(5);
    expected.price_hourly_override = Some(12_500);
    Scenario::<Provider>::given(vec![registered(2)])
        .when(update(patch))
        .then(vec![ProviderEvent::Updated {
            spec: expected,
            at: at(),
        }]);
    Scenario::<Provider>::given(vec![registered(2)])
        .when(update(SpecPatch::default()))
        .then(vec![]);
    Scenario::<Provider>::given(vec![registered(2), reserved(10), reserved(11)])
        .when(update(SpecPatch {
            capacity: Some(1),
            ..SpecPatch::default()
        }))
        .then_error(ProviderError::CapacityBelowReserved {
            capacity: 1,
            reserved: 2,
        });
}

#[test]
fn delete_is_refused_while_slots_are_reserved() {
    Scenario::<Provider>::given(vec![registered(2), reserved(10)])
        .when(ProviderCommand::Delete { at: at() })
        .then_error(ProviderError::HasReservations { reserved: 1 });
    Scenario::<Provider>::given(vec![registered(2), reserved(10), released(10)])
        .when(ProviderCommand::Delete { at: at() })
        .then(vec![ProviderEvent::Deleted { at: at() }]);
}

#[test]
fn a_missing_or_deleted_provider_refuses_everything_but_release() {
    let deleted = ProviderEvent::Deleted { at: at() };
    for command in [
        reserve(10),
        update(SpecPatch::default()),
        ProviderCommand::Delete { at: at() },
    ] {
        Scenario::<Provider>::given(vec![])
            .when(command.clone())
            .then_error(ProviderError::NotFound);
        Scenario::<Provider>::given(vec![registered(1), deleted.clone()])
            .when(command)
            .then_error(ProviderError::NotFound);
    }
}
