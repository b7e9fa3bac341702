//! Deployment events: every event type round-trips (domain -> wire -> domain) with specs
//! using every field (rolling bounds, blue-green analyses, Argo steps with timed and
//! open pauses, Flagger weights, an analysis with a failure condition and a count), the
//! golden bytes are pinned, and every state along a history survives its snapshot codec.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::Aggregate;
use domain::deployment::analysis::{Analysis, Condition, Metric, MetricName, judge};
use domain::deployment::strategy::{Bound, Canary, CanaryStep, Strategy};
use domain::deployment::{DeploymentEvent as E, Deployments, Kind, Spec, Started};
use proto::{WireEvent, WireState};
use uuid::Uuid;

fn at(second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
        .single()
        .expect("valid")
        + Duration::seconds(second)
}

fn analysis() -> Analysis {
    let mut rate = Metric::new(
        MetricName::SuccessRate,
        Condition::parse("result >= 0.95").expect("parses"),
    );
    rate.failure_condition = Condition::parse("result < 0.8");
    rate.count = Some(5);
    rate.failure_limit = 2;
    let latency = Metric::new(
        MetricName::LatencyP99Ms,
        Condition::parse("result <= 500").expect("parses"),
    );
    Analysis {
        metrics: vec![rate, latency],
    }
}

fn spec(strategy: Strategy, analysis: Option<Analysis>) -> Spec {
    Spec {
        image: "registry.example/web:2.1".into(),
        config_hash: "sha256:abc".into(),
        replicas: 4,
        strategy,
        analysis,
        auto_rollback: true,
        progress_deadline_seconds: 600,
    }
}

fn strategies() -> Vec<Strategy> {
    vec![
        Strategy::Canary(Canary::Steps(vec![
            CanaryStep::SetWeight(20),
            CanaryStep::Pause(Some(30)),
            CanaryStep::Pause(None),
            CanaryStep::Analysis,
        ])),
        Strategy::Rolling {
            max_surge: Bound::Percent(25),
            max_unavailable: Bound::Count(1),
        },
        Strategy::BlueGreen {
            scale_down_delay_seconds: 600,
            pre_promotion_analysis: true,
            post_promotion_analysis: false,
        },
        Strategy::Canary(Canary::Weights {
            step_weight: 10,
            max_weight: 50,
        }),
    ]
}

fn started(n: u128, strategy: Strategy, kind: Kind) -> E {
    E::Started(Box::new(Started {
        id: Uuid::from_u128(1),
        cluster_id: Uuid::from_u128(2),
        owner: "alice".into(),
        deployment_id: Uuid::from_u128(n),
        revision: u32::try_from(n - 9).expect("small"),
        kind,
        rollback_of: (kind == Kind::Rollback).then(|| Uuid::from_u128(10)),
        spec: spec(strategy, Some(analysis())),
        skip_analysis: kind == Kind::Rollback,
        at: at(0),
    }))
}

fn events() -> Vec<E> {
    let d = Uuid::from_u128(11);
    let mut events: Vec<E> = strategies()
        .into_iter()
        .enumerate()
        .map(|(i, s)| started(if i == 0 { 11 } else { 20 + i as u128 }, s, Kind::Rollout))
        .collect();
    events.push(started(12, strategies()[2].clone(), Kind::Rollback));
    events.extend([
        E::StepStarted {
            deployment_id: d,
            index: 0,
            at: at(1),
        },
        E::StepFinished {
            deployment_id: d,
            index: 0,
            message: "canary created".into(),
            at: at(2),
        },
        E::AnalysisRecorded {
            deployment_id: d,
            run: judge(
                &analysis(),
                &[vec![0.97, 0.99, 0.5, 0.9, 0.99], vec![120.0; 4]],
                Some(1),
                at(3),
            ),
        },
        E::Paused {
            deployment_id: d,
            message: "paused by user".into(),
            at: at(4),
        },
        E::Resumed {
            deployment_id: d,
            at: at(5),
        },
        E::PromotionStarted {
            deployment_id: d,
            message: "promoted".into(),
            at: at(6),
        },
        E::Succeeded {
            deployment_id: d,
            at: at(7),
        },
        E::Superseded {
            deployment_id: d,
            by: Uuid::from_u128(12),
            at: at(8),
        },
        E::RollbackStarted {
            deployment_id: Uuid::from_u128(12),
            message: "aborted".into(),
            at: at(9),
        },
        E::RolledBack {
            deployment_id: Uuid::from_u128(12),
            at: at(10),
        },
        E::Failed {
            deployment_id: Uuid::from_u128(12),
            message: "restore failed".into(),
            at: at(11),
        },
        E::Cancelled {
            deployment_id: Uuid::from_u128(22),
            message: "cancelled".into(),
            at: at(12),
        },
    ]);
    events
}

#[test]
fn every_deployment_event_round_trips() {
    let mut seen = std::collections::BTreeSet::new();
    for event in events() {
        let (event_type, version, payload) = event.encode();
        let back = proto::decode_event::<E>(&event_type, version, &payload).expect("decodes");
        assert_eq!(back, event);
        seen.insert(event_type);
    }
    assert_eq!(seen.len(), E::TYPES.len(), "every event type is covered");
}

#[test]
fn deployment_event_golden_bytes() {
    let golden: Vec<String> = events()
        .iter()
        .map(|e| {
            let (event_type, version, payload) = e.encode();
            format!("{event_type} v{version} {}", hex::encode(payload))
        })
        .collect();
    insta::assert_snapshot!("deployment_events", golden.join("\n"));
}

#[test]
fn an_unknown_type_version_or_text_is_a_decode_error() {
    assert!(E::decode("deployment.exploded", 1, &[]).is_err());
    assert!(E::decode("deployment.paused", 2, &[]).is_err());
    let bad = proto::wire::DeploymentStarted {
        kind: "sideways".into(),
        ..Default::default()
    };
    let bytes = prost::Message::encode_to_vec(&bad);
    assert!(E::decode("deployment.started", 1, &bytes).is_err());
}

#[test]
fn every_deployments_state_along_the_history_round_trips_through_its_snapshot_codec() {
    let events = events();
    for n in 0..=events.len() {
        let state = Deployments::replay(&events[..n]);
        let back = Deployments::decode_state(Deployments::STATE_VERSION, &state.encode_state())
            .expect("decodes");
        assert_eq!(back, state, "after {n} events");
    }
}
