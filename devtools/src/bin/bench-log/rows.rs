//! The N synthetic droplets, identical for `synth` and `upsert`: ids, names and times all
//! follow from the index, so the log and the baseline hold exactly the same rows. Each is
//! created through the domain's own `decide` and `evolve`, never by hand.

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use domain::Aggregate;
use domain::catalog::find_size;
use domain::droplet::{CreateDroplet, Droplet, DropletCommand, DropletEvent};
use domain::name::ResourceName;
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
