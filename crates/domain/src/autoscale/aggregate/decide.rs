//! `decide` of the `AutoscalingPolicy` aggregate: which commands are allowed in which
//! state and which events they produce. Repeats that change nothing produce no events.
//! Must never read anything but the state and the command.

use super::{AutoscalingPolicy, PolicyCommand as C, PolicyEvent as E, PolicyRefused as R};
use crate::autoscale::policy::Policy;
use crate::autoscale::tick::ScaleStatus;
use crate::autoscale::validate::validate;

fn valid(policy: &Policy) -> Result<(), R> {
    let errors = validate(policy);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(R::Invalid(errors))
    }
}

pub fn decide(state: &AutoscalingPolicy, command: &C) -> Result<Vec<E>, R> {
    if let C::Create {
        id,
        owner,
        policy,
        at,
    } = command
    {
        // A deleted policy may be created again: the id is the pool's, not a generation's.
        if state.version > 0 && !state.deleted {
            return Err(R::AlreadyExists);
        }
        valid(policy)?;
        return Ok(vec![E::Created {
            id: *id,
            owner: owner.clone(),
            policy: policy.clone(),
            at: *at,
        }]);
    }
    let current = match (&state.policy, state.deleted) {
        (Some(policy), false) => policy,
        _ => return Err(R::NotFound),
    };
    match command {
        C::Create { .. } => unreachable!("handled above"),
        C::Update { policy, at } => {
            if policy.target != current.target {
                return Err(R::TargetImmutable);
            }
            valid(policy)?;
            Ok(if policy == current {
                Vec::new()
            } else {
                vec![E::Updated {
                    policy: policy.clone(),
                    at: *at,
                }]
            })
        }
        C::Delete { at } => Ok(vec![E::Deleted { at: *at }]),
        C::Enable { at } => Ok(if current.enabled {
            Vec::new()
        } else {
            vec![E::Enabled { at: *at }]
        }),
        C::Disable { at } => Ok(if current.enabled {
            vec![E::Disabled { at: *at }]
        } else {
            Vec::new()
        }),
        C::RecordEvaluation(evaluation) => {
            if !current.enabled {
                return Err(R::Disabled);
            }
            Ok(vec![E::Evaluated(evaluation.clone())])
        }
        C::StartScaling {
            operation_id,
            from,
            to,
            reason,
            at,
        } => {
            if !current.enabled {
                return Err(R::Disabled);
            }
            if state.scaling_operation == Some(*operation_id) {
                return Ok(Vec::new());
            }
            if state.scale_in_flight() {
                return Err(R::ScaleInFlight);
            }
            Ok(vec![E::ScalingStarted {
                operation_id: *operation_id,
                from: *from,
                to: *to,
                reason: *reason,
                at: *at,
            }])
        }
        C::FinishScaling {
            operation_id,
            status,
            at,
        } => finish(state, *operation_id, *status, *at),
    }
}

/// Ending the scale in flight; ending it again changes nothing. A finish may arrive after
/// the policy was disabled: the operation ran regardless.
fn finish(
    state: &AutoscalingPolicy,
    operation_id: uuid::Uuid,
    status: ScaleStatus,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<E>, R> {
    if status == ScaleStatus::InProgress {
        return Err(R::UnknownScale);
    }
    match state.scaling_operation {
        Some(id) if id == operation_id && state.scale_in_flight() => Ok(vec![E::ScalingFinished {
            operation_id,
            status,
            at,
        }]),
        Some(id) if id == operation_id => Ok(Vec::new()),
        _ => Err(R::UnknownScale),
    }
}
