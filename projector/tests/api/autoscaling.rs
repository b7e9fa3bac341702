//! Autoscaling policies are projected like any aggregate (a row that reads back as the
//! domain's own fold), plus their history: a scaling event row started and finished by
//! the policy's events, and one decision-log row per recorded tick, written once even
//! when the record is read again.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::Aggregate;
use domain::autoscale::tick::{Condition, ConditionType, ScaleReason, ScaleStatus};
use domain::autoscale::{AutoscalingPolicy, Evaluation, Policy, PolicyEvent, Target};
use domain::log_validity::WriterClaim;
use domain::record::{Batch, BatchHeader, Record};
use uuid::Uuid;
use views::StateRow;
use views::autoscaling::row::AutoscalingPolicyRow;

use crate::records::{TestRecord, at, build, claim};
use crate::test_app::{TestEnv, partition_of, wait_for_offsets};

fn batch(partition: i32, id: Uuid, from_version: u64, event: &PolicyEvent) -> TestRecord {
    let command_id = Uuid::new_v5(&id, format!("{from_version}").as_bytes());
    let record = Record::Batch(Batch {
        header: BatchHeader {
            aggregate_type: "autoscaling_policy".into(),
            aggregate_id: id,
            from_version,
            claim: WriterClaim {
                epoch: 1,
                writer_id: "w1".into(),
            },
            command_id,
            command_name: "autoscaling_policy.test".into(),
            principal: "alice".into(),
            owner: "alice".into(),
            idempotency: None,
            recorded_at: at(from_version as i64),
            correlation_id: command_id.to_string(),
            causation_id: String::new(),
            traceparent: String::new(),
            tracestate: String::new(),
        },
        events: proto::encode_events(command_id, std::slice::from_ref(event)),
    });
    build(partition, &id.to_string(), &record)
}

fn evaluated(second: i64) -> PolicyEvent {
    let condition = |kind| Condition {
        kind,
        status: true,
        reason: "ReadyForNewScale",
    };
    PolicyEvent::Evaluated(Evaluation {
        current_nodes: 2,
        desired_nodes: 4,
        recommendation: 4,
        conditions: [
            condition(ConditionType::AbleToScale),
            condition(ConditionType::ScalingActive),
            condition(ConditionType::ScalingLimited),
        ],
        log: format!(r#"{{"raw":4,"second":{second}}}"#),
        at: at(second),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_its_scaling_events_and_decisions_are_projected() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let id = Uuid::now_v7();
    let p = partition_of(&id.to_string());
    let operation = Uuid::now_v7();
    let events = vec![
        PolicyEvent::Created {
            id,
            owner: "alice".into(),
            policy: Policy::new(
                Target {
                    cluster_id: Uuid::now_v7(),
                    node_pool_id: Uuid::now_v7(),
                },
                1,
                5,
            ),
            at: at(1),
        },
        evaluated(2),
        PolicyEvent::ScalingStarted {
            operation_id: operation,
            from: 2,
            to: 4,
            reason: ScaleReason::ScaleUp,
            at: at(2),
        },
        PolicyEvent::ScalingFinished {
            operation_id: operation,
            status: ScaleStatus::Success,
            at: at(9),
        },
    ];
    env.produce(&claim(p, 1, "w1")).await;
    let mut last = 0;
    for (version, event) in events.iter().enumerate() {
        last = env.produce(&batch(p, id, version as u64, event)).await;
    }
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;

    let mut conn = app.pool.acquire().await.unwrap();
    let row = projector::views::state::load::<AutoscalingPolicyRow>(&mut conn, id)
        .await
        .unwrap()
        .expect("row exists");
    assert_eq!(row.to_state(), Ok(AutoscalingPolicy::replay(&events)));
    let resource = row.to_resource();
    assert_eq!(resource["status"]["desired_nodes"], 4);
    assert_eq!(
        resource["behavior"]["scale_down"]["stabilization_window_seconds"],
        300
    );

    let scaling: (u32, u32, String, String, Option<DateTime<Utc>>) = sqlx::query_as(
        "SELECT current_count, desired_count, reason, status, finished_at \
         FROM autoscaling_event WHERE operation_id = ?",
    )
    .bind(operation)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(
        scaling,
        (2, 4, "SCALE_UP".into(), "success".into(), Some(at(9)))
    );
    let decisions: Vec<(String,)> =
        sqlx::query_as("SELECT decision FROM autoscaler_decision WHERE policy_id = ?")
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    assert_eq!(decisions, vec![(r#"{"raw":4,"second":2}"#.to_owned(),)]);
}
