//! Builders of `cluster-events` records exactly as command-api writes them (protobuf
//! `LogRecord` values, `cg-*` headers, aggregate-id keys), for the tests and the fixture
//! generator. Test data only: nothing here decides validity.

#![allow(dead_code)]

use std::net::Ipv4Addr;

use chrono::{DateTime, TimeZone, Utc};
use domain::droplet::DropletEvent;
use domain::log_validity::WriterClaim;
use domain::name::ResourceName;
use domain::record::{Batch, BatchHeader, ClaimRecord, Record};
use uuid::Uuid;

/// One record to produce to an explicit partition.
#[derive(Debug, Clone)]
pub struct TestRecord {
    pub partition: i32,
    pub key: String,
    pub value: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

/// A fixed instant, `second` seconds after a reference time.
pub fn at(second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("valid")
        + chrono::Duration::seconds(second)
}

pub fn claim(partition: i32, epoch: u64, writer: &str) -> TestRecord {
    let record = Record::Claim(ClaimRecord {
        claim: WriterClaim {
            epoch,
            writer_id: writer.into(),
        },
        advertised_url: format!("http://{writer}.test"),
        claimed_at: at(0),
    });
    build(partition, "claim", &record)
}

/// A batch of droplet events of `id`, continuing from `from_version`, stamped with
/// `(epoch, writer)`.
pub fn batch(
    partition: i32,
    id: Uuid,
    from_version: u64,
    claim: (u64, &str),
    events: &[DropletEvent],
) -> TestRecord {
    batch_of("droplet", partition, id, from_version, claim, events)
}

/// A batch of events of aggregate type `aggregate_type` (any event type with a codec).
pub fn batch_of<E: proto::WireEvent>(
    aggregate_type: &str,
    partition: i32,
    id: Uuid,
    from_version: u64,
    claim: (u64, &str),
    events: &[E],
) -> TestRecord {
    let command_id = Uuid::new_v5(&id, format!("{from_version}/{}", claim.0).as_bytes());
    let record = Record::Batch(Batch {
        header: BatchHeader {
            aggregate_type: aggregate_type.into(),
            aggregate_id: id,
            from_version,
            claim: WriterClaim {
                epoch: claim.0,
                writer_id: claim.1.into(),
            },
            command_id,
            command_name: "test".into(),
            principal: "alice".into(),
            owner: "alice".into(),
            idempotency: None,
            recorded_at: at(from_version as i64),
            correlation_id: command_id.to_string(),
            causation_id: String::new(),
            traceparent: String::new(),
            tracestate: String::new(),
        },
        events: proto::encode_events(command_id, events),
    });
    build(partition, &id.to_string(), &record)
}

/// A value that is not a `LogRecord`, keyed by `key`.
pub fn garbage(partition: i32, key: &str) -> TestRecord {
    TestRecord {
        partition,
        key: key.into(),
        value: vec![0xff, 0xff, 0xff, 0x01],
        headers: vec![("cg-record".into(), "event_batch".into())],
    }
}

pub fn build(partition: i32, key: &str, record: &Record) -> TestRecord {
    let (kind, aggregate, types) = proto::header_values(record);
    let value = proto::encode_record(record);
    TestRecord {
        partition,
        key: key.into(),
        value,
        headers: vec![
            ("cg-record".into(), kind.into()),
            ("cg-aggregate-type".into(), aggregate),
            ("cg-event-types".into(), types),
            ("cg-schema".into(), proto::SCHEMA.into()),
        ],
    }
}

pub fn created(id: Uuid, name: &str, second: i64) -> DropletEvent {
    domain::droplet::fixtures::created(id, name, at(second))
}

pub fn provisioned(host: u8, second: i64) -> DropletEvent {
    DropletEvent::Provisioned {
        ipv4: Ipv4Addr::new(10, 0, 0, host),
        at: at(second),
        operation_id: None,
    }
}

/// The `n`-th event of a droplet's scripted life: create, provision, then power cycles
/// with a rename every seventh step.
pub fn life_event(id: Uuid, n: u64) -> DropletEvent {
    let second = n as i64 + 1;
    match n {
        0 => created(id, &format!("d-{}", &id.simple().to_string()[..8]), second),
        1 => provisioned((id.as_u128() % 250) as u8 + 1, second),
        n if n % 7 == 0 => DropletEvent::Renamed {
            name: ResourceName::parse(&format!("renamed-{n}")).expect("valid name"),
            previous: None,
            at: at(second),
            operation_id: None,
        },
        n if n % 2 == 0 => DropletEvent::PoweredOff {
            at: at(second),
            operation_id: None,
        },
        _ => DropletEvent::PoweredOn {
            at: at(second),
            operation_id: None,
        },
    }
}

/// A fresh droplet id whose key lands on `partition` of `partitions`.
pub fn id_on(partition: i32, partitions: i32) -> Uuid {
    loop {
        let id = Uuid::now_v7();
        if platform::kafka::partition_for(id.to_string().as_bytes(), partitions) == partition {
            return id;
        }
    }
}
