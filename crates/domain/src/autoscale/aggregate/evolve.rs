//! `evolve` of the `AutoscalingPolicy` aggregate: folds one event into the state, keeping
//! the recommendation log within the longest stabilization window and the scaling history
//! short. Total: must never fail or look at anything but the state and the event.

use chrono::{DateTime, Duration, Utc};

use super::{AutoscalingPolicy, KEPT_SCALE_EVENTS, PolicyEvent as E};
use crate::autoscale::tick::{Recommendation, ScaleEvent, ScaleStatus};

pub fn evolve(mut state: AutoscalingPolicy, event: &E) -> AutoscalingPolicy {
    match event {
        E::Created {
            id,
            owner,
            policy,
            at,
        } => {
            // A create after a delete starts afresh; only the version carries on.
            state = AutoscalingPolicy {
                version: state.version,
                ..AutoscalingPolicy::default()
            };
            state.id = *id;
            state.owner.clone_from(owner);
            state.policy = Some(policy.clone());
            state.created_at = Some(*at);
        }
        E::Updated { policy, .. } => state.policy = Some(policy.clone()),
        E::Deleted { .. } => state.deleted = true,
        E::Enabled { .. } | E::Disabled { .. } => {
            if let Some(policy) = state.policy.as_mut() {
                policy.enabled = matches!(event, E::Enabled { .. });
            }
        }
        E::Evaluated(evaluation) => {
            state.status.current_nodes = evaluation.current_nodes;
            state.status.desired_nodes = evaluation.desired_nodes;
            state.status.last_evaluated_at = Some(evaluation.at);
            state.status.conditions = evaluation.conditions.to_vec();
            state.recommendations.push(Recommendation {
                at: evaluation.at,
                count: evaluation.recommendation,
            });
            prune_recommendations(&mut state, evaluation.at);
        }
        E::ScalingStarted {
            operation_id,
            from,
            to,
            at,
            ..
        } => {
            state.scaling_operation = Some(*operation_id);
            state.status.desired_nodes = *to;
            state.scale_events.push(ScaleEvent {
                from: *from,
                to: *to,
                started_at: *at,
                finished_at: None,
                status: ScaleStatus::InProgress,
            });
            let excess = state.scale_events.len().saturating_sub(KEPT_SCALE_EVENTS);
            state.scale_events.drain(..excess);
        }
        E::ScalingFinished { status, at, .. } => {
            if let Some(last) = state.scale_events.last_mut() {
                last.status = *status;
                last.finished_at = Some(*at);
            }
            state.status.last_scale_at = Some(*at);
        }
    }
    state.updated_at = Some(event_at(event));
    state.version += 1;
    state
}

/// Drops recommendations older than the longest stabilization window: no tick reads them.
fn prune_recommendations(state: &mut AutoscalingPolicy, now: DateTime<Utc>) {
    let Some(policy) = state.policy.as_ref() else {
        return;
    };
    let behavior = &policy.behavior;
    let longest = behavior
        .scale_up
        .stabilization_window_seconds
        .max(behavior.scale_down.stabilization_window_seconds);
    let since = now - Duration::seconds(i64::from(longest));
    state.recommendations.retain(|r| r.at > since);
}

fn event_at(event: &E) -> DateTime<Utc> {
    match event {
        E::Created { at, .. }
        | E::Updated { at, .. }
        | E::Deleted { at }
        | E::Enabled { at }
        | E::Disabled { at }
        | E::ScalingStarted { at, .. }
        | E::ScalingFinished { at, .. } => *at,
        E::Evaluated(evaluation) => evaluation.at,
    }
}
