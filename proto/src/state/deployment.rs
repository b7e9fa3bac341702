//! A cluster's deployments as write-model state (state version 1): every deployment with
//! its status, step outcomes and analysis runs. The step plan is not stored: it is
//! expanded from the spec again, exactly as `evolve` does. Only the conversion.

use domain::deployment::strategy::plan;
use domain::deployment::{Deployment, Deployments, Status, Step, StepStatus};
use prost::Message;

use super::{WireState, expect_version, optional_time, time};
use crate::DecodeError;
use crate::codec::{id_text, optional_uuid, payload, uuid};
use crate::deployment::{
    kind_from, kind_text, run_from_wire, run_to_wire, spec_from_wire, spec_to_wire,
};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const STATUSES: [Status; 10] = [
    Status::Pending,
    Status::Progressing,
    Status::Paused,
    Status::Promoting,
    Status::Succeeded,
    Status::RollingBack,
    Status::RolledBack,
    Status::Failed,
    Status::Cancelled,
    Status::Superseded,
];

const STEP_STATUSES: [StepStatus; 5] = [
    StepStatus::Pending,
    StepStatus::Running,
    StepStatus::Succeeded,
    StepStatus::Failed,
    StepStatus::Skipped,
];

impl WireState for Deployments {
    const STATE_VERSION: u32 = 1;

    fn encode_state(&self) -> Vec<u8> {
        wire::DeploymentsState {
            id: self.id.to_string(),
            cluster_id: self.cluster_id.to_string(),
            owner: self.owner.clone(),
            deployments: self.deployments.iter().map(deployment_to_wire).collect(),
            version: self.version,
            created_at: time(self.created_at),
            updated_at: time(self.updated_at),
        }
        .encode_to_vec()
    }

    fn decode_state(state_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        expect_version(state_version, Self::STATE_VERSION)?;
        let s: wire::DeploymentsState = payload(bytes)?;
        Ok(Self {
            id: uuid(&s.id, "id")?,
            cluster_id: uuid(&s.cluster_id, "cluster_id")?,
            owner: s.owner,
            deployments: s
                .deployments
                .into_iter()
                .map(deployment_from_wire)
                .collect::<Result<_, _>>()?,
            version: s.version,
            created_at: optional_time(s.created_at.as_ref(), "created_at")?,
            updated_at: optional_time(s.updated_at.as_ref(), "updated_at")?,
        })
    }
}

fn deployment_to_wire(d: &Deployment) -> wire::DeploymentState {
    wire::DeploymentState {
        deployment_id: d.id.to_string(),
        revision: d.revision,
        kind: kind_text(d.kind).to_owned(),
        rollback_of: id_text(d.rollback_of),
        spec: Some(spec_to_wire(&d.spec)),
        skip_analysis: d.skip_analysis,
        status: d.status.as_str().to_owned(),
        current_step: d.current_step,
        canary_weight: u32::from(d.canary_weight),
        message: d.message.clone(),
        steps: d
            .steps
            .iter()
            .map(|s| wire::DeploymentStepState {
                status: s.status.as_str().to_owned(),
                message: s.message.clone(),
                started_at: time(s.started_at),
                finished_at: time(s.finished_at),
            })
            .collect(),
        analysis_runs: d.analysis_runs.iter().map(run_to_wire).collect(),
        progressed_at: Some(to_timestamp(d.progressed_at)),
        created_at: Some(to_timestamp(d.created_at)),
        updated_at: Some(to_timestamp(d.updated_at)),
        finished_at: time(d.finished_at),
        version: d.version,
    }
}

fn deployment_from_wire(w: wire::DeploymentState) -> Result<Deployment, DecodeError> {
    let spec = spec_from_wire(w.spec)?;
    let planned = plan(&spec.strategy, spec.replicas, spec.analysis.is_some());
    if planned.len() != w.steps.len() {
        return Err(DecodeError::Invalid("steps"));
    }
    let steps = planned
        .into_iter()
        .zip(w.steps)
        .map(|(planned, s)| {
            Ok(Step {
                planned,
                status: STEP_STATUSES
                    .into_iter()
                    .find(|x| x.as_str() == s.status)
                    .ok_or(DecodeError::Invalid("steps.status"))?,
                message: s.message,
                started_at: optional_time(s.started_at.as_ref(), "steps.started_at")?,
                finished_at: optional_time(s.finished_at.as_ref(), "steps.finished_at")?,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(Deployment {
        id: uuid(&w.deployment_id, "deployment_id")?,
        revision: w.revision,
        kind: kind_from(&w.kind)?,
        rollback_of: optional_uuid(&w.rollback_of, "rollback_of")?,
        spec,
        skip_analysis: w.skip_analysis,
        status: STATUSES
            .into_iter()
            .find(|x| x.as_str() == w.status)
            .ok_or(DecodeError::Invalid("status"))?,
        current_step: w.current_step,
        canary_weight: u8::try_from(w.canary_weight)
            .map_err(|_| DecodeError::Invalid("canary_weight"))?,
        message: w.message,
        steps,
        analysis_runs: w
            .analysis_runs
            .into_iter()
            .map(run_from_wire)
            .collect::<Result<_, _>>()?,
        progressed_at: from_timestamp(w.progressed_at.as_ref(), "progressed_at")?,
        created_at: from_timestamp(w.created_at.as_ref(), "created_at")?,
        updated_at: from_timestamp(w.updated_at.as_ref(), "updated_at")?,
        finished_at: optional_time(w.finished_at.as_ref(), "finished_at")?,
        version: w.version,
    })
}
