//! Given / when / then tests of the `AutoscalingPolicy` aggregate: creation with
//! validation, updates, enable/disable and delete, evaluations feeding the recommendation
//! log, one scale in flight at a time, and the fold.

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::autoscale::policy::Target;
use crate::autoscale::tick::{ConditionType, ScaleReason};
use crate::testing::{Scenario, assert_fold_is_incremental};

fn at(second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
        .single()
        .expect("valid time")
        + Duration::seconds(second)
}

fn target() -> Target {
    Target {
        cluster_id: Uuid::from_u128(1),
        node_pool_id: Uuid::from_u128(2),
    }
}

fn policy() -> Policy {
    Policy::new(target(), 1, 5)
}

fn created() -> PolicyEvent {
    PolicyEvent::Created {
        id: Uuid::from_u128(9),
        owner: "alice".into(),
        policy: policy(),
        at: at(0),
    }
}

fn given(history: Vec<PolicyEvent>) -> Scenario<AutoscalingPolicy> {
    Scenario::given(history)
}

fn evaluation(recommendation: u32, second: i64) -> Evaluation {
    let condition = |kind| Condition {
        kind,
        status: true,
        reason: "ReadyForNewScale",
    };
    Evaluation {
        current_nodes: 3,
        desired_nodes: 3,
        recommendation,
        conditions: [
            condition(ConditionType::AbleToScale),
            condition(ConditionType::ScalingActive),
            condition(ConditionType::ScalingLimited),
        ],
        log: String::new(),
        at: at(second),
    }
}

fn started(operation: u128, second: i64) -> PolicyEvent {
    PolicyEvent::ScalingStarted {
        operation_id: Uuid::from_u128(operation),
        from: 3,
        to: 5,
        reason: ScaleReason::ScaleUp,
        at: at(second),
    }
}

#[test]
fn a_valid_policy_is_created_once() {
    let state = given(vec![])
        .when(PolicyCommand::Create {
            id: Uuid::from_u128(9),
            owner: "alice".into(),
            policy: policy(),
            at: at(0),
        })
        .then(vec![created()]);
    assert!(state.enabled());
    given(vec![created()])
        .when(PolicyCommand::Create {
            id: Uuid::from_u128(9),
            owner: "alice".into(),
            policy: policy(),
            at: at(1),
        })
        .then_error(PolicyRefused::AlreadyExists);
}

#[test]
fn an_invalid_policy_is_refused_with_its_field_pointers() {
    let error = given(vec![])
        .when(PolicyCommand::Create {
            id: Uuid::from_u128(9),
            owner: "alice".into(),
            policy: Policy::new(target(), 6, 5),
            at: at(0),
        })
        .error();
    let PolicyRefused::Invalid(fields) = error else {
        panic!("expected Invalid, got {error:?}");
    };
    assert_eq!(fields[0].pointer, "/min_nodes");
}

#[test]
fn updates_keep_the_target_and_repeat_idempotently() {
    let mut wider = policy();
    wider.max_nodes = 8;
    given(vec![created()])
        .when(PolicyCommand::Update {
            policy: wider.clone(),
            at: at(5),
        })
        .then(vec![PolicyEvent::Updated {
            policy: wider,
            at: at(5),
        }]);
    given(vec![created()])
        .when(PolicyCommand::Update {
            policy: policy(),
            at: at(5),
        })
        .then(vec![]);
    let mut moved = policy();
    moved.target.node_pool_id = Uuid::from_u128(3);
    given(vec![created()])
        .when(PolicyCommand::Update {
            policy: moved,
            at: at(5),
        })
        .then_error(PolicyRefused::TargetImmutable);
}

#[test]
fn disable_and_enable_toggle_and_a_disabled_policy_is_not_evaluated() {
    let disabled = PolicyEvent::Disabled { at: at(5) };
    given(vec![created()])
        .when(PolicyCommand::Disable { at: at(5) })
        .then(vec![disabled.clone()]);
    given(vec![created(), disabled.clone()])
        .when(PolicyCommand::Disable { at: at(6) })
        .then(vec![]);
    given(vec![created(), disabled.clone()])
        .when(PolicyCommand::RecordEvaluation(evaluation(3, 10)))
        .then_error(PolicyRefused::Disabled);
    let state = given(vec![created(), disabled])
        .when(PolicyCommand::Enable { at: at(7) })
        .then(vec![PolicyEvent::Enabled { at: at(7) }]);
    assert!(state.enabled());
}

#[test]
fn a_deleted_policy_is_gone() {
    let state = given(vec![created()])
        .when(PolicyCommand::Delete { at: at(5) })
        .then(vec![PolicyEvent::Deleted { at: at(5) }]);
    assert!(!Aggregate::exists(&state));
    given(vec![created(), PolicyEvent::Deleted { at: at(5) }])
        .when(PolicyCommand::Enable { at: at(6) })
        .then_error(PolicyRefused::NotFound);
}

#[test]
fn a_deleted_policy_of_a_pool_can_be_created_again_afresh() {
    let deleted = vec![
        created(),
        PolicyEvent::Evaluated(evaluation(4, 10)),
        PolicyEvent::Deleted { at: at(20) },
    ];
    let state = given(deleted)
        .when(PolicyCommand::Create {
            id: Uuid::from_u128(9),
            owner: "bob".into(),
            policy: policy(),
            at: at(30),
        })
        .then(vec![PolicyEvent::Created {
            id: Uuid::from_u128(9),
            owner: "bob".into(),
            policy: policy(),
            at: at(30),
        }]);
    assert!(state.is_live());
    assert!(
        state.recommendations.is_empty(),
        "a new policy has no history"
    );
    assert_eq!(state.owner, "bob");
    assert_eq!(state.version, 4);
}

#[test]
fn evaluations_fill_the_recommendation_log_within_the_longest_window() {
    let state = AutoscalingPolicy::replay(&[
        created(),
        PolicyEvent::Evaluated(evaluation(6, 0)),
        PolicyEvent::Evaluated(evaluation(5, 200)),
        PolicyEvent::Evaluated(evaluation(3, 400)),
    ]);
    // The scale-down window is 300 s: the 6 from second 0 has aged out at second 400.
    let counts: Vec<u32> = state.recommendations.iter().map(|r| r.count).collect();
    assert_eq!(counts, vec![5, 3]);
    assert_eq!(state.status.last_evaluated_at, Some(at(400)));
}

#[test]
fn one_scale_is_in_flight_at_a_time_and_ends_once() {
    given(vec![created(), started(1, 10)])
        .when(PolicyCommand::StartScaling {
            operation_id: Uuid::from_u128(2),
            from: 5,
            to: 6,
            reason: ScaleReason::ScaleUp,
            at: at(20),
        })
        .then_error(PolicyRefused::ScaleInFlight);
    let finished = PolicyEvent::ScalingFinished {
        operation_id: Uuid::from_u128(1),
        status: ScaleStatus::Success,
        at: at(40),
    };
    let finish = PolicyCommand::FinishScaling {
        operation_id: Uuid::from_u128(1),
        status: ScaleStatus::Success,
        at: at(40),
    };
    let state = given(vec![created(), started(1, 10)])
        .when(finish.clone())
        .then(vec![finished.clone()]);
    assert!(!state.scale_in_flight());
    assert_eq!(state.scale_events[0].finished_at, Some(at(40)));
    given(vec![created(), started(1, 10), finished])
        .when(finish)
        .then(vec![]);
}

#[test]
fn the_fold_is_incremental() {
    assert_fold_is_incremental::<AutoscalingPolicy>(&[
        created(),
        PolicyEvent::Evaluated(evaluation(4, 15)),
        started(1, 15),
        PolicyEvent::ScalingFinished {
            operation_id: Uuid::from_u128(1),
            status: ScaleStatus::Error,
            at: at(60),
        },
        PolicyEvent::Disabled { at: at(70) },
    ]);
}
