//! `evolve` of the `Deployments` aggregate: folds one event into the deployment it names
//! (steps, status, canary weight, analysis runs, timestamps). Total: an event about an
//! unknown deployment changes only the versions; must never fail or look at anything but
//! the state and the event.

use chrono::{DateTime, Utc};

use super::strategy::{Action, plan};
use super::{Deployment, DeploymentEvent as E, Deployments, Status, Step, StepStatus};

pub fn evolve(mut state: Deployments, event: &E) -> Deployments {
    let at = event.at();
    if let E::Started(started) = event {
        if state.version == 0 {
            state.id = started.id;
            state.cluster_id = started.cluster_id;
            state.owner.clone_from(&started.owner);
            state.created_at = Some(at);
        }
        let steps = plan(
            &started.spec.strategy,
            started.spec.replicas,
            started.spec.analysis.is_some(),
        )
        .into_iter()
        .map(|planned| Step {
            planned,
            status: StepStatus::Pending,
            message: String::new(),
            started_at: None,
            finished_at: None,
        })
        .collect();
        state.deployments.push(Deployment {
            id: started.deployment_id,
            revision: started.revision,
            kind: started.kind,
            rollback_of: started.rollback_of,
            spec: started.spec.clone(),
            skip_analysis: started.skip_analysis,
            status: Status::Pending,
            current_step: None,
            canary_weight: 0,
            message: "waiting to start".into(),
            steps,
            analysis_runs: Vec::new(),
            progressed_at: at,
            created_at: at,
            updated_at: at,
            finished_at: None,
            version: 0,
        });
    }
    let id = event.deployment_id();
    if let Some(d) = state.deployments.iter_mut().find(|d| d.id == id) {
        apply(d, event, at);
        d.updated_at = at;
        d.version += 1;
    }
    state.updated_at = Some(at);
    state.version += 1;
    state
}

fn apply(d: &mut Deployment, event: &E, at: DateTime<Utc>) {
    match event {
        E::Started(_) => {}
        E::StepStarted { index, .. } => start_step(d, *index, at),
        E::StepFinished { index, message, .. } => {
            if let Some(step) = step_mut(d, *index) {
                step.status = StepStatus::Succeeded;
                step.message.clone_from(message);
                step.finished_at = Some(at);
                d.canary_weight = weight_after(step.planned.action, d.canary_weight);
            }
            d.progressed_at = at;
            if usize::try_from(index + 1).is_ok_and(|next| next < d.steps.len()) {
                start_step(d, index + 1, at);
            } else {
                d.current_step = None;
            }
        }
        E::AnalysisRecorded { run, .. } => {
            let verdict = run.result;
            if let Some(step) = run.step.and_then(|i| step_mut(d, i)) {
                step.message = format!("analysis {}", verdict.as_str());
                if verdict == super::analysis::Verdict::Failed {
                    step.status = StepStatus::Failed;
                    step.finished_at = Some(at);
                }
            }
            d.analysis_runs.push(run.clone());
            d.progressed_at = at;
        }
        E::Paused { message, .. } => {
            d.status = Status::Paused;
            d.message.clone_from(message);
        }
        E::Resumed { .. } => {
            d.status = Status::Progressing;
            d.message = "resumed".into();
            d.progressed_at = at;
        }
        E::PromotionStarted { message, .. } => {
            d.status = Status::Promoting;
            d.message.clone_from(message);
            d.current_step = None;
            d.progressed_at = at;
            end_open_steps(d, StepStatus::Skipped, at);
        }
        E::Succeeded { .. } => {
            d.status = Status::Succeeded;
            d.message = "active revision".into();
            d.canary_weight = 100;
            d.finished_at = Some(at);
        }
        E::Superseded { by, .. } => {
            d.status = Status::Superseded;
            d.message = format!("superseded by deployment {by}");
        }
        E::RollbackStarted { message, .. } => {
            d.status = Status::RollingBack;
            d.message.clone_from(message);
            d.current_step = None;
            end_open_steps(d, StepStatus::Failed, at);
        }
        E::RolledBack { .. } => {
            d.status = Status::RolledBack;
            d.message = format!("rolled back: {}", d.message);
            d.canary_weight = 0;
            d.finished_at = Some(at);
        }
        E::Failed { message, .. } => {
            d.status = Status::Failed;
            d.message.clone_from(message);
            d.finished_at = Some(at);
        }
        E::Cancelled { message, .. } => {
            d.status = Status::Cancelled;
            d.message.clone_from(message);
            d.current_step = None;
            d.canary_weight = 0;
            d.finished_at = Some(at);
            end_open_steps(d, StepStatus::Skipped, at);
        }
    }
}

fn step_mut(d: &mut Deployment, index: u32) -> Option<&mut Step> {
    d.steps.get_mut(usize::try_from(index).ok()?)
}

/// Makes step `index` current: running, and the deployment paused on a pause step.
fn start_step(d: &mut Deployment, index: u32, at: DateTime<Utc>) {
    d.current_step = Some(index);
    d.progressed_at = at;
    let Some(step) = step_mut(d, index) else {
        return;
    };
    step.status = StepStatus::Running;
    step.started_at = Some(at);
    let name = step.planned.name.clone();
    let paused = matches!(step.planned.action, Action::Pause(_));
    d.status = if paused {
        Status::Paused
    } else {
        Status::Progressing
    };
    d.message = if paused {
        format!("{name}: waiting")
    } else {
        name
    };
}

/// The running step ends as `running_to` (aborted or skipped); pending steps are skipped.
fn end_open_steps(d: &mut Deployment, running_to: StepStatus, at: DateTime<Utc>) {
    for step in &mut d.steps {
        match step.status {
            StepStatus::Running => {
                step.status = running_to;
                step.finished_at = Some(at);
            }
            StepStatus::Pending => step.status = StepStatus::Skipped,
            _ => {}
        }
    }
}

/// The share of traffic on the new revision after a step.
fn weight_after(action: Action, current: u8) -> u8 {
    match action {
        Action::Weight(w) => w,
        Action::Switch | Action::GradualRollout | Action::Finish => 100,
        Action::Batch { index, of } => {
            u8::try_from(u64::from(index) * 100 / u64::from(of.max(1))).unwrap_or(100)
        }
        Action::Provision | Action::Pause(_) | Action::Analysis => current,
    }
}
