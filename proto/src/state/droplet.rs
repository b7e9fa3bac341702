//! The droplet's write-model state to and from the wire (state version 1). Only the
//! conversion: it decides nothing about droplets.

use domain::droplet::{Droplet, DropletStatus, NodeOf};
use prost::Message;

use super::{
    WireState, expect_version, names, optional_enum, optional_time, pending_from_wire,
    pending_to_wire, state_name, time,
};
use crate::DecodeError;
use crate::codec::{payload, uuid};
use crate::wire;

impl WireState for Droplet {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        wire::DropletState {
            id: self.id.to_string(),
            owner: self.owner.clone(),
            name: self.name.to_string(),
            region: self.region.clone(),
            size_slug: self.size_slug.clone(),
            image: self.image.clone(),
            vcpus: self.vcpus,
            memory_mb: self.memory_mb,
            disk_gb: self.disk_gb,
            tags: self.tags.clone(),
            node_of: self.node_of.map(|n| wire::NodeOf {
                cluster_id: n.cluster_id.to_string(),
                node_pool_id: n.node_pool_id.to_string(),
            }),
            status: self.status.map_or("", DropletStatus::as_str).to_owned(),
            draining: self.draining,
            ipv4: self.ipv4.map(|ip| ip.to_string()).unwrap_or_default(),
            failure_reason: self.failure_reason.clone(),
            snapshots: self.snapshots.iter().map(ToString::to_string).collect(),
            pending_operation: pending_to_wire(self.pending_operation.as_ref()),
            names_to_release: self
                .names_to_release
                .iter()
                .map(ToString::to_string)
                .collect(),
            created_at: time(self.created_at),
            provisioned_at: time(self.provisioned_at),
            updated_at: time(self.updated_at),
            delete_time: time(self.delete_time),
            purge_time: time(self.purge_time),
            version: self.version,
            provider: self.provider.clone(),
            holds_capacity: self.holds_capacity,
            providers_to_release: self.providers_to_release.clone(),
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::DropletState = payload(bytes)?;
        let node_of = s
            .node_of
            .map(|n| {
                Ok::<_, DecodeError>(NodeOf {
                    cluster_id: uuid(&n.cluster_id, "node_of.cluster_id")?,
                    node_pool_id: uuid(&n.node_pool_id, "node_of.node_pool_id")?,
                })
            })
            .transpose()?;
        let ipv4 = optional_enum(&s.ipv4, |raw| raw.parse().ok(), "ipv4")?;
        Ok(Self {
            id: uuid(&s.id, "id")?,
            owner: s.owner,
            name: state_name(&s.name, "name")?,
            region: s.region,
            size_slug: s.size_slug,
            image: s.image,
            vcpus: s.vcpus,
            memory_mb: s.memory_mb,
            disk_gb: s.disk_gb,
            tags: s.tags,
            node_of,
            status: optional_enum(&s.status, DropletStatus::parse, "status")?,
            draining: s.draining,
            ipv4,
            failure_reason: s.failure_reason,
            snapshots: names(s.snapshots, "snapshots")?,
            pending_operation: pending_from_wire(s.pending_operation)?,
            names_to_release: names(s.names_to_release, "names_to_release")?,
            created_at: optional_time(s.created_at.as_ref(), "created_at")?,
            provisioned_at: optional_time(s.provisioned_at.as_ref(), "provisioned_at")?,
            updated_at: optional_time(s.updated_at.as_ref(), "updated_at")?,
            delete_time: optional_time(s.delete_time.as_ref(), "delete_time")?,
            purge_time: optional_time(s.purge_time.as_ref(), "purge_time")?,
            version: s.version,
            provider: s.provider,
            holds_capacity: s.holds_capacity,
            providers_to_release: s.providers_to_release,
        })
    }
}
