//! Round trips (domain -> wire -> domain) and golden bytes of every droplet event and of
//! both record kinds, so a stored record that would no longer decode breaks the build,
//! not a replay.

use std::net::Ipv4Addr;

use chrono::{DateTime, TimeZone, Utc};
use domain::droplet::{CreationRequested, DropletEvent, DropletName};
use domain::log_validity::WriterClaim;
use proto::wire::{self, log_record::Record};
use uuid::Uuid;

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 14, second)
        .single()
        .expect("valid")
}

fn every_event() -> Vec<DropletEvent> {
    vec![
        DropletEvent::CreationRequested(CreationRequested {
            id: Uuid::from_u128(0x0193a0c4_5b2e_7c11_9a0e_2f4d6c8b1a37),
            owner: "alice".into(),
            name: DropletName::parse("web-1").expect("valid"),
            region: "nyc1".into(),
            size_slug: "s-1vcpu-1gb".into(),
            image: "ubuntu-24-04-x64".into(),
            vcpus: 1,
            memory_mb: 1024,
            disk_gb: 25,
            tags: vec!["env:prod".into()],
            at: at(3),
        }),
        DropletEvent::Provisioned {
            ipv4: Ipv4Addr::new(10, 1, 0, 7),
            at: at(5),
        },
        DropletEvent::ProvisioningFailed {
            reason: "no capacity".into(),
            at: at(5),
        },
        DropletEvent::PoweredOff { at: at(6) },
        DropletEvent::PoweredOn { at: at(7) },
        DropletEvent::Rebooted { at: at(8) },
        DropletEvent::Renamed {
            name: DropletName::parse("web-2").expect("valid"),
            at: at(9),
        },
        DropletEvent::DeletionRequested { at: at(10) },
        DropletEvent::Deleted {
            at: at(11),
            purge_at: at(12),
        },
    ]
}

#[test]
fn every_droplet_event_round_trips() {
    for event in every_event() {
        let (event_type, version, payload) = proto::encode_droplet_event(&event);
        let decoded = proto::decode_droplet_event(&event_type, version, &payload).expect("decodes");
        assert_eq!(decoded, event);
    }
}

#[test]
fn droplet_event_golden_bytes() {
    let golden: Vec<String> = every_event()
        .iter()
        .map(|event| {
            let (event_type, version, payload) = proto::encode_droplet_event(event);
            format!("{event_type} v{version} {}", hex::encode(payload))
        })
        .collect();
    insta::assert_snapshot!(golden.join("\n"));
}

fn sample_batch() -> wire::LogRecord {
    let command_id = Uuid::from_u128(42);
    let (event_type, schema_version, payload) = proto::encode_droplet_event(&every_event()[0]);
    wire::LogRecord {
        record: Some(Record::Batch(wire::EventBatch {
            header: Some(wire::BatchHeader {
                aggregate_type: "droplet".into(),
                aggregate_id: "0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a37".into(),
                from_version: 0,
                claim: Some(proto::writer_claim_to_wire(&WriterClaim {
                    epoch: 3,
                    writer_id: "w-1".into(),
                })),
                command_id: command_id.to_string(),
                command_name: "create".into(),
                principal: "alice".into(),
                idempotency: None,
                recorded_at: Some(proto::to_timestamp(at(3))),
                correlation_id: command_id.to_string(),
                causation_id: String::new(),
                traceparent: String::new(),
                tracestate: String::new(),
            }),
            events: vec![wire::Event {
                r#type: event_type,
                schema_version,
                event_id: proto::event_id(command_id, 0).to_string(),
                payload,
            }],
        })),
    }
}

#[test]
fn record_golden_bytes() {
    let claim = wire::LogRecord {
        record: Some(Record::Claim(wire::OwnershipClaim {
            epoch: 3,
            writer_id: "w-1".into(),
            advertised_url: "http://127.0.0.1:8080".into(),
            claimed_at: Some(proto::to_timestamp(at(1))),
        })),
    };
    let lines = [claim, sample_batch()].map(|r| hex::encode(proto::encode_record(&r)));
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn records_decode_back_and_name_their_headers() {
    let bytes = proto::encode_record(&sample_batch());
    let record = proto::decode_record(&bytes).expect("decodes");
    let (kind, aggregate, types) = proto::header_values(&record);
    assert_eq!(
        (kind, aggregate.as_str(), types.as_str()),
        ("event_batch", "droplet", "droplet.creation_requested")
    );
}

#[test]
fn garbage_is_a_decode_error_not_a_panic() {
    assert!(proto::decode_record(&[0xff, 0xff, 0xff]).is_err());
    assert_eq!(proto::decode_record(&[]), Err(proto::DecodeError::Empty));
    let unknown = proto::decode_droplet_event("droplet.teleported", 1, &[]);
    assert!(matches!(
        unknown,
        Err(proto::DecodeError::UnknownEvent { .. })
    ));
}

#[test]
fn event_ids_are_stable_per_command_and_index() {
    let command = Uuid::from_u128(42);
    assert_eq!(proto::event_id(command, 0), proto::event_id(command, 0));
    assert_ne!(proto::event_id(command, 0), proto::event_id(command, 1));
}
