//! Builders of `cluster-events` records exactly as command-api writes them (protobuf
//! `LogRecord` values, `cg-*` headers, aggregate-id keys), for the tests and the fixture
//! generator. Test data only: nothing here decides validity.

#![allow(dead_code)]

use std::net::Ipv4Addr;

use chrono::{DateTime, TimeZone, Utc};
use domain::droplet::{DropletEvent, DropletName};
use domain::log_validity::WriterClaim;
use proto::wire::{self, log_record::Record};
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
    let record = Record::Claim(wire::OwnershipClaim {
        epoch,
        writer_id: writer.into(),
        advertised_url: format!("http://{writer}.test"),
        claimed_at: Some(proto::to_timestamp(at(0))),
    });
    build(partition, "claim", record)
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
    let command_id = Uuid::new_v5(&id, format!("{from_version}/{}", claim.0).as_bytes());
    let events = events
        .iter()
        .enumerate()
        .map(|(i, event)| {
            let (event_type, schema_version, payload) = proto::encode_droplet_event(event);
            wire::Event {
                r#type: event_type,
                schema_version,
                event_id: proto::event_id(command_id, i).to_string(),
                payload,
            }
        })
        .collect();
    let header = wire::BatchHeader {
        aggregate_type: "droplet".into(),
        aggregate_id: id.to_string(),
        from_version,
        claim: Some(proto::writer_claim_to_wire(&WriterClaim {
            epoch: claim.0,
            writer_id: claim.1.into(),
        })),
        command_id: command_id.to_string(),
        command_name: "test".into(),
        principal: "alice".into(),
        recorded_at: Some(proto::to_timestamp(at(from_version as i64))),
        correlation_id: command_id.to_string(),
        ..Default::default()
    };
    let record = Record::Batch(wire::EventBatch {
        header: Some(header),
        events,
    });
    build(partition, &id.to_string(), record)
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

fn build(partition: i32, key: &str, record: Record) -> TestRecord {
    let (kind, aggregate, types) = proto::header_values(&record);
    let value = proto::encode_record(&wire::LogRecord {
        record: Some(record),
    });
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
            name: DropletName::parse(&format!("renamed-{n}")).expect("valid name"),
            at: at(second),
        },
        n if n % 2 == 0 => DropletEvent::PoweredOff { at: at(second) },
        _ => DropletEvent::PoweredOn { at: at(second) },
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
