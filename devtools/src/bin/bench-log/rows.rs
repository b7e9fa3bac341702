//! The N synthetic droplets, identical for `synth` and `upsert`: ids, names and times all
//! follow from the index, so the log and the baseline hold exactly the same rows. Each is
//! created through the domain's own `decide` and `evolve`, never by hand.

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use domain::Aggregate;
use domain::catalog::find_size;
use domain::droplet::{CreateDroplet, Droplet, DropletCommand, DropletEvent};
use domain::log_validity::WriterClaim;
use domain::name::ResourceName;
use domain::record::{Batch, BatchHeader};
use platform::kafka::partition_for;
use uuid::Uuid;

/// The principal of the stack `make bench` starts (`STACK_TOKEN=…=dev:admin`).
pub const OWNER: &str = "dev";

/// One synthetic create: the command's id, the droplet's id and the events it decided.
pub struct Created {
    pub command_id: Uuid,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub events: Vec<DropletEvent>,
}

impl Created {
    pub fn state(&self) -> Droplet {
        Droplet::replay(&self.events)
    }

    /// The batch command-api would have appended for this create, stamped with `claim`.
    pub fn batch(&self, claim: &WriterClaim) -> Batch {
        Batch {
            header: BatchHeader {
                aggregate_type: Droplet::NAME.to_owned(),
                aggregate_id: self.id,
                from_version: 0,
                claim: claim.clone(),
                command_id: self.command_id,
                command_name: "droplet.create".to_owned(),
                principal: OWNER.to_owned(),
                owner: OWNER.to_owned(),
                idempotency: None,
                recorded_at: self.at,
                correlation_id: self.command_id.to_string(),
                causation_id: String::new(),
                traceparent: String::new(),
                tracestate: String::new(),
            },
            events: proto::encode_events(self.command_id, &self.events),
        }
    }
}

/// The claim `synth` stamps every batch with.
pub fn claim() -> WriterClaim {
    WriterClaim {
        epoch: 1,
        writer_id: WRITER.to_owned(),
    }
}

const WRITER: &str = "bench-synth";

/// The partitions `synth` spreads the creates over in `make bench`, and the positions it
/// gives them: offset 0 of each partition is its claim, then the creates in index order.
pub struct Positions {
    partitions: i32,
    next: Vec<i64>,
}

impl Positions {
    pub fn new(partitions: i32) -> Self {
        Self {
            partitions,
            next: vec![1; usize::try_from(partitions).unwrap_or(1)],
        }
    }

    /// The partition and offset of the next create of `id`.
    pub fn next(&mut self, id: Uuid) -> (i32, i64) {
        let partition = partition_for(id.to_string().as_bytes(), self.partitions);
        let slot = &mut self.next[partition as usize];
        let offset = *slot;
        *slot += 1;
        (partition, offset)
    }
}

pub fn created(index: u64) -> anyhow::Result<Created> {
    let id = Uuid::from_u128(0xbe9c_0000_0000_4000_8000_0000_0000_0000 | u128::from(index));
    let command_id = Uuid::from_u128(0xbe9c_0001_0000_4000_8000_0000_0000_0000 | u128::from(index));
    let at = Utc
        .timestamp_opt(1_780_000_000 + (index / 1000) as i64, 0)
        .unwrap();
    let command = DropletCommand::Create(CreateDroplet {
        id,
        owner: OWNER.to_owned(),
        name: ResourceName::parse(&format!("replay-{index}"))?,
        region: "nyc1".to_owned(),
        size: *find_size("s-1vcpu-1gb").context("the catalog lacks s-1vcpu-1gb")?,
        image: "debian-12-x64".to_owned(),
        tags: vec!["bench:replay".to_owned()],
        node_of: None,
        provider: None,
        operation_id: command_id,
        at,
    });
    let events = Droplet::default()
        .decide(&command)
        .map_err(|e| anyhow::anyhow!("create {index} refused: {e:?}"))?;
    Ok(Created {
        command_id,
        id,
        at,
        events,
    })
}
