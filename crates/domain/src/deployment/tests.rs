//! Given / when / then tests of the `Deployments` aggregate: every row of api.md §12.4's
//! table, the refused transitions included, the strategies' plans and bounds, analysis
//! verdicts, revisions and rollback, and the fold.

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::analysis::{Analysis, Comparison, Condition, Metric, MetricName, Verdict, judge};
use super::strategy::{Bound, Canary, CanaryStep, Strategy, plan};
use super::*;
use crate::testing::{Scenario, assert_fold_is_incremental};

const CLUSTER: Uuid = Uuid::from_u128(1);
const LEDGER: Uuid = Uuid::from_u128(2);

fn at(second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
        .single()
        .expect("valid time")
        + Duration::seconds(second)
}

fn dep(n: u128) -> Uuid {
    Uuid::from_u128(100 + n)
}

fn canary_steps(steps: Vec<CanaryStep>) -> Strategy {
    Strategy::Canary(Canary::Steps(steps))
}

fn spec(strategy: Strategy) -> Spec {
    Spec {
        image: "web:2".into(),
        config_hash: "c0ffee".into(),
        replicas: 3,
        strategy,
        analysis: None,
        auto_rollback: true,
        progress_deadline_seconds: DEFAULT_PROGRESS_DEADLINE_SECONDS,
    }
}

fn canary() -> Spec {
    // create canary, route 20%, monitor, pause, gradual rollout, finish
    spec(canary_steps(vec![
        CanaryStep::SetWeight(20),
        CanaryStep::Analysis,
        CanaryStep::Pause(None),
    ]))
}

fn start(n: u128, spec: Spec, supersede: bool) -> DeploymentCommand {
    DeploymentCommand::Start {
        id: LEDGER,
        cluster_id: CLUSTER,
        owner: "alice".into(),
        deployment_id: dep(n),
        spec,
        supersede,
        at: at(0),
    }
}

fn started(n: u128, revision: u32, spec: Spec) -> DeploymentEvent {
    DeploymentEvent::Started(Box::new(Started {
        id: LEDGER,
        cluster_id: CLUSTER,
        owner: "alice".into(),
        deployment_id: dep(n),
        revision,
        kind: Kind::Rollout,
        rollback_of: None,
        spec,
        skip_analysis: false,
        at: at(0),
    }))
}

/// Deployment 1 is the active revision (first deployments go straight to promoting).
fn active_first() -> Vec<DeploymentEvent> {
    vec![
        started(1, 1, canary()),
        DeploymentEvent::PromotionStarted {
            deployment_id: dep(1),
            message: "first".into(),
            at: at(1),
        },
        DeploymentEvent::Succeeded {
            deployment_id: dep(1),
            at: at(2),
        },
    ]
}

/// Deployment 2 (the canary) progressing at step `index` after deployment 1 succeeded.
fn progressing_at(index: u32) -> Vec<DeploymentEvent> {
    let mut history = active_first();
    history.push(started(2, 2, canary()));
    history.push(DeploymentEvent::StepStarted {
        deployment_id: dep(2),
        index: 0,
        at: at(10),
    });
    for i in 0..index {
        history.push(DeploymentEvent::StepFinished {
            deployment_id: dep(2),
            index: i,
            message: "done".into(),
            at: at(11 + i64::from(i)),
        });
    }
    history
}

fn paused_on_pause_step() -> Vec<DeploymentEvent> {
    // steps: 0 create, 1 route 20%, 2 monitor, 3 pause
    progressing_at(3)
}

fn given(history: Vec<DeploymentEvent>) -> Scenario<Deployments> {
    Scenario::given(history)
}

fn status_of(state: &Deployments, n: u128) -> Status {
    state.get(dep(n)).expect("deployment exists").status
}

fn with_status(mut history: Vec<DeploymentEvent>, event: DeploymentEvent) -> Vec<DeploymentEvent> {
    history.push(event);
    history
}

fn rolling_back() -> Vec<DeploymentEvent> {
    with_status(
        progressing_at(1),
        DeploymentEvent::RollbackStarted {
            deployment_id: dep(2),
            message: "aborted by user".into(),
            at: at(20),
        },
    )
}

fn promoting() -> Vec<DeploymentEvent> {
    with_status(
        progressing_at(1),
        DeploymentEvent::PromotionStarted {
            deployment_id: dep(2),
            message: "promoted".into(),
            at: at(20),
        },
    )
}

fn pending_second() -> Vec<DeploymentEvent> {
    with_status(active_first(), started(2, 2, canary()))
}

fn cmd(
    make: fn(Uuid, DateTime<Utc>) -> DeploymentCommand,
    n: u128,
    second: i64,
) -> DeploymentCommand {
    make(dep(n), at(second))
}

fn pause(deployment_id: Uuid, at: DateTime<Utc>) -> DeploymentCommand {
    DeploymentCommand::Pause { deployment_id, at }
}
fn resume(deployment_id: Uuid, at: DateTime<Utc>) -> DeploymentCommand {
    DeploymentCommand::Resume { deployment_id, at }
}
fn promote(deployment_id: Uuid, at: DateTime<Utc>) -> DeploymentCommand {
    DeploymentCommand::Promote { deployment_id, at }
}
fn abort(deployment_id: Uuid, at: DateTime<Utc>) -> DeploymentCommand {
    DeploymentCommand::Abort { deployment_id, at }
}
fn cancel(deployment_id: Uuid, at: DateTime<Utc>) -> DeploymentCommand {
    DeploymentCommand::Cancel { deployment_id, at }
}
fn begin(deployment_id: Uuid, at: DateTime<Utc>) -> DeploymentCommand {
    DeploymentCommand::Begin { deployment_id, at }
}

fn refused(status: Status, action: &'static str) -> DeploymentRefused {
    DeploymentRefused::Transition {
        status: status.as_str(),
        action,
    }
}

fn measured(success_rate: f64, latency: f64) -> Vec<Vec<f64>> {
    vec![vec![success_rate; 4], vec![latency; 4]]
}

fn record(index: Option<u32>, values: Vec<Vec<f64>>) -> DeploymentCommand {
    DeploymentCommand::RecordAnalysis {
        deployment_id: dep(2),
        index,
        measured: values,
        at: at(30),
    }
}

// — row 1: StartDeployment → pending, unless another is in progress —

#[test]
fn a_start_on_a_quiet_cluster_is_pending_with_the_next_revision() {
    let state = given(active_first())
        .when(start(2, canary(), false))
        .then(vec![started(2, 2, canary())]);
    assert_eq!(status_of(&state, 2), Status::Pending);
    assert_eq!(state.latest_revision(), 2);
}

#[test]
fn a_start_beside_one_in_progress_is_refused_as_deployment_in_progress() {
    for history in [
        pending_second(),
        progressing_at(1),
        paused_on_pause_step(),
        promoting(),
        rolling_back(),
    ] {
        given(history)
            .when(start(3, canary(), false))
            .then_error(DeploymentRefused::InProgress(dep(2)));
    }
    let rejection = DeploymentRefused::InProgress(dep(2)).rejection();
    assert_eq!(rejection.kind, RejectionKind::DeploymentInProgress);
}

#[test]
fn supersede_cancels_the_one_in_progress_first() {
    let events = given(progressing_at(1))
        .when(start(3, canary(), true))
        .events();
    assert!(
        matches!(&events[0], DeploymentEvent::Cancelled { deployment_id, .. } if *deployment_id == dep(2))
    );
    let state = given(progressing_at(1))
        .when(start(3, canary(), true))
        .then(events);
    assert_eq!(status_of(&state, 2), Status::Cancelled);
    assert_eq!(status_of(&state, 3), Status::Pending);
    assert_eq!(state.get(dep(3)).map(|d| d.revision), Some(3));
}

#[test]
fn supersede_cannot_cancel_a_promotion_or_a_rollback() {
    for history in [promoting(), rolling_back()] {
        given(history)
            .when(start(3, canary(), true))
            .then_error(DeploymentRefused::InProgress(dep(2)));
    }
}

#[test]
fn invalid_specs_are_refused() {
    let mut no_image = canary();
    no_image.image = " ".into();
    let both_zero = spec(Strategy::Rolling {
        max_surge: Bound::Percent(0),
        max_unavailable: Bound::Count(0),
    });
    let weights = spec(Strategy::Canary(Canary::Weights {
        step_weight: 60,
        max_weight: 50,
    }));
    for bad in [no_image, both_zero, weights] {
        let error = given(vec![]).when(start(1, bad, false)).error();
        assert!(matches!(error, DeploymentRefused::Invalid(_)), "{error:?}");
    }
}

// — rows 2–3: pending → promoting (first) or progressing step 0 —

#[test]
fn the_first_deployment_of_a_cluster_goes_straight_to_promoting() {
    let state = given(vec![started(1, 1, canary())])
        .when(cmd(begin, 1, 1))
        .then(vec![DeploymentEvent::PromotionStarted {
            deployment_id: dep(1),
            message: "first deployment of the cluster: steps skipped".into(),
            at: at(1),
        }]);
    let d = state.get(dep(1)).expect("exists");
    assert_eq!(d.status, Status::Promoting);
    assert!(d.steps.iter().all(|s| s.status == StepStatus::Skipped));
}

#[test]
fn a_later_deployment_begins_at_step_zero() {
    let state =
        given(pending_second())
            .when(cmd(begin, 2, 10))
            .then(vec![DeploymentEvent::StepStarted {
                deployment_id: dep(2),
                index: 0,
                at: at(10),
            }]);
    let d = state.get(dep(2)).expect("exists");
    assert_eq!((d.status, d.current_step), (Status::Progressing, Some(0)));
    assert_eq!(d.steps[0].status, StepStatus::Running);
}

#[test]
fn begin_is_refused_once_begun() {
    given(progressing_at(0))
        .when(cmd(begin, 2, 11))
        .then_error(refused(Status::Progressing, "begin"));
}

// — row 4: a weight or batch step completes → next step —

#[test]
fn a_weight_step_completes_into_the_next_step_and_moves_the_weight() {
    let state = given(progressing_at(1))
        .when(DeploymentCommand::CompleteStep {
            deployment_id: dep(2),
            index: 1,
            message: "20% of traffic on web:2".into(),
            at: at(20),
        })
        .then(vec![DeploymentEvent::StepFinished {
            deployment_id: dep(2),
            index: 1,
            message: "20% of traffic on web:2".into(),
            at: at(20),
        }]);
    let d = state.get(dep(2)).expect("exists");
    assert_eq!(
        (d.status, d.current_step, d.canary_weight),
        (Status::Progressing, Some(2), 20)
    );
}

#[test]
fn a_stale_step_report_is_refused() {
    let error = given(progressing_at(2))
        .when(DeploymentCommand::CompleteStep {
            deployment_id: dep(2),
            index: 1,
            message: String::new(),
            at: at(20),
        })
        .error();
    assert!(matches!(error, DeploymentRefused::Precondition(_)));
}

#[test]
fn an_analysis_step_does_not_complete_without_its_run() {
    let error = given(progressing_at(2))
        .when(DeploymentCommand::CompleteStep {
            deployment_id: dep(2),
            index: 2,
            message: String::new(),
            at: at(20),
        })
        .error();
    assert!(matches!(error, DeploymentRefused::Precondition(_)));
}

// — row 5: pause{} step or Inconclusive → paused —

#[test]
fn reaching_a_pause_step_without_duration_pauses() {
    let state = given(progressing_at(2))
        .when(record(Some(2), measured(0.99, 120.0)))
        .events();
    let d = given(progressing_at(2))
        .when(record(Some(2), measured(0.99, 120.0)))
        .then(state);
    let d = d.get(dep(2)).expect("exists");
    assert_eq!((d.status, d.current_step), (Status::Paused, Some(3)));
    assert_eq!(d.analysis_runs[0].result, Verdict::Successful);
}

#[test]
fn an_inconclusive_analysis_pauses() {
    let mut with_failure_condition = canary();
    let mut metric = Metric::new(
        MetricName::SuccessRate,
        Condition::parse("result >= 0.95").expect("parses"),
    );
    metric.failure_condition = Condition::parse("result < 0.5");
    with_failure_condition.analysis = Some(Analysis {
        metrics: vec![metric],
    });
    let mut history = active_first();
    history.push(started(2, 2, with_failure_condition));
    history.push(DeploymentEvent::StepStarted {
        deployment_id: dep(2),
        index: 0,
        at: at(10),
    });
    for i in 0..2 {
        history.push(DeploymentEvent::StepFinished {
            deployment_id: dep(2),
            index: i,
            message: String::new(),
            at: at(11),
        });
    }
    let events = given(history.clone())
        .when(record(Some(2), vec![vec![0.8; 4]]))
        .events();
    assert!(
        matches!(events.last(), Some(DeploymentEvent::Paused { message, .. }) if message == "analysis inconclusive")
    );
    let state = given(history)
        .when(record(Some(2), vec![vec![0.8; 4]]))
        .then(events);
    assert_eq!(status_of(&state, 2), Status::Paused);
}

#[test]
fn pause_by_hand_pauses_and_repeats_change_nothing() {
    let state =
        given(progressing_at(1))
            .when(cmd(pause, 2, 20))
            .then(vec![DeploymentEvent::Paused {
                deployment_id: dep(2),
                message: "paused by user".into(),
                at: at(20),
            }]);
    assert_eq!(status_of(&state, 2), Status::Paused);
    given(paused_on_pause_step())
        .when(cmd(pause, 2, 21))
        .then(vec![]);
}

#[test]
fn pause_is_refused_outside_progressing() {
    given(pending_second())
        .when(cmd(pause, 2, 20))
        .then_error(refused(Status::Pending, "pause"));
    given(promoting())
        .when(cmd(pause, 2, 21))
        .then_error(refused(Status::Promoting, "pause"));
    given(active_first())
        .when(cmd(pause, 1, 21))
        .then_error(refused(Status::Succeeded, "pause"));
}

// — row 6: paused → progressing on :resume or elapsed pause —

#[test]
fn resume_releases_the_pause_step() {
    let events = given(paused_on_pause_step())
        .when(cmd(resume, 2, 40))
        .events();
    assert!(matches!(events[0], DeploymentEvent::Resumed { .. }));
    assert!(matches!(
        events[1],
        DeploymentEvent::StepFinished { index: 3, .. }
    ));
    let state = given(paused_on_pause_step())
        .when(cmd(resume, 2, 40))
        .then(events);
    let d = state.get(dep(2)).expect("exists");
    assert_eq!((d.status, d.current_step), (Status::Progressing, Some(4)));
}

#[test]
fn a_timed_pause_elapses_by_itself_and_not_before() {
    let timed = spec(canary_steps(vec![
        CanaryStep::Pause(Some(30)),
        CanaryStep::SetWeight(50),
    ]));
    let mut history = active_first();
    history.push(started(2, 2, timed));
    history.push(DeploymentEvent::StepStarted {
        deployment_id: dep(2),
        index: 0,
        at: at(10),
    });
    history.push(DeploymentEvent::StepFinished {
        deployment_id: dep(2),
        index: 0,
        message: String::new(),
        at: at(10),
    });
    let state = given(history.clone()).when(cmd(pause, 2, 10)).then(vec![]);
    assert_eq!(status_of(&state, 2), Status::Paused);
    let complete = |second| DeploymentCommand::CompleteStep {
        deployment_id: dep(2),
        index: 1,
        message: "pause elapsed".into(),
        at: at(second),
    };
    assert!(matches!(
        given(history.clone()).when(complete(39)).error(),
        DeploymentRefused::Precondition(_)
    ));
    let events = given(history.clone()).when(complete(40)).events();
    let state = given(history).when(complete(40)).then(events);
    assert_eq!(status_of(&state, 2), Status::Progressing);
}

#[test]
fn resume_is_a_no_op_when_progressing_and_refused_when_finished() {
    given(progressing_at(1))
        .when(cmd(resume, 2, 20))
        .then(vec![]);
    given(active_first())
        .when(cmd(resume, 1, 20))
        .then_error(refused(Status::Succeeded, "resume"));
}

// — row 7: :promote or last step done → promoting → succeeded; previous → superseded —

#[test]
fn promote_skips_the_remaining_steps() {
    for history in [progressing_at(1), paused_on_pause_step()] {
        let state = given(history).when(cmd(promote, 2, 30)).then(vec![
            DeploymentEvent::PromotionStarted {
                deployment_id: dep(2),
                message: "promoted by user: remaining steps skipped".into(),
                at: at(30),
            },
        ]);
        let d = state.get(dep(2)).expect("exists");
        assert_eq!(d.status, Status::Promoting);
        assert_eq!(d.steps.last().map(|s| s.status), Some(StepStatus::Skipped));
    }
}

#[test]
fn promote_is_refused_when_pending_or_finished() {
    given(pending_second())
        .when(cmd(promote, 2, 30))
        .then_error(refused(Status::Pending, "promote"));
    given(rolling_back())
        .when(cmd(promote, 2, 30))
        .then_error(refused(Status::RollingBack, "promote"));
    given(promoting()).when(cmd(promote, 2, 30)).then(vec![]);
}

#[test]
fn the_last_step_done_starts_the_promotion() {
    // steps: 0 create, 1 route 20%, 2 monitor, 3 pause, 4 gradual rollout, 5 finish
    let events = given(progressing_at(5))
        .when(DeploymentCommand::CompleteStep {
            deployment_id: dep(2),
            index: 5,
            message: "done".into(),
            at: at(50),
        })
        .events();
    assert!(matches!(
        events.last(),
        Some(DeploymentEvent::PromotionStarted { .. })
    ));
}

#[test]
fn a_finished_promotion_supersedes_the_previous_active_revision() {
    let state = given(promoting())
        .when(DeploymentCommand::FinishPromotion {
            deployment_id: dep(2),
            at: at(60),
        })
        .then(vec![
            DeploymentEvent::Superseded {
                deployment_id: dep(1),
                by: dep(2),
                at: at(60),
            },
            DeploymentEvent::Succeeded {
                deployment_id: dep(2),
                at: at(60),
            },
        ]);
    assert_eq!(status_of(&state, 1), Status::Superseded);
    assert_eq!(status_of(&state, 2), Status::Succeeded);
    assert_eq!(state.active().map(|d| d.id), Some(dep(2)));
    assert_eq!(state.get(dep(2)).map(|d| d.canary_weight), Some(100));
}

#[test]
fn finishing_a_promotion_is_refused_unless_promoting() {
    given(progressing_at(1))
        .when(DeploymentCommand::FinishPromotion {
            deployment_id: dep(2),
            at: at(60),
        })
        .then_error(refused(Status::Progressing, "finish promoting"));
}

// — row 8: Failed analysis, deadline or :abort → rolling_back → rolled_back —

#[test]
fn a_failed_analysis_rolls_back_when_auto_rollback() {
    let events = given(progressing_at(2))
        .when(record(Some(2), measured(0.5, 900.0)))
        .events();
    assert!(
        matches!(&events[0], DeploymentEvent::AnalysisRecorded { run, .. } if run.result == Verdict::Failed)
    );
    assert!(
        matches!(&events[1], DeploymentEvent::RollbackStarted { message, .. } if message == "analysis failed")
    );
    let state = given(progressing_at(2))
        .when(record(Some(2), measured(0.5, 900.0)))
        .then(events);
    let d = state.get(dep(2)).expect("exists");
    assert_eq!(d.status, Status::RollingBack);
    assert_eq!(d.steps[2].status, StepStatus::Failed);
}

#[test]
fn a_failed_analysis_pauses_without_auto_rollback() {
    let mut manual = canary();
    manual.auto_rollback = false;
    let mut history = active_first();
    history.push(started(2, 2, manual));
    history.push(DeploymentEvent::StepStarted {
        deployment_id: dep(2),
        index: 0,
        at: at(10),
    });
    for i in 0..2 {
        history.push(DeploymentEvent::StepFinished {
            deployment_id: dep(2),
            index: i,
            message: String::new(),
            at: at(11),
        });
    }
    let events = given(history)
        .when(record(Some(2), measured(0.5, 900.0)))
        .events();
    assert!(matches!(
        events.last(),
        Some(DeploymentEvent::Paused { .. })
    ));
}

#[test]
fn failures_within_the_limit_still_pass() {
    let analysis = super::analysis::default_analysis();
    let run = judge(
        &analysis,
        &[vec![0.5, 0.99, 0.99, 0.99], vec![100.0; 4]],
        Some(2),
        at(0),
    );
    assert_eq!(run.result, Verdict::Successful);
    let run = judge(&analysis, &[vec![0.5; 4], vec![100.0; 4]], Some(2), at(0));
    assert_eq!(run.result, Verdict::Failed);
    assert!(!run.metrics[0].passed && run.metrics[1].passed);
    assert_eq!(run.metrics[0].success_condition, "result >= 0.95");
}

#[test]
fn the_progress_deadline_rolls_back_once_passed() {
    let deadline = 11 + 600;
    let expire = |second| DeploymentCommand::Expire {
        deployment_id: dep(2),
        at: at(second),
    };
    assert!(matches!(
        given(progressing_at(1)).when(expire(deadline - 1)).error(),
        DeploymentRefused::Precondition(_)
    ));
    let state = given(progressing_at(1)).when(expire(deadline)).events();
    assert!(
        matches!(&state[0], DeploymentEvent::RollbackStarted { message, .. } if message.contains("600s"))
    );
    given(paused_on_pause_step())
        .when(expire(10_000))
        .then_error(refused(Status::Paused, "expire"));
}

#[test]
fn abort_rolls_back_from_progressing_paused_and_promoting() {
    for history in [progressing_at(1), paused_on_pause_step(), promoting()] {
        let state =
            given(history)
                .when(cmd(abort, 2, 30))
                .then(vec![DeploymentEvent::RollbackStarted {
                    deployment_id: dep(2),
                    message: "aborted by user".into(),
                    at: at(30),
                }]);
        assert_eq!(status_of(&state, 2), Status::RollingBack);
    }
}

#[test]
fn abort_is_refused_when_pending_or_finished_and_repeats_are_harmless() {
    given(pending_second())
        .when(cmd(abort, 2, 30))
        .then_error(refused(Status::Pending, "abort"));
    given(active_first())
        .when(cmd(abort, 1, 30))
        .then_error(refused(Status::Succeeded, "abort"));
    given(rolling_back()).when(cmd(abort, 2, 31)).then(vec![]);
}

#[test]
fn after_an_abort_the_runner_cannot_continue() {
    let complete = DeploymentCommand::CompleteStep {
        deployment_id: dep(2),
        index: 1,
        message: String::new(),
        at: at(31),
    };
    given(rolling_back())
        .when(complete)
        .then_error(refused(Status::RollingBack, "complete a step"));
    given(rolling_back())
        .when(record(Some(2), measured(0.99, 10.0)))
        .then_error(refused(Status::RollingBack, "record an analysis"));
}

#[test]
fn a_finished_rollback_is_rolled_back_with_no_canary_traffic() {
    let state = given(rolling_back())
        .when(DeploymentCommand::FinishRollback {
            deployment_id: dep(2),
            restored: true,
            at: at(40),
        })
        .then(vec![DeploymentEvent::RolledBack {
            deployment_id: dep(2),
            at: at(40),
        }]);
    let d = state.get(dep(2)).expect("exists");
    assert_eq!((d.status, d.canary_weight), (Status::RolledBack, 0));
    assert_eq!(
        state.active().map(|d| d.id),
        Some(dep(1)),
        "the stable revision stays active"
    );
}

// — row 9: rolling_back → failed when the stable revision cannot be restored —

#[test]
fn a_failed_restore_fails_the_deployment() {
    let state = given(rolling_back())
        .when(DeploymentCommand::FinishRollback {
            deployment_id: dep(2),
            restored: false,
            at: at(40),
        })
        .then(vec![DeploymentEvent::Failed {
            deployment_id: dep(2),
            message: "restoring the stable revision failed".into(),
            at: at(40),
        }]);
    assert_eq!(status_of(&state, 2), Status::Failed);
    given(progressing_at(1))
        .when(DeploymentCommand::FinishRollback {
            deployment_id: dep(2),
            restored: true,
            at: at(40),
        })
        .then_error(refused(Status::Progressing, "finish rolling back"));
}

// — row 10: pending / progressing / paused → cancelled —

#[test]
fn cancel_ends_a_deployment_that_has_not_promoted() {
    for history in [pending_second(), progressing_at(1), paused_on_pause_step()] {
        let state =
            given(history)
                .when(cmd(cancel, 2, 30))
                .then(vec![DeploymentEvent::Cancelled {
                    deployment_id: dep(2),
                    message: "cancelled by user".into(),
                    at: at(30),
                }]);
        assert_eq!(status_of(&state, 2), Status::Cancelled);
        assert_eq!(state.active().map(|d| d.id), Some(dep(1)));
    }
}

#[test]
fn cancel_is_refused_once_promoting_or_finished() {
    given(promoting())
        .when(cmd(cancel, 2, 30))
        .then_error(refused(Status::Promoting, "cancel"));
    given(rolling_back())
        .when(cmd(cancel, 2, 30))
        .then_error(refused(Status::RollingBack, "cancel"));
    given(active_first())
        .when(cmd(cancel, 1, 30))
        .then_error(refused(Status::Succeeded, "cancel"));
}

#[test]
fn commands_for_an_unknown_deployment_are_not_found() {
    given(active_first())
        .when(cmd(pause, 9, 30))
        .then_error(DeploymentRefused::NotFound);
}

// — rollback —

fn superseded_twice() -> Vec<DeploymentEvent> {
    // revisions 1, 2, 3 each succeeded in turn; 3 is active.
    let mut history = active_first();
    for (n, previous) in [(2u128, 1u128), (3, 2)] {
        history.push(started(n, u32::try_from(n).expect("small"), canary()));
        history.push(DeploymentEvent::PromotionStarted {
            deployment_id: dep(n),
            message: String::new(),
            at: at(5),
        });
        history.push(DeploymentEvent::Superseded {
            deployment_id: dep(previous),
            by: dep(n),
            at: at(6),
        });
        history.push(DeploymentEvent::Succeeded {
            deployment_id: dep(n),
            at: at(6),
        });
    }
    history
}

fn rollback(target: RollbackTarget, skip_analysis: Option<bool>) -> DeploymentCommand {
    DeploymentCommand::Rollback {
        id: LEDGER,
        cluster_id: CLUSTER,
        owner: "alice".into(),
        deployment_id: dep(9),
        target,
        skip_analysis,
        at: at(100),
    }
}

#[test]
fn a_rollback_is_a_new_deployment_of_an_earlier_revision() {
    let events = given(superseded_twice())
        .when(rollback(RollbackTarget::Revision(1), None))
        .events();
    let DeploymentEvent::Started(started) = &events[0] else {
        panic!("a new deployment starts");
    };
    assert_eq!(started.kind, Kind::Rollback);
    assert_eq!(started.rollback_of, Some(dep(1)));
    assert_eq!(started.revision, 4);
    assert!(started.skip_analysis, "revision 1 is one of the last 3");
    let state = given(superseded_twice())
        .when(rollback(RollbackTarget::Revision(1), None))
        .then(events);
    let next = state.decide(&cmd(begin, 9, 101)).expect("begins");
    assert!(
        matches!(next[0], DeploymentEvent::PromotionStarted { .. }),
        "skip_analysis goes straight to promoting"
    );
}

#[test]
fn a_rollback_targets_the_previous_revision_by_default() {
    let events = given(superseded_twice())
        .when(rollback(RollbackTarget::Previous, Some(false)))
        .events();
    assert!(
        matches!(&events[0], DeploymentEvent::Started(s) if s.rollback_of == Some(dep(2)) && !s.skip_analysis)
    );
}

#[test]
fn a_rollback_to_an_old_revision_runs_its_analysis_by_default() {
    let mut history = superseded_twice();
    for n in 4..=5u128 {
        history.push(started(n, u32::try_from(n).expect("small"), canary()));
        history.push(DeploymentEvent::Cancelled {
            deployment_id: dep(n),
            message: String::new(),
            at: at(7),
        });
    }
    let events = given(history)
        .when(rollback(RollbackTarget::Deployment(dep(1)), None))
        .events();
    assert!(matches!(&events[0], DeploymentEvent::Started(s) if !s.skip_analysis));
}

#[test]
fn rollbacks_are_refused_to_the_active_or_a_never_active_revision_and_beside_one_in_progress() {
    let error = given(superseded_twice())
        .when(rollback(RollbackTarget::Revision(3), None))
        .error();
    assert!(matches!(error, DeploymentRefused::Precondition(_)));
    let mut history = superseded_twice();
    history.push(started(4, 4, canary()));
    history.push(DeploymentEvent::Cancelled {
        deployment_id: dep(4),
        message: String::new(),
        at: at(7),
    });
    let error = given(history)
        .when(rollback(RollbackTarget::Revision(4), None))
        .error();
    assert!(matches!(error, DeploymentRefused::Precondition(_)));
    given(progressing_at(1))
        .when(rollback(RollbackTarget::Revision(1), None))
        .then_error(DeploymentRefused::InProgress(dep(2)));
}

// — strategies —

#[test]
fn rolling_bounds_round_surge_up_and_unavailable_down() {
    assert_eq!(Bound::Percent(25).replicas(3, true), 1);
    assert_eq!(Bound::Percent(25).replicas(3, false), 0);
    assert_eq!(Bound::Percent(25).replicas(10, false), 2);
    let steps = plan(
        &Strategy::Rolling {
            max_surge: Bound::Percent(25),
            max_unavailable: Bound::Percent(25),
        },
        3,
        false,
    );
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["batch 1/3", "batch 2/3", "batch 3/3"]);
}

#[test]
fn blue_green_provisions_green_then_switches_traffic() {
    let steps = plan(
        &Strategy::BlueGreen {
            scale_down_delay_seconds: 600,
            pre_promotion_analysis: true,
            post_promotion_analysis: false,
        },
        3,
        false,
    );
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["provision green", "monitor", "switch traffic"]);
}

#[test]
fn flagger_weights_never_pass_max_weight() {
    let steps = plan(
        &Strategy::Canary(Canary::Weights {
            step_weight: 20,
            max_weight: 50,
        }),
        3,
        false,
    );
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "create canary",
            "route traffic 20%",
            "monitor",
            "route traffic 40%",
            "monitor",
            "route traffic 50%",
            "monitor",
            "gradual rollout",
            "finish"
        ]
    );
}

#[test]
fn blue_green_post_promotion_analysis_gates_success_and_can_roll_back() {
    let bg = spec(Strategy::BlueGreen {
        scale_down_delay_seconds: 600,
        pre_promotion_analysis: false,
        post_promotion_analysis: true,
    });
    let mut history = active_first();
    history.push(started(2, 2, bg));
    history.push(DeploymentEvent::PromotionStarted {
        deployment_id: dep(2),
        message: String::new(),
        at: at(20),
    });
    let finish = DeploymentCommand::FinishPromotion {
        deployment_id: dep(2),
        at: at(21),
    };
    assert!(matches!(
        given(history.clone()).when(finish).error(),
        DeploymentRefused::Precondition(_)
    ));
    let events = given(history)
        .when(record(None, measured(0.1, 2000.0)))
        .events();
    assert!(matches!(
        events.last(),
        Some(DeploymentEvent::RollbackStarted { .. })
    ));
}

#[test]
fn conditions_parse_and_hold() {
    let c = Condition::parse("result <= 500").expect("parses");
    assert_eq!(
        (c.comparison, c.holds(500.0), c.holds(501.0)),
        (Comparison::Le, true, false)
    );
    assert!(Condition::parse("latency < 3").is_none());
    assert!(Condition::parse("result >= x").is_none());
}

#[test]
fn the_fold_is_incremental() {
    let mut history = superseded_twice();
    history.push(started(4, 4, canary()));
    history.push(DeploymentEvent::StepStarted {
        deployment_id: dep(4),
        index: 0,
        at: at(10),
    });
    history.push(DeploymentEvent::RollbackStarted {
        deployment_id: dep(4),
        message: String::new(),
        at: at(11),
    });
    history.push(DeploymentEvent::RolledBack {
        deployment_id: dep(4),
        at: at(12),
    });
    assert_fold_is_incremental::<Deployments>(&history);
}
