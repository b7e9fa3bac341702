//! The snapshot property: for a multi-aggregate log (every registered aggregate type,
//! idempotent commands, a stale writer's segment, a version gap, an undecodable record
//! and an unknown aggregate type), restoring from a snapshot taken after any prefix —
//! encoded to bytes and decoded again — and folding the rest gives the same write model
//! as folding the whole log. Tests only.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::cluster::{ClusterCreated, ClusterEvent, PoolFacts};
use domain::droplet::{CreationRequested, DropletEvent};
use domain::job::{EnqueueJob, JobArgs, JobEvent, RetryPolicy};
use domain::log_validity::WriterClaim;
use domain::name::ResourceName;
use domain::queue::QueueEvent;
use domain::rate_limit_policy::{PolicyEvent, Target};
use domain::record::{RawEvent, StoredResponse};
use domain::reservation::ReservationEvent;
use proto::snapshot::{decode_image, encode_image};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::partition::PartitionState;
use super::record::{self, BatchMeta};
use super::types::IdempotencyRequest;

const TOPIC: &str = "t.cluster-events";

/// One log record as stored: key and value bytes.
type Stored = (Option<Vec<u8>>, Option<Vec<u8>>);

fn at(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("time")
        + Duration::seconds(n)
}

fn name(n: usize) -> ResourceName {
    ResourceName::parse(&format!("res-{n}")).expect("name")
}

/// Builds a log the way writers append it, tracking versions so batches are valid
/// unless a test wants them not to be.
struct Log {
    records: Vec<Stored>,
    versions: std::collections::HashMap<Uuid, u64>,
    claim: WriterClaim,
    clock: i64,
}

impl Log {
    fn new() -> Self {
        let mut log = Self {
            records: Vec::new(),
            versions: Default::default(),
            claim: WriterClaim::default(),
            clock: 0,
        };
        log.claim(1, "w1");
        log
    }

    fn claim(&mut self, epoch: u64, writer: &str) {
        self.claim = WriterClaim {
            epoch,
            writer_id: writer.into(),
        };
        let (bytes, _) = record::encode(&record::claim(&self.claim, "http://w", at(0)), None);
        self.records.push((Some(b"claim".to_vec()), Some(bytes)));
    }

    fn append(&mut self, kind: &'static str, id: Uuid, events: Vec<RawEvent>, idem: Option<usize>) {
        let from = self.versions.get(&id).copied().unwrap_or(0);
        self.append_at(kind, id, from, events, idem);
    }

    fn append_at(
        &mut self,
        kind: &'static str,
        id: Uuid,
        from: u64,
        events: Vec<RawEvent>,
        idem: Option<usize>,
    ) {
        self.clock += 1;
        let request = idem.map(|n| IdempotencyRequest {
            key: format!("key-{n}"),
            scope: format!("scope-{n}"),
            fingerprint: format!("fp-{n}"),
        });
        let response = StoredResponse {
            status: 202,
            headers: vec![("ETag".into(), format!("\"{}\"", from + 1))],
            body: format!("{{\"n\":{}}}", self.clock).into_bytes(),
        };
        let claim = self.claim.clone();
        let meta = BatchMeta {
            kind,
            aggregate_id: id,
            from_version: from,
            claim: &claim,
            command_id: Uuid::from_u128(self.clock as u128),
            command_name: "test.command",
            principal: "alice",
            owner: "alice",
            idempotency: request.as_ref().map(|r| (r, &response)),
            recorded_at: at(self.clock),
            correlation_id: None,
            trace: None,
        };
        if self.versions.get(&id).copied().unwrap_or(0) == from && claim.epoch > 0 {
            self.versions.insert(id, from + events.len() as u64);
        }
        let (bytes, _) = record::encode(&record::batch(&meta, events), None);
        self.records
            .push((Some(id.to_string().into_bytes()), Some(bytes)));
    }
}

fn events<E: proto::WireEvent>(command: u128, events: &[E]) -> Vec<RawEvent> {
    proto::encode_events(Uuid::from_u128(command), events)
}

fn droplet(id: Uuid, n: usize, t: DateTime<Utc>) -> Vec<RawEvent> {
    events(
        1,
        &[DropletEvent::CreationRequested(CreationRequested {
            id,
            owner: "alice".into(),
            name: name(n),
            region: "nyc1".into(),
            size_slug: "s-1vcpu-1gb".into(),
            image: "ubuntu-24-04-x64".into(),
            vcpus: 1,
            memory_mb: 1024,
            disk_gb: 25,
            tags: vec!["env:test".into()],
            node_of: None,
            provider: None,
            operation_id: Some(Uuid::from_u128(n as u128 + 7)),
            at: t,
        })],
    )
}

fn cluster(id: Uuid, n: usize, t: DateTime<Utc>) -> Vec<RawEvent> {
    let pool = PoolFacts {
        id: Uuid::from_u128(n as u128 + 0xabc),
        name: name(n),
        size_slug: "s-2vcpu-4gb".into(),
        vcpus: 2,
        memory_mb: 4096,
        disk_gb: 80,
        count: 3,
        auto_scale: n.is_multiple_of(2),
        min_nodes: 1,
        max_nodes: 5,
        labels: [("tier".to_owned(), "web".to_owned())].into(),
        taints: vec!["dedicated=web:NoSchedule".into()],
        tags: vec!["k8s".into()],
    };
    events(
        2,
        &[ClusterEvent::Created(ClusterCreated {
            id,
            owner: "alice".into(),
            name: name(n),
            region: "nyc1".into(),
            kube_version: "1.31".into(),
            pools: vec![pool],
            tags: vec![],
            operation_id: Some(Uuid::from_u128(n as u128 + 9)),
            at: t,
        })],
    )
}

fn job(id: Uuid, n: usize, t: DateTime<Utc>) -> Vec<RawEvent> {
    events(
        3,
        &[JobEvent::Enqueued(EnqueueJob {
            id,
            owner: "alice".into(),
            args: JobArgs::Sleep {
                seconds: 3,
                steps: 3,
            },
            queue: "default".into(),
            priority: 5,
            run_at: t,
            timeout_seconds: 60,
            heartbeat_timeout_seconds: 30,
            retry: RetryPolicy::default(),
            unique_key: n.is_multiple_of(3).then(|| name(n)),
            trace_id: Some(format!("trace-{n}")),
            at: t,
        })],
    )
}

/// A follow-up event for an aggregate of `kind`, so histories are longer than one batch.
fn follow_up(kind: &str, t: DateTime<Utc>) -> Vec<RawEvent> {
    match kind {
        "droplet" => events(
            4,
            &[DropletEvent::Provisioned {
                ipv4: "10.0.0.7".parse().expect("ip"),
                at: t,
                operation_id: None,
            }],
        ),
        "job" => events(
            5,
            &[JobEvent::Claimed {
                worker_id: "worker-1".into(),
                lease_until: t + Duration::seconds(30),
                at: t,
            }],
        ),
        "name_reservation" => events(
            6,
            &[ReservationEvent::Confirmed {
                holder_id: Uuid::from_u128(1),
                at: t,
            }],
        ),
        _ => events(7, &[PolicyEvent::Deleted { at: t }]),
    }
}

/// A recorded-like log over every registered aggregate type with faults mixed in.
fn multi_aggregate_log(seed: u64) -> Vec<Stored> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut log = Log::new();
    let mut ids: Vec<(&'static str, Uuid)> = Vec::new();
    for n in 0..120usize {
        let t = at(n as i64);
        let idem = n.is_multiple_of(4).then_some(n);
        if !ids.is_empty() && rng.random_bool(0.4) {
            let (kind, id) = ids[rng.random_range(0..ids.len())];
            if kind != "cluster" && kind != "job_queue" {
                log.append(kind, id, follow_up(kind, t), idem);
                continue;
            }
        }
        let id = Uuid::from_u128(0x1000 + n as u128);
        let (kind, raw) = match n % 6 {
            0 => ("droplet", droplet(id, n, t)),
            1 => ("cluster", cluster(id, n, t)),
            2 => ("job", job(id, n, t)),
            3 => (
                "name_reservation",
                events(
                    8,
                    &[ReservationEvent::Reserved {
                        owner: "alice".into(),
                        kind: "droplet".into(),
                        name: name(n),
                        holder_id: Uuid::from_u128(1),
                        request_scope: Some(format!("scope-{n}")),
                        at: t,
                    }],
                ),
            ),
            4 => (
                "rate_limit_policy",
                events(
                    9,
                    &[PolicyEvent::Set {
                        target: Target::User(format!("user-{n}")),
                        rules: "[]".into(),
                        at: t,
                    }],
                ),
            ),
            _ => (
                "job_queue",
                events(
                    10,
                    &[QueueEvent::Paused {
                        id,
                        name: format!("queue-{n}"),
                        by: "admin".into(),
                        at: t,
                    }],
                ),
            ),
        };
        log.append(kind, id, raw, idem);
        ids.push((kind, id));
        if n == 40 {
            faults(&mut log, &ids);
        }
    }
    log.records
}

/// A stale writer's segment, a version gap, an undecodable record naming an aggregate
/// (quarantined, then a later batch behind it) and a batch of an unknown type.
fn faults(log: &mut Log, ids: &[(&'static str, Uuid)]) {
    let (kind, victim) = ids[0];
    log.claim(2, "w2");
    let stale = std::mem::replace(
        &mut log.claim,
        WriterClaim {
            epoch: 1,
            writer_id: "w1".into(),
        },
    );
    log.append(kind, victim, follow_up(kind, at(500)), Some(9999));
    log.claim = stale;
    log.append_at(kind, victim, 77, follow_up(kind, at(501)), None);
    let (quarantined_kind, quarantined) = ids[2];
    log.records.push((
        Some(quarantined.to_string().into_bytes()),
        Some(vec![0xff, 0x01, 0x02]),
    ));
    log.append(
        quarantined_kind,
        quarantined,
        follow_up(quarantined_kind, at(502)),
        None,
    );
    log.records.push((None, None));
    log.append("spaceship", Uuid::from_u128(0xdead), Vec::new(), None);
    log.claim(1, "w0");
}

fn kinds() -> Arc<super::Kinds> {
    Arc::new(crate::startup::kinds())
}

fn fold(state: &mut PartitionState, records: &[Stored], from: usize) {
    for (offset, (key, value)) in records.iter().enumerate().skip(from) {
        state.apply_bytes(offset as i64, key.as_deref(), value.as_deref());
    }
}

fn image_bytes(state: &PartitionState) -> Vec<u8> {
    encode_image(
        &state
            .capture(TOPIC, 4)
            .encode()
            .expect("every state has a codec"),
    )
}

#[test]
fn snapshot_plus_tail_equals_the_full_log_at_every_cut() {
    let records = multi_aggregate_log(7);
    let retention = Duration::hours(24);
    let mut full = PartitionState::new(0, kinds(), retention);
    fold(&mut full, &records, 0);
    let expected = image_bytes(&full);
    let faults = full
        .capture(TOPIC, 4)
        .encode()
        .expect("encodes")
        .quarantined;
    assert_eq!(
        faults.len(),
        2,
        "an undecodable record and an unknown type: {faults:?}"
    );
    assert!(
        full.tally.ignored >= 3,
        "stale claim, stale writer, version gap"
    );
    for cut in 0..=records.len() {
        let mut prefix = PartitionState::new(0, kinds(), retention);
        fold(&mut prefix, &records[..cut], 0);
        let bytes = image_bytes(&prefix);
        let image = decode_image(&bytes).expect("an image decodes");
        assert_eq!(image.coverage.next_offset, cut as i64);
        let mut restored = PartitionState::restored(image, kinds(), retention).expect("restores");
        fold(&mut restored, &records, cut);
        assert!(
            image_bytes(&restored) == expected,
            "snapshot at {cut} + tail differs from the full log"
        );
        assert_eq!(restored.highest_epoch(), full.highest_epoch());
        assert_eq!(restored.current_epoch, full.current_epoch);
    }
}

#[test]
fn a_restored_partition_replays_idempotency_keys_and_keeps_versions() {
    let records = multi_aggregate_log(11);
    let retention = Duration::hours(24);
    let mut full = PartitionState::new(0, kinds(), retention);
    fold(&mut full, &records, 0);
    let image = decode_image(&image_bytes(&full)).expect("decodes");
    assert!(!image.completed_keys.is_empty() && image.aggregates.len() > 20);
    let restored = PartitionState::restored(image, kinds(), retention).expect("restores");
    let request = IdempotencyRequest {
        key: "key-0".into(),
        scope: "scope-0".into(),
        fingerprint: "fp-0".into(),
    };
    let replay = restored
        .replay(Some(&request), at(600))
        .expect("ok")
        .expect("a replay");
    assert!(replay.replayed);
    for (id, state, _) in full.all() {
        let again = restored
            .current(&id)
            .state
            .expect("every aggregate restored");
        assert_eq!(
            (again.kind(), again.version()),
            (state.kind(), state.version())
        );
    }
}

#[test]
fn an_image_with_an_unknown_type_or_state_version_is_refused() {
    let records = multi_aggregate_log(3);
    let mut full = PartitionState::new(0, kinds(), Duration::hours(24));
    fold(&mut full, &records, 0);
    let image = full.capture(TOPIC, 4).encode().expect("encodes");
    let mut unknown_type = image.clone();
    unknown_type.aggregates[0].aggregate_type = "spaceship".into();
    assert!(PartitionState::restored(unknown_type, kinds(), Duration::hours(24)).is_err());
    let mut newer = image;
    newer.aggregates[0].state_version = 99;
    assert!(PartitionState::restored(newer, kinds(), Duration::hours(24)).is_err());
}
