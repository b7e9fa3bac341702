//! The autoscaling policy's write-model state to and from the wire (state version 1):
//! the policy, status, the recommendation log and the recent scaling events the next
//! tick reads. Only the conversion; the policy shares its codec with the events.

use domain::autoscale::tick::{Recommendation, ScaleEvent};
use domain::autoscale::{AutoscalingPolicy, Status};
use prost::Message;

use super::{WireState, expect_version, optional_time, time};
use crate::DecodeError;
use crate::autoscaling_policy::{
    condition_from_wire, condition_to_wire, policy_from_wire, policy_to_wire, scale_status,
    scale_status_text,
};
use crate::codec::{id_text, optional_uuid, payload, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

impl WireState for AutoscalingPolicy {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        wire::AutoscalingPolicyState {
            id: self.id.to_string(),
            owner: self.owner.clone(),
            policy: self.policy.as_ref().map(policy_to_wire),
            deleted: self.deleted,
            current_nodes: self.status.current_nodes,
            desired_nodes: self.status.desired_nodes,
            last_evaluated_at: time(self.status.last_evaluated_at),
            last_scale_at: time(self.status.last_scale_at),
            conditions: self
                .status
                .conditions
                .iter()
                .map(condition_to_wire)
                .collect(),
            recommendations: self
                .recommendations
                .iter()
                .map(|r| wire::AutoscalingRecommendation {
                    at: Some(to_timestamp(r.at)),
                    count: r.count,
                })
                .collect(),
            scale_events: self
                .scale_events
                .iter()
                .map(|e| wire::AutoscalingScaleEvent {
                    from: e.from,
                    to: e.to,
                    started_at: Some(to_timestamp(e.started_at)),
                    finished_at: time(e.finished_at),
                    status: scale_status_text(e.status).to_owned(),
                })
                .collect(),
            scaling_operation: id_text(self.scaling_operation),
            version: self.version,
            created_at: time(self.created_at),
            updated_at: time(self.updated_at),
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::AutoscalingPolicyState = payload(bytes)?;
        let policy = s.policy.map(|p| policy_from_wire(Some(p))).transpose()?;
        Ok(Self {
            id: uuid(&s.id, "id")?,
            owner: s.owner,
            policy,
            deleted: s.deleted,
            status: Status {
                current_nodes: s.current_nodes,
                desired_nodes: s.desired_nodes,
                last_evaluated_at: optional_time(
                    s.last_evaluated_at.as_ref(),
                    "last_evaluated_at",
                )?,
                last_scale_at: optional_time(s.last_scale_at.as_ref(), "last_scale_at")?,
                conditions: s
                    .conditions
                    .iter()
                    .map(condition_from_wire)
                    .collect::<Result<_, _>>()?,
            },
            recommendations: s
                .recommendations
                .iter()
                .map(|r| {
                    Ok(Recommendation {
                        at: from_timestamp(r.at.as_ref(), "recommendations.at")?,
                        count: r.count,
                    })
                })
                .collect::<Result<_, DecodeError>>()?,
            scale_events: s
                .scale_events
                .iter()
                .map(|e| {
                    Ok(ScaleEvent {
                        from: e.from,
                        to: e.to,
                        started_at: from_timestamp(
                            e.started_at.as_ref(),
                            "scale_events.started_at",
                        )?,
                        finished_at: optional_time(
                            e.finished_at.as_ref(),
                            "scale_events.finished_at",
                        )?,
                        status: scale_status(&e.status)?,
                    })
                })
                .collect::<Result<_, DecodeError>>()?,
            scaling_operation: optional_uuid(&s.scaling_operation, "scaling_operation")?,
            version: s.version,
            created_at: optional_time(s.created_at.as_ref(), "created_at")?,
            updated_at: optional_time(s.updated_at.as_ref(), "updated_at")?,
        })
    }
}
