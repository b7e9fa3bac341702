//! Sample droplet events for tests of other crates (feature `testing`), so a "typical
//! new droplet" is written once. Never used by production code.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{CreationRequested, DropletEvent};
use crate::name::ResourceName;

/// A 1 vCPU / 1 GiB droplet named `name` in nyc1, owned by alice, created `at`.
pub fn created(id: Uuid, name: &str, at: DateTime<Utc>) -> DropletEvent {
    DropletEvent::CreationRequested(CreationRequested {
        id,
        owner: "alice".into(),
        name: ResourceName::parse(name).expect("a valid sample name"),
        region: "nyc1".into(),
        size_slug: "s-1vcpu-1gb".into(),
        image: "ubuntu-24-04-x64".into(),
        vcpus: 1,
        memory_mb: 1024,
        disk_gb: 25,
        tags: vec!["env:test".into()],
        node_of: None,
        provider: None,
        operation_id: Some(Uuid::from_u128(id.as_u128() ^ 0xffff)),
        at,
    })
}
