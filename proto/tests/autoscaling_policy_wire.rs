//! Autoscaling policy events: every event round-trips (domain -> wire -> domain) with a
//! policy using every field (custom metric, schedule, cost limit, cooldown), the golden
//! bytes are pinned, and every state along the history survives its snapshot codec.

use chrono::{DateTime, Duration, TimeZone, Utc, Weekday};
use domain::autoscale::tick::{Condition, ConditionType, ScaleReason, ScaleStatus};
use domain::autoscale::{
    Evaluation, MetricKind, MetricTarget, Policy, PolicyEvent, RateRule, Schedule, Select, Target,
    Window, parse_timezone,
};
use proto::WireEvent;
use uuid::Uuid;

fn at(second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
        .single()
        .expect("valid")
        + Duration::seconds(second)
}

fn policy() -> Policy {
    let mut policy = Policy::new(
        Target {
            cluster_id: Uuid::from_u128(1),
            node_pool_id: Uuid::from_u128(2),
        },
        1,
        8,
    );
    policy.metrics.push(MetricTarget {
        kind: MetricKind::Custom("queue_depth".into()),
        target: 12.5,
    });
    policy.metrics.push(MetricTarget {
        kind: MetricKind::JobsBacklogPerNode,
        target: 3.0,
    });
    policy.behavior.scale_down.select_policy = Select::Min;
    policy.behavior.scale_up.policies = vec![RateRule::Percent {
        percent: 50,
        period_seconds: 120,
    }];
    policy.behavior.cooldown_seconds = Some(400);
    policy.schedules.push(Schedule {
        window: Window::parse("22:00-06:00").expect("window"),
        timezone: parse_timezone("Europe/Berlin").expect("zone"),
        days: vec![Weekday::Fri, Weekday::Sat],
        min_nodes: Some(2),
        max_nodes: None,
    });
    policy.cost_limit_monthly_micro = Some(250_500_000);
    policy
}

fn evaluation() -> Evaluation {
    let condition = |kind, status, reason| Condition {
        kind,
        status,
        reason,
    };
    Evaluation {
        current_nodes: 3,
        desired_nodes: 5,
        recommendation: 5,
        conditions: [
            condition(ConditionType::AbleToScale, true, "ReadyForNewScale"),
            condition(ConditionType::ScalingActive, false, "FailedGetMetrics"),
            condition(ConditionType::ScalingLimited, true, "ScaleUpLimit"),
        ],
        log: r#"{"raw":5}"#.into(),
        at: at(15),
    }
}

fn events() -> Vec<PolicyEvent> {
    let mut updated = policy();
    updated.max_nodes = 10;
    vec![
        PolicyEvent::Created {
            id: Uuid::from_u128(9),
            owner: "alice".into(),
            policy: policy(),
            at: at(0),
        },
        PolicyEvent::Updated {
            policy: updated,
            at: at(5),
        },
        PolicyEvent::Disabled { at: at(6) },
        PolicyEvent::Enabled { at: at(7) },
        PolicyEvent::Evaluated(evaluation()),
        PolicyEvent::ScalingStarted {
            operation_id: Uuid::from_u128(20),
            from: 3,
            to: 5,
            reason: ScaleReason::ScaleUp,
            at: at(15),
        },
        PolicyEvent::ScalingFinished {
            operation_id: Uuid::from_u128(20),
            status: ScaleStatus::Error,
            at: at(40),
        },
        PolicyEvent::Deleted { at: at(50) },
    ]
}

#[test]
fn every_autoscaling_policy_event_round_trips() {
    for event in events() {
        let (event_type, version, payload) = event.encode();
        let back =
            proto::decode_event::<PolicyEvent>(&event_type, version, &payload).expect("decodes");
        assert_eq!(back, event);
    }
}

#[test]
fn autoscaling_policy_event_golden_bytes() {
    let golden: Vec<String> = events()
        .iter()
        .map(|e| {
            let (event_type, version, payload) = e.encode();
            format!("{event_type} v{version} {}", hex::encode(payload))
        })
        .collect();
    insta::assert_snapshot!("autoscaling_policy_events", golden.join("\n"));
}

#[test]
fn an_unknown_reason_or_version_is_a_decode_error() {
    assert!(PolicyEvent::decode("autoscaling_policy.exploded", 1, &[]).is_err());
    assert!(PolicyEvent::decode("autoscaling_policy.deleted", 2, &[]).is_err());
    let (event_type, version, _) = events()[5].encode();
    let bad = proto::wire::AutoscalingScalingStarted {
        operation_id: Uuid::from_u128(20).to_string(),
        reason: "SIDEWAYS".into(),
        ..Default::default()
    };
    let bytes = prost::Message::encode_to_vec(&bad);
    assert!(PolicyEvent::decode(&event_type, version, &bytes).is_err());
}

#[test]
fn every_autoscaling_policy_state_along_the_history_round_trips_through_its_snapshot_codec() {
    use domain::Aggregate;
    use domain::autoscale::AutoscalingPolicy;
    use proto::WireState;
    let events = events();
    for n in 0..=events.len() {
        let state = AutoscalingPolicy::replay(&events[..n]);
        let back = AutoscalingPolicy::decode_state(
            AutoscalingPolicy::STATE_VERSION,
            &state.encode_state(),
        )
        .expect("decodes");
        assert_eq!(back, state, "after {n} events");
    }
}
