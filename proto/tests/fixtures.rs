//! Golden fixtures of every event type and schema version ever written
//! (`tests/fixtures/events/<aggregate>.txt`, append-only) decode through the one decode
//! layer — upcasters included — to today's domain events; a type or upcast version the
//! codecs know without a fixture fails the build. Also proves the upcaster seam with a
//! test-only event whose v0 changed meaning in v1. Tests only.

use std::collections::BTreeSet;
use std::fmt::Debug;

use domain::cluster::ClusterEvent;
use domain::diagnosis::DiagnosisEvent;
use domain::droplet::DropletEvent;
use domain::job::JobEvent;
use domain::queue::QueueEvent;
use domain::rate_limit_policy::PolicyEvent;
use domain::record::RawEvent;
use domain::reservation::ReservationEvent;
use proto::{DecodeError, Encoded, Upcaster, WireEvent};
use uuid::Uuid;

/// (type, version, payload) of one fixture line.
type Fixture = (String, u32, Vec<u8>);

fn fixtures(aggregate: &str) -> Vec<Fixture> {
    let path = format!(
        "{}/tests/fixtures/events/{aggregate}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let parts: Vec<&str> = line.split(' ').collect();
            let [event_type, version, payload] = parts[..] else {
                panic!("bad fixture line in {path}: {line}")
            };
            let version = version.trim_start_matches('v').parse().expect("a version");
            (
                event_type.to_owned(),
                version,
                hex::decode(payload).expect("hex payload"),
            )
        })
        .collect()
}

/// Every fixture decodes to a current event that re-encodes at a current version; every
/// (type, version) the codec decodes or upcasts from has a fixture.
fn check<E: WireEvent + Debug>(aggregate: &str) -> Vec<String> {
    let fixtures = fixtures(aggregate);
    let mut problems = Vec::new();
    for (event_type, version, payload) in &fixtures {
        match proto::decode_event::<E>(event_type, *version, payload) {
            Ok(event) => {
                let (now_type, now_version, now_bytes) = event.encode();
                if !E::TYPES.contains(&(now_type.as_str(), now_version)) {
                    problems.push(format!(
                        "{event_type} v{version} re-encodes as unknown {now_type} v{now_version}"
                    ));
                }
                let current = E::TYPES.contains(&(event_type.as_str(), *version));
                if current && (&now_type, &now_bytes) != (event_type, payload) {
                    problems.push(format!(
                        "{event_type} v{version} no longer encodes to its fixture bytes"
                    ));
                }
            }
            Err(error) => {
                problems.push(format!("{event_type} v{version} does not decode: {error}"))
            }
        }
    }
    let have: BTreeSet<(&str, u32)> = fixtures.iter().map(|(t, v, _)| (t.as_str(), *v)).collect();
    let needed = E::TYPES
        .iter()
        .copied()
        .chain(E::UPCASTERS.iter().map(|u| (u.event_type, u.from_version)));
    for (event_type, version) in needed {
        if !have.contains(&(event_type, version)) {
            problems.push(format!(
                "no fixture for {event_type} v{version} in tests/fixtures/events/{aggregate}.txt (add its golden payload hex)"
            ));
        }
    }
    problems
}

#[test]
fn every_event_type_and_version_ever_written_decodes_to_current_state() {
    let problems: Vec<String> = [
        check::<DropletEvent>("droplet"),
        check::<ClusterEvent>("cluster"),
        check::<ReservationEvent>("name_reservation"),
        check::<PolicyEvent>("rate_limit_policy"),
        check::<DiagnosisEvent>("diagnosis"),
        check::<JobEvent>("job"),
        check::<QueueEvent>("job_queue"),
        check::<domain::autoscale::PolicyEvent>("autoscaling_policy"),
        check::<domain::provider::ProviderEvent>("provider"),
        check::<domain::deployment::DeploymentEvent>("deployment"),
    ]
    .concat();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_type_the_codec_does_not_list_is_unknown_not_guessed() {
    let result = proto::decode_event::<DropletEvent>("droplet.provisioned", 2, &[]);
    assert!(matches!(
        result,
        Err(DecodeError::UnknownEvent {
            schema_version: 2,
            ..
        })
    ));
    let result = proto::decode_event::<DropletEvent>("droplet.teleported", 1, &[]);
    assert!(matches!(result, Err(DecodeError::UnknownEvent { .. })));
}

// ---- The upcaster seam, on a test-only event that changed meaning. ----

/// v0 `thing.created` carried the size in MB; v1 `thing.sized` carries GB.
#[derive(Clone, PartialEq, prost::Message)]
struct ThingV0 {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(uint32, tag = "2")]
    size_mb: u32,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ThingV1 {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(uint32, tag = "3")]
    size_gb: u32,
}

#[derive(Debug, Clone, PartialEq)]
struct ThingSized {
    name: String,
    size_gb: u32,
}

fn thing_v0_to_v1(payload: &[u8]) -> Result<(String, Vec<u8>), DecodeError> {
    use prost::Message;
    let old = ThingV0::decode(payload).map_err(|e| DecodeError::Protobuf(e.to_string()))?;
    let new = ThingV1 {
        name: old.name,
        size_gb: old.size_mb.div_ceil(1024),
    };
    Ok(("thing.sized".to_owned(), new.encode_to_vec()))
}

impl WireEvent for ThingSized {
    const TYPES: &'static [(&'static str, u32)] = &[("thing.sized", 1)];
    const UPCASTERS: &'static [Upcaster] = &[Upcaster {
        event_type: "thing.created",
        from_version: 0,
        upcast: thing_v0_to_v1,
    }];

    fn encode(&self) -> Encoded {
        use prost::Message;
        let bytes = ThingV1 {
            name: self.name.clone(),
            size_gb: self.size_gb,
        }
        .encode_to_vec();
        ("thing.sized".to_owned(), 1, bytes)
    }

    fn decode(event_type: &str, schema_version: u32, payload: &[u8]) -> Result<Self, DecodeError> {
        use prost::Message;
        assert_eq!(
            (event_type, schema_version),
            ("thing.sized", 1),
            "only current versions reach decode"
        );
        let v1 = ThingV1::decode(payload).map_err(|e| DecodeError::Protobuf(e.to_string()))?;
        Ok(Self {
            name: v1.name,
            size_gb: v1.size_gb,
        })
    }
}

fn raw(event_type: &str, schema_version: u32, payload: Vec<u8>) -> RawEvent {
    RawEvent {
        event_type: event_type.to_owned(),
        schema_version,
        event_id: Uuid::nil(),
        payload,
    }
}

#[test]
fn an_old_version_is_upcast_before_it_is_decoded() {
    use prost::Message;
    let v0 = ThingV0 {
        name: "disk".into(),
        size_mb: 2048,
    }
    .encode_to_vec();
    let v1 = ThingSized {
        name: "disk".into(),
        size_gb: 5,
    };
    let batch = [
        raw("thing.created", 0, v0),
        raw("thing.sized", 1, v1.encode().2),
    ];
    let decoded: Vec<ThingSized> = proto::decode_events(&batch).expect("both versions decode");
    assert_eq!(
        decoded,
        vec![
            ThingSized {
                name: "disk".into(),
                size_gb: 2
            },
            v1
        ]
    );
    let unknown = [raw("thing.created", 7, Vec::new())];
    assert!(
        proto::decode_events::<ThingSized>(&unknown).is_err(),
        "no upcaster from v7"
    );
}
