//! `decide` of the `Deployments` aggregate: the transitions of api.md §12.4 and nothing
//! else. A refused transition is `DeploymentRefused::Transition` (409 FAILED_PRECONDITION);
//! a repeat that changes nothing produces no events; a runner report about a step that
//! is no longer current is refused, so a manual `:abort` always wins over the runner.
//! Must never read anything but the state and the command.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::analysis::{self, Verdict};
use super::strategy::{Action, Strategy};
use super::{
    Deployment, DeploymentCommand as C, DeploymentEvent as E, DeploymentRefused as R, Deployments,
    Kind, RECENT_REVISIONS, RollbackTarget, Spec, Started, Status,
};

pub fn decide(state: &Deployments, command: &C) -> Result<Vec<E>, R> {
    match command {
        C::Start {
            id,
            cluster_id,
            owner,
            deployment_id,
            spec,
            supersede,
            at,
        } => {
            valid(spec)?;
            let mut events = make_room(state, *deployment_id, *supersede, *at)?;
            events.push(E::Started(Box::new(Started {
                id: *id,
                cluster_id: *cluster_id,
                owner: owner.clone(),
                deployment_id: *deployment_id,
                revision: state.latest_revision() + 1,
                kind: Kind::Rollout,
                rollback_of: None,
                spec: spec.clone(),
                skip_analysis: false,
                at: *at,
            })));
            Ok(events)
        }
        C::Rollback {
            id,
            cluster_id,
            owner,
            deployment_id,
            target,
            skip_analysis,
            at,
        } => {
            let events = make_room(state, *deployment_id, false, *at)?;
            let target = rollback_target(state, *target)?;
            let recent = target.revision + RECENT_REVISIONS > state.latest_revision();
            let mut events = events;
            events.push(E::Started(Box::new(Started {
                id: *id,
                cluster_id: *cluster_id,
                owner: owner.clone(),
                deployment_id: *deployment_id,
                revision: state.latest_revision() + 1,
                kind: Kind::Rollback,
                rollback_of: Some(target.id),
                spec: target.spec.clone(),
                skip_analysis: skip_analysis.unwrap_or(recent),
                at: *at,
            })));
            Ok(events)
        }
        _ => {
            let deployment = state.get(command.deployment_id()).ok_or(R::NotFound)?;
            steer(state, deployment, command)
        }
    }
}

fn valid(spec: &Spec) -> Result<(), R> {
    if spec.image.trim().is_empty() {
        return Err(R::Invalid("image is required".into()));
    }
    if spec.replicas == 0 {
        return Err(R::Invalid("replicas must be at least 1".into()));
    }
    match spec.strategy.invalid() {
        Some(reason) => Err(R::Invalid(reason.into())),
        None => Ok(()),
    }
}

/// Refuses a new deployment beside one in progress, unless `supersede` may cancel it.
fn make_room(
    state: &Deployments,
    new_id: Uuid,
    supersede: bool,
    at: DateTime<Utc>,
) -> Result<Vec<E>, R> {
    if state.get(new_id).is_some() {
        return Err(R::AlreadyExists);
    }
    let Some(running) = state.in_progress() else {
        return Ok(Vec::new());
    };
    let cancellable = matches!(
        running.status,
        Status::Pending | Status::Progressing | Status::Paused
    );
    if !supersede || !cancellable {
        return Err(R::InProgress(running.id));
    }
    Ok(vec![E::Cancelled {
        deployment_id: running.id,
        message: format!("superseded by deployment {new_id}"),
        at,
    }])
}

/// The deployment whose revision a rollback restores: one that was active once, not
/// the active one.
fn rollback_target(state: &Deployments, target: RollbackTarget) -> Result<&Deployment, R> {
    let was_active = |d: &&Deployment| matches!(d.status, Status::Succeeded | Status::Superseded);
    let found = match target {
        RollbackTarget::Previous => state
            .deployments
            .iter()
            .filter(|d| d.status == Status::Superseded)
            .max_by_key(|d| d.revision),
        RollbackTarget::Revision(n) => state.deployments.iter().find(|d| d.revision == n),
        RollbackTarget::Deployment(id) => state.get(id),
    };
    let found = found.ok_or_else(|| R::Precondition("no such revision to roll back to".into()))?;
    if found.status == Status::Succeeded {
        return Err(R::Precondition(format!(
            "revision {} is already active",
            found.revision
        )));
    }
    if !was_active(&found) {
        return Err(R::Precondition(format!(
            "revision {} never became active; only revisions that did can be restored",
            found.revision
        )));
    }
    Ok(found)
}

fn refuse(d: &Deployment, action: &'static str) -> R {
    R::Transition {
        status: d.status.as_str(),
        action,
    }
}

/// Every command about an existing deployment.
fn steer(state: &Deployments, d: &Deployment, command: &C) -> Result<Vec<E>, R> {
    let id = d.id;
    use Status as S;
    match command {
        C::Start { .. } | C::Rollback { .. } => unreachable!("handled by decide"),
        C::Begin { at, .. } => {
            if d.status != S::Pending {
                return Err(refuse(d, "begin"));
            }
            let first = state.active().is_none();
            if first || d.skip_analysis {
                let message = if first {
                    "first deployment of the cluster: steps skipped"
                } else {
                    "rollback to a recent revision: analysis skipped"
                };
                return Ok(vec![E::PromotionStarted {
                    deployment_id: id,
                    message: message.into(),
                    at: *at,
                }]);
            }
            Ok(vec![E::StepStarted {
                deployment_id: id,
                index: 0,
                at: *at,
            }])
        }
        C::CompleteStep {
            index, message, at, ..
        } => complete_step(d, *index, message, *at),
        C::RecordAnalysis {
            index,
            measured,
            at,
            ..
        } => record_analysis(d, *index, measured, *at),
        C::Expire { at, .. } => {
            if !matches!(d.status, S::Progressing | S::Promoting) {
                return Err(refuse(d, "expire"));
            }
            if *at < d.deadline() {
                return Err(R::Precondition(
                    "the progress deadline has not passed".into(),
                ));
            }
            Ok(vec![E::RollbackStarted {
                deployment_id: id,
                message: format!(
                    "progress deadline of {}s exceeded",
                    d.spec.progress_deadline_seconds
                ),
                at: *at,
            }])
        }
        C::FinishPromotion { at, .. } => {
            if d.status != S::Promoting {
                return Err(refuse(d, "finish promoting"));
            }
            if needs_post_analysis(d) {
                return Err(R::Precondition(
                    "the post-promotion analysis has not run".into(),
                ));
            }
            let mut events: Vec<E> = state
                .active()
                .map(|previous| E::Superseded {
                    deployment_id: previous.id,
                    by: id,
                    at: *at,
                })
                .into_iter()
                .collect();
            events.push(E::Succeeded {
                deployment_id: id,
                at: *at,
            });
            Ok(events)
        }
        C::FinishRollback { restored, at, .. } => {
            if d.status != S::RollingBack {
                return Err(refuse(d, "finish rolling back"));
            }
            Ok(vec![if *restored {
                E::RolledBack {
                    deployment_id: id,
                    at: *at,
                }
            } else {
                E::Failed {
                    deployment_id: id,
                    message: "restoring the stable revision failed".into(),
                    at: *at,
                }
            }])
        }
        C::Pause { at, .. } => match d.status {
            S::Paused => Ok(Vec::new()),
            S::Progressing => Ok(vec![E::Paused {
                deployment_id: id,
                message: "paused by user".into(),
                at: *at,
            }]),
            _ => Err(refuse(d, "pause")),
        },
        C::Resume { at, .. } => match d.status {
            S::Progressing => Ok(Vec::new()),
            S::Paused => {
                let mut events = vec![E::Resumed {
                    deployment_id: id,
                    at: *at,
                }];
                // A pause or a held analysis step is what the human released: it is done.
                if let (Some(index), Some(step)) = (d.current_step, d.current())
                    && matches!(step.planned.action, Action::Pause(_) | Action::Analysis)
                {
                    events.extend(finish_step(d, index, "resumed by user", *at));
                }
                Ok(events)
            }
            _ => Err(refuse(d, "resume")),
        },
        C::Promote { at, .. } => match d.status {
            S::Promoting => Ok(Vec::new()),
            S::Progressing | S::Paused => Ok(vec![E::PromotionStarted {
                deployment_id: id,
                message: "promoted by user: remaining steps skipped".into(),
                at: *at,
            }]),
            _ => Err(refuse(d, "promote")),
        },
        C::Abort { at, .. } => match d.status {
            S::RollingBack => Ok(Vec::new()),
            S::Progressing | S::Paused | S::Promoting => Ok(vec![E::RollbackStarted {
                deployment_id: id,
                message: "aborted by user".into(),
                at: *at,
            }]),
            _ => Err(refuse(d, "abort")),
        },
        C::Cancel { at, .. } => match d.status {
            S::Cancelled => Ok(Vec::new()),
            S::Pending | S::Progressing | S::Paused => Ok(vec![E::Cancelled {
                deployment_id: id,
                message: "cancelled by user".into(),
                at: *at,
            }]),
            _ => Err(refuse(d, "cancel")),
        },
    }
}

/// `StepFinished`, and the promotion when it was the last step.
fn finish_step(d: &Deployment, index: u32, message: &str, at: DateTime<Utc>) -> Vec<E> {
    let mut events = vec![E::StepFinished {
        deployment_id: d.id,
        index,
        message: message.into(),
        at,
    }];
    if usize::try_from(index + 1).is_ok_and(|next| next >= d.steps.len()) {
        events.push(E::PromotionStarted {
            deployment_id: d.id,
            message: "all steps done".into(),
            at,
        });
    }
    events
}

/// The runner finished a step that is neither an analysis nor a pause for a human.
fn complete_step(
    d: &Deployment,
    index: u32,
    message: &str,
    at: DateTime<Utc>,
) -> Result<Vec<E>, R> {
    let timed_pause = d.pause_ends_at();
    let movable =
        d.status == Status::Progressing || (d.status == Status::Paused && timed_pause.is_some());
    if !movable {
        return Err(refuse(d, "complete a step"));
    }
    if d.current_step != Some(index) {
        return Err(R::Precondition(format!(
            "step {index} is not the current step"
        )));
    }
    let action = d.current().map(|s| s.planned.action);
    match action {
        Some(Action::Analysis) => Err(R::Precondition(
            "an analysis step ends with its analysis run".into(),
        )),
        Some(Action::Pause(None)) => Err(R::Precondition("this pause ends with :resume".into())),
        Some(Action::Pause(Some(_))) if timed_pause.is_some_and(|end| at < end) => {
            Err(R::Precondition("the pause has not elapsed".into()))
        }
        _ => {
            let mut events = Vec::new();
            if d.status == Status::Paused {
                events.push(E::Resumed {
                    deployment_id: d.id,
                    at,
                });
            }
            events.extend(finish_step(d, index, message, at));
            Ok(events)
        }
    }
}

fn needs_post_analysis(d: &Deployment) -> bool {
    let wanted = matches!(
        d.spec.strategy,
        Strategy::BlueGreen {
            post_promotion_analysis: true,
            ..
        }
    );
    wanted && !d.skip_analysis && !d.analysis_runs.iter().any(|r| r.step.is_none())
}

fn record_analysis(
    d: &Deployment,
    index: Option<u32>,
    measured: &[Vec<f64>],
    at: DateTime<Utc>,
) -> Result<Vec<E>, R> {
    match index {
        Some(i) => {
            if d.status != Status::Progressing {
                return Err(refuse(d, "record an analysis"));
            }
            if d.current_step != Some(i)
                || d.current().map(|s| s.planned.action) != Some(Action::Analysis)
            {
                return Err(R::Precondition(format!(
                    "step {i} is not a running analysis step"
                )));
            }
        }
        None => {
            if d.status != Status::Promoting || !needs_post_analysis(d) {
                return Err(R::Precondition("no post-promotion analysis is due".into()));
            }
        }
    }
    let spec = d
        .spec
        .analysis
        .clone()
        .unwrap_or_else(analysis::default_analysis);
    let run = analysis::judge(&spec, measured, index, at);
    let verdict = run.result;
    let mut events = vec![E::AnalysisRecorded {
        deployment_id: d.id,
        run,
    }];
    let rollback = |message: &str| E::RollbackStarted {
        deployment_id: d.id,
        message: message.into(),
        at,
    };
    let pause = |message: &str| E::Paused {
        deployment_id: d.id,
        message: message.into(),
        at,
    };
    match (index, verdict) {
        (_, Verdict::Failed) if d.spec.auto_rollback => events.push(rollback("analysis failed")),
        (Some(_), Verdict::Failed) => events.push(pause("analysis failed; auto_rollback is off")),
        (Some(_), Verdict::Inconclusive) => events.push(pause("analysis inconclusive")),
        (Some(i), Verdict::Successful) => {
            events.extend(finish_step(d, i, "analysis successful", at))
        }
        // After promotion there is no step to hold: only a failure changes course.
        (None, _) => {}
    }
    Ok(events)
}
