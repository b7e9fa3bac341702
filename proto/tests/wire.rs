//! Round trips (domain -> wire -> domain) of every event of every aggregate, golden
//! bytes of each (so a change to the wire form breaks the build, not a replay), records
//! as first written decoding to today's types, and garbage decoding to errors.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use chrono::{DateTime, TimeZone, Utc};
use domain::cluster::{ClusterCreated, ClusterEvent, PoolFacts};
use domain::droplet::{CreationRequested, DropletEvent, NodeOf};
use domain::log_validity::WriterClaim;
use domain::name::ResourceName;
use domain::record::{Batch, BatchHeader, ClaimRecord, IdempotencyRecord, Record, StoredResponse};
use domain::reservation::ReservationEvent;
use domain::telemetry::load::{Demand, Profile};
use proto::WireEvent;
use uuid::Uuid;

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 14, second)
        .single()
        .expect("valid")
}

fn name(raw: &str) -> ResourceName {
    ResourceName::parse(raw).expect("valid")
}

fn op(n: u128) -> Option<Uuid> {
    Some(Uuid::from_u128(
        0x0193_a0c5_0000_7000_8000_0000_0000_0000 + n,
    ))
}

/// The droplet events as the first release wrote them: no operations, no previous
/// names, no nodes. Their bytes are pinned in `wire__droplet_events_as_first_written`.
fn droplet_events_as_first_written() -> Vec<DropletEvent> {
    vec![
        DropletEvent::CreationRequested(CreationRequested {
            id: Uuid::from_u128(0x0193a0c4_5b2e_7c11_9a0e_2f4d6c8b1a37),
            owner: "alice".into(),
            name: name("web-1"),
            region: "nyc1".into(),
            size_slug: "s-1vcpu-1gb".into(),
            image: "ubuntu-24-04-x64".into(),
            vcpus: 1,
            memory_mb: 1024,
            disk_gb: 25,
            tags: vec!["env:prod".into()],
            node_of: None,
            provider: None,
            operation_id: None,
            at: at(3),
        }),
        DropletEvent::Provisioned {
            ipv4: Ipv4Addr::new(10, 1, 0, 7),
            at: at(5),
            operation_id: None,
        },
        DropletEvent::ProvisioningFailed {
            reason: "no capacity".into(),
            at: at(5),
            operation_id: None,
        },
        DropletEvent::PoweredOff {
            at: at(6),
            operation_id: None,
        },
        DropletEvent::PoweredOn {
            at: at(7),
            operation_id: None,
        },
        DropletEvent::Rebooted {
            at: at(8),
            operation_id: None,
        },
        DropletEvent::Renamed {
            name: name("web-2"),
            previous: None,
            at: at(9),
            operation_id: None,
        },
        DropletEvent::DeletionRequested {
            at: at(10),
            operation_id: None,
            superseded: None,
        },
        DropletEvent::Deleted {
            at: at(11),
            purge_at: at(12),
            operation_id: None,
        },
    ]
}

fn droplet_events() -> Vec<DropletEvent> {
    let node_of = NodeOf {
        cluster_id: Uuid::from_u128(11),
        node_pool_id: Uuid::from_u128(12),
    };
    vec![
        DropletEvent::CreationRequested(CreationRequested {
            id: Uuid::from_u128(7),
            owner: "alice".into(),
            name: name("prod-web-1a2b3c"),
            region: "nyc1".into(),
            size_slug: "s-2vcpu-4gb".into(),
            image: "debian-12-x64".into(),
            vcpus: 2,
            memory_mb: 4096,
            disk_gb: 80,
            tags: vec![],
            node_of: Some(node_of),
            provider: None,
            operation_id: op(1),
            at: at(1),
        }),
        DropletEvent::Provisioned {
            ipv4: Ipv4Addr::new(10, 1, 0, 8),
            at: at(2),
            operation_id: op(1),
        },
        DropletEvent::PowerCycled {
            at: at(3),
            operation_id: op(2),
        },
        DropletEvent::ShutDown {
            at: at(3),
            operation_id: op(2),
        },
        DropletEvent::Renamed {
            name: name("web-3"),
            previous: Some(name("web-2")),
            at: at(4),
            operation_id: op(3),
        },
        DropletEvent::Resized {
            size_slug: "s-4vcpu-8gb".into(),
            vcpus: 4,
            memory_mb: 8192,
            disk_gb: 160,
            at: at(5),
            operation_id: op(4),
        },
        DropletEvent::Rebuilt {
            image: "fedora-40-x64".into(),
            at: at(6),
            operation_id: op(5),
        },
        DropletEvent::SnapshotTaken {
            name: name("nightly"),
            at: at(7),
            operation_id: op(6),
        },
        DropletEvent::TagsChanged {
            tags: vec!["env:dev".into()],
            at: at(8),
        },
        DropletEvent::DrainStarted { at: at(9) },
        DropletEvent::DeletionRequested {
            at: at(10),
            operation_id: op(7),
            superseded: op(1),
        },
        DropletEvent::Deleted {
            at: at(11),
            purge_at: at(12),
            operation_id: op(7),
        },
        DropletEvent::Purged { at: at(13) },
        DropletEvent::CancelRequested {
            operation_id: Uuid::from_u128(5),
            at: at(14),
        },
        DropletEvent::CreationCancelled {
            operation_id: Uuid::from_u128(5),
            at: at(15),
        },
        DropletEvent::NameReleased {
            name: name("web-2"),
            at: at(16),
        },
    ]
}

fn pool() -> PoolFacts {
    PoolFacts {
        id: Uuid::from_u128(12),
        name: name("web"),
        size_slug: "s-2vcpu-4gb".into(),
        vcpus: 2,
        memory_mb: 4096,
        disk_gb: 80,
        count: 3,
        auto_scale: true,
        min_nodes: 1,
        max_nodes: 5,
        labels: BTreeMap::from([("tier".into(), "web".into()), ("env".into(), "prod".into())]),
        taints: vec!["dedicated=web:NoSchedule".into()],
        tags: vec!["team:a".into()],
    }
}

fn cluster_events() -> Vec<ClusterEvent> {
    let pool_id = Uuid::from_u128(12);
    let node_id = Uuid::from_u128(7);
    vec![
        ClusterEvent::Created(ClusterCreated {
            id: Uuid::from_u128(11),
            owner: "alice".into(),
            name: name("prod"),
            region: "nyc1".into(),
            kube_version: "1.31.1-cg.0".into(),
            pools: vec![pool()],
            tags: vec!["env:prod".into()],
            operation_id: op(10),
            at: at(1),
        }),
        ClusterEvent::Renamed {
            name: name("prod-2"),
            previous: Some(name("prod")),
            at: at(2),
        },
        ClusterEvent::TagsChanged {
            tags: vec![],
            at: at(3),
        },
        ClusterEvent::PoolAdded {
            pool: pool(),
            operation_id: op(11),
            at: at(4),
        },
        ClusterEvent::PoolUpdated {
            pool_id,
            labels: BTreeMap::from([("a".into(), "b".into())]),
            auto_scale: false,
            min_nodes: 1,
            max_nodes: 4,
            operation_id: op(12),
            at: at(5),
        },
        ClusterEvent::PoolScaleRequested {
            pool_id,
            from: 3,
            to: 4,
            operation_id: op(13),
            at: at(6),
        },
        ClusterEvent::PoolDeletionRequested {
            pool_id,
            operation_id: op(14),
            at: at(7),
        },
        ClusterEvent::PoolDeleted { pool_id, at: at(8) },
        ClusterEvent::NodeRemovalRequested {
            pool_id,
            node_id,
            replace: true,
            skip_drain: false,
            count: 3,
            operation_id: op(15),
            at: at(9),
        },
        ClusterEvent::NodeRemoved {
            pool_id,
            node_id,
            at: at(10),
        },
        ClusterEvent::OperationCompleted {
            operation_id: Uuid::from_u128(15),
            at: at(11),
        },
        ClusterEvent::BecameRunning {
            operation_id: op(10),
            at: at(12),
        },
        ClusterEvent::Degraded {
            message: "pool web has 2 of 3 nodes running".into(),
            at: at(13),
        },
        ClusterEvent::Recovered { at: at(14) },
        ClusterEvent::Failed {
            message: "nodes did not start".into(),
            operation_id: op(10),
            at: at(15),
        },
        ClusterEvent::DeletionRequested {
            operation_id: op(16),
            superseded: op(13),
            at: at(16),
        },
        ClusterEvent::Deleted {
            operation_id: op(16),
            at: at(17),
        },
        ClusterEvent::CancelRequested {
            operation_id: Uuid::from_u128(13),
            at: at(18),
        },
        ClusterEvent::OperationCancelled {
            operation_id: Uuid::from_u128(13),
            reason: "cancelled on request".into(),
            at: at(19),
        },
        ClusterEvent::NameReleased {
            name: name("prod"),
            at: at(20),
        },
        ClusterEvent::DemandSet {
            demand: Demand {
                level: 85,
                profile: Profile::Flapping,
            },
            at: at(21),
        },
    ]
}

fn reservation_events() -> Vec<ReservationEvent> {
    vec![
        ReservationEvent::Reserved {
            owner: "alice".into(),
            kind: "droplet".into(),
            name: name("web-1"),
            holder_id: Uuid::from_u128(7),
            request_scope: Some("abc".into()),
            at: at(1),
        },
        ReservationEvent::Confirmed {
            holder_id: Uuid::from_u128(7),
            at: at(2),
        },
        ReservationEvent::Released {
            holder_id: Uuid::from_u128(7),
            at: at(3),
        },
    ]
}

fn golden_line<E: WireEvent>(event: &E) -> String {
    let (event_type, version, payload) = event.encode();
    format!("{event_type} v{version} {}", hex::encode(payload))
}

fn round_trip<E: WireEvent + PartialEq + std::fmt::Debug>(events: &[E]) {
    for event in events {
        let (event_type, version, payload) = event.encode();
        assert_eq!(
            &proto::decode_event::<E>(&event_type, version, &payload).expect("decodes"),
            event
        );
    }
}

#[test]
fn every_event_round_trips() {
    round_trip(&droplet_events_as_first_written());
    round_trip(&droplet_events());
    round_trip(&cluster_events());
    round_trip(&reservation_events());
}

#[test]
fn droplet_events_keep_the_bytes_they_were_first_written_with() {
    let golden: Vec<String> = droplet_events_as_first_written()
        .iter()
        .map(golden_line)
        .collect();
    insta::assert_snapshot!("droplet_events_as_first_written", golden.join("\n"));
}

/// The stored bytes of the first release (the snapshot above, kept forever) decode to
/// today's types with the fields added since left empty.
#[test]
fn records_written_before_operations_still_decode() {
    let snapshot = include_str!("snapshots/wire__droplet_events_as_first_written.snap");
    let decoded: Vec<DropletEvent> = snapshot
        .lines()
        .filter(|l| l.starts_with("droplet."))
        .map(|line| {
            let mut parts = line.split(' ');
            let (event_type, version, payload) = (
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap_or(""),
            );
            let version: u32 = version.trim_start_matches('v').parse().expect("version");
            DropletEvent::decode(event_type, version, &hex::decode(payload).expect("hex"))
                .expect("old bytes decode")
        })
        .collect();
    assert_eq!(decoded, droplet_events_as_first_written());
}

#[test]
fn every_event_golden_bytes() {
    let mut golden: Vec<String> = droplet_events().iter().map(golden_line).collect();
    golden.extend(cluster_events().iter().map(golden_line));
    golden.extend(reservation_events().iter().map(golden_line));
    insta::assert_snapshot!(golden.join("\n"));
}

fn sample_batch(idempotency: Option<IdempotencyRecord>) -> Record {
    let command_id = Uuid::from_u128(42);
    Record::Batch(Batch {
        header: BatchHeader {
            aggregate_type: "droplet".into(),
            aggregate_id: Uuid::from_u128(0x0193a0c4_5b2e_7c11_9a0e_2f4d6c8b1a37),
            from_version: 0,
            claim: WriterClaim {
                epoch: 3,
                writer_id: "w-1".into(),
            },
            command_id,
            command_name: "create".into(),
            principal: "alice".into(),
            owner: String::new(),
            idempotency,
            recorded_at: at(3),
            correlation_id: command_id.to_string(),
            causation_id: String::new(),
            traceparent: String::new(),
            tracestate: String::new(),
        },
        events: proto::encode_events(command_id, &droplet_events_as_first_written()[..1]),
    })
}

fn sample_claim() -> Record {
    Record::Claim(ClaimRecord {
        claim: WriterClaim {
            epoch: 3,
            writer_id: "w-1".into(),
        },
        advertised_url: "http://127.0.0.1:8080".into(),
        claimed_at: at(1),
    })
}

#[test]
fn record_golden_bytes() {
    let lines = [sample_claim(), sample_batch(None)].map(|r| hex::encode(proto::encode_record(&r)));
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn records_decode_back_and_name_their_headers() {
    let stored = IdempotencyRecord {
        key: "k-1".into(),
        scope: "scope".into(),
        fingerprint: "fp".into(),
        response: StoredResponse {
            status: 202,
            headers: vec![
                ("ETag".into(), "\"1\"".into()),
                ("Location".into(), "/api/v1/droplets/x".into()),
            ],
            body: b"{}".to_vec(),
        },
    };
    for record in [
        sample_claim(),
        sample_batch(None),
        sample_batch(Some(stored)),
    ] {
        let bytes = proto::encode_record(&record);
        assert_eq!(proto::decode_record(&bytes).expect("decodes"), record);
        assert_eq!(
            proto::encode_record(&record),
            bytes,
            "encoding is deterministic"
        );
    }
    let (kind, aggregate, types) = proto::header_values(&sample_batch(None));
    assert_eq!(
        (kind, aggregate.as_str(), types.as_str()),
        ("event_batch", "droplet", "droplet.creation_requested")
    );
}

#[test]
fn garbage_is_a_decode_error_not_a_panic() {
    assert!(proto::decode_record(&[0xff, 0xff, 0xff]).is_err());
    assert_eq!(proto::decode_record(&[]), Err(proto::DecodeError::Empty));
    let unknown = DropletEvent::decode("droplet.teleported", 1, &[]);
    assert!(matches!(
        unknown,
        Err(proto::DecodeError::UnknownEvent { .. })
    ));
    let future = ClusterEvent::decode("cluster.created", 2, &[]);
    assert!(matches!(
        future,
        Err(proto::DecodeError::UnknownEvent { .. })
    ));
    let bad_id = ReservationEvent::decode("name_reservation.confirmed", 1, &[0x0a, 0x01, b'x']);
    assert_eq!(bad_id, Err(proto::DecodeError::Invalid("holder_id")));
}

#[test]
fn event_ids_are_stable_per_command_and_index() {
    let command = Uuid::from_u128(42);
    assert_eq!(proto::event_id(command, 0), proto::event_id(command, 0));
    assert_ne!(proto::event_id(command, 0), proto::event_id(command, 1));
}

fn rate_limit_policy_events() -> Vec<domain::rate_limit_policy::PolicyEvent> {
    use domain::rate_limit_policy::{PolicyEvent, Target};
    let rules = r#"[{"name":"minute","quota":250,"window_seconds":60,"burst":50}]"#;
    vec![
        PolicyEvent::Set {
            target: Target::Default,
            rules: rules.into(),
            at: at(1),
        },
        PolicyEvent::Set {
            target: Target::User("alice".into()),
            rules: rules.into(),
            at: at(2),
        },
        PolicyEvent::Deleted { at: at(3) },
    ]
}

#[test]
fn rate_limit_policy_events_round_trip_and_keep_their_bytes() {
    let events = rate_limit_policy_events();
    round_trip(&events);
    let golden: Vec<String> = events.iter().map(golden_line).collect();
    insta::assert_snapshot!("rate_limit_policy_events", golden.join("\n"));
}

/// Every state along a history survives its snapshot codec unchanged.
fn states_round_trip<A>(events: &[A::Event])
where
    A: domain::Aggregate + proto::WireState + PartialEq + std::fmt::Debug,
{
    for n in 0..=events.len() {
        let state = A::replay(&events[..n]);
        let back = A::decode_state(A::STATE_VERSION, &state.encode_state()).expect("decodes");
        assert_eq!(back, state, "after {n} events");
    }
    assert!(
        A::decode_state(A::STATE_VERSION + 1, &[]).is_err(),
        "unknown state versions are refused"
    );
}

#[test]
fn every_state_along_every_history_round_trips_through_its_snapshot_codec() {
    use domain::cluster::Cluster;
    use domain::droplet::Droplet;
    use domain::queue::{QueueControl, QueueEvent};
    use domain::rate_limit_policy::RateLimitPolicy;
    use domain::reservation::NameReservation;
    states_round_trip::<Droplet>(&droplet_events());
    states_round_trip::<Droplet>(&droplet_events_as_first_written());
    states_round_trip::<Cluster>(&cluster_events());
    states_round_trip::<NameReservation>(&reservation_events());
    states_round_trip::<RateLimitPolicy>(&rate_limit_policy_events());
    let queue = |paused: bool, s: u32| {
        let (id, name, by, at) = (
            Uuid::from_u128(3),
            "default".to_owned(),
            "root".to_owned(),
            at(s),
        );
        if paused {
            QueueEvent::Paused { id, name, by, at }
        } else {
            QueueEvent::Resumed { id, name, by, at }
        }
    };
    let queue_events = [queue(true, 1), queue(false, 2)];
    round_trip(&queue_events);
    states_round_trip::<QueueControl>(&queue_events);
}
