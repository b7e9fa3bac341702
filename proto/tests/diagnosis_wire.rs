//! The diagnosis codecs: the recorded event (both triggers, every change kind, with and
//! without evidence) and the write-model state round-trip through the wire unchanged,
//! and a payload that breaks the one-trigger rule is refused. Tests only.

use chrono::{TimeZone, Utc};
use domain::Aggregate;
use domain::diagnosis::{
    Change, Diagnosis, DiagnosisEvent, Evidence, Insight, ObjectRef, Recommendation, Recorded,
    Severity, Trigger,
};
use prost::Message;
use proto::{DecodeError, WireEvent, WireState};
use uuid::Uuid;

fn insight(change: Option<Change>, evidence: bool) -> Insight {
    Insight {
        check: "pool_cpu_saturation".into(),
        category: "capacity".into(),
        severity: Severity::Warning,
        title: "CPU saturation on pool web".into(),
        message: "Mean CPU use on pool web was 87 % over the last 10m (threshold 80 %).".into(),
        evidence: evidence.then(|| Evidence {
            metric: "cpu".into(),
            value: 87.5,
            threshold: 80.0,
            window: "10m".into(),
        }),
        object: ObjectRef {
            kind: "node_pool".into(),
            id: Uuid::from_u128(2),
            name: "web".into(),
        },
        recommendation: Recommendation {
            action: "scale_node_pool".into(),
            change,
        },
    }
}

/// The fixture event of `tests/fixtures/events/diagnosis.txt`.
pub fn recorded(trigger: Trigger) -> DiagnosisEvent {
    let pool_id = Uuid::from_u128(2);
    DiagnosisEvent::Recorded(Recorded {
        id: Uuid::from_u128(9),
        cluster_id: Uuid::from_u128(1),
        owner: "alice".into(),
        requested_by: "alice".into(),
        trigger,
        source: "rules".into(),
        insights: vec![
            insight(Some(Change::ScalePool { pool_id, count: 4 }), true),
            insight(
                Some(Change::RaiseMaxNodes {
                    pool_id,
                    max_nodes: 6,
                }),
                true,
            ),
            insight(
                Some(Change::EnableAutoscaling {
                    pool_id,
                    min_nodes: 2,
                    max_nodes: 8,
                }),
                false,
            ),
            insight(
                Some(Change::AddPool {
                    name: "web-s-4vcpu-8gb".into(),
                    size: "s-4vcpu-8gb".into(),
                    count: 3,
                }),
                true,
            ),
            insight(None, false),
        ],
        at: Utc
            .with_ymd_and_hms(2026, 12, 10, 20, 0, 0)
            .single()
            .expect("time"),
    })
}

fn request() -> Trigger {
    Trigger::Request {
        operation_id: Uuid::from_u128(3),
    }
}

#[test]
fn recorded_events_round_trip() {
    for trigger in [
        request(),
        Trigger::Job {
            job_id: Uuid::from_u128(4),
        },
    ] {
        let event = recorded(trigger);
        let (event_type, version, bytes) = event.encode();
        assert_eq!((event_type.as_str(), version), ("diagnosis.recorded", 1));
        let back = DiagnosisEvent::decode(&event_type, version, &bytes).expect("decodes");
        assert_eq!(back, event);
    }
}

#[test]
fn the_state_round_trips_before_and_after_its_event() {
    let fresh = Diagnosis::default();
    let back = Diagnosis::decode_state(1, &fresh.encode_state()).expect("decodes");
    assert_eq!(back, fresh);
    let state = Diagnosis::default().evolve(&recorded(request()));
    let back = Diagnosis::decode_state(1, &state.encode_state()).expect("decodes");
    assert_eq!(back, state);
    assert!(Diagnosis::decode_state(2, &state.encode_state()).is_err());
}

#[test]
fn a_payload_with_both_or_no_trigger_is_invalid() {
    let (event_type, version, bytes) = recorded(request()).encode();
    let mut wire = proto::wire::DiagnosisRecorded::decode(bytes.as_slice()).expect("payload");
    wire.job_id = Uuid::from_u128(4).to_string();
    let both = DiagnosisEvent::decode(&event_type, version, &wire.encode_to_vec());
    assert!(matches!(both, Err(DecodeError::Invalid(_))));
    wire.job_id.clear();
    wire.operation_id.clear();
    let neither = DiagnosisEvent::decode(&event_type, version, &wire.encode_to_vec());
    assert!(matches!(neither, Err(DecodeError::Invalid(_))));
}

/// Prints the fixture line (`cargo test -p proto --test diagnosis_wire -- --ignored
/// --nocapture`), to append when a new type or version is added.
#[test]
#[ignore = "prints a fixture line"]
fn print_fixture() {
    let (event_type, version, bytes) = recorded(request()).encode();
    println!("{event_type} v{version} {}", hex::encode(bytes));
}
