//! Diagnoses are projected like any aggregate (a row per recorded run, its insights as
//! JSON that renders the API's recommendations), and the history of a cluster is bounded:
//! past `HISTORY_PER_CLUSTER` runs, the oldest rows go; another cluster's stay.

use std::collections::BTreeMap;

use domain::diagnosis::{
    Change, DiagnosisEvent, Insight, ObjectRef, Recommendation, Recorded, Severity, Trigger,
};
use domain::log_validity::WriterClaim;
use domain::record::{Batch, BatchHeader, Record};
use sqlx::Row;
use uuid::Uuid;
use views::StateRow;
use views::diagnosis::{DiagnosisRow, HISTORY_PER_CLUSTER};

use crate::records::{TestRecord, at, build, claim};
use crate::test_app::{PARTITIONS, TestEnv, partition_of, wait_for_offsets};

/// A fresh id in partition `p`.
fn id_in(p: i32) -> Uuid {
    loop {
        let id = Uuid::now_v7();
        if partition_of(&id.to_string()) == p {
            return id;
        }
    }
}

fn recorded(partition: i32, id: Uuid, cluster_id: Uuid, second: i64) -> TestRecord {
    let command_id = id_in(partition);
    let pool_id = Uuid::from_u128(2);
    let event = DiagnosisEvent::Recorded(Recorded {
        id,
        cluster_id,
        owner: "alice".into(),
        requested_by: "alice".into(),
        trigger: Trigger::Request {
            operation_id: command_id,
        },
        source: "rules".into(),
        insights: vec![Insight {
            check: "pool_cpu_saturation".into(),
            category: "capacity".into(),
            severity: Severity::Warning,
            title: "CPU saturation on pool web".into(),
            message: "hot".into(),
            evidence: None,
            object: ObjectRef {
                kind: "node_pool".into(),
                id: pool_id,
                name: "web".into(),
            },
            recommendation: Recommendation {
                action: "scale_node_pool".into(),
                change: Some(Change::ScalePool { pool_id, count: 4 }),
            },
        }],
        at: at(second),
    });
    let record = Record::Batch(Batch {
        header: BatchHeader {
            aggregate_type: "diagnosis".into(),
            aggregate_id: id,
            from_version: 0,
            claim: WriterClaim {
                epoch: 1,
                writer_id: "w1".into(),
            },
            command_id,
            command_name: "cluster.diagnose".into(),
            principal: "alice".into(),
            owner: "alice".into(),
            idempotency: None,
            recorded_at: at(second),
            correlation_id: command_id.to_string(),
            causation_id: String::new(),
            traceparent: String::new(),
            tracestate: String::new(),
        },
        events: proto::encode_events(command_id, &[event]),
    });
    build(partition, &id.to_string(), &record)
}

async fn ids_of(pool: &sqlx::MySqlPool, cluster: Uuid) -> Vec<Uuid> {
    sqlx::query("SELECT diagnosis_id FROM diagnosis WHERE cluster_id = ? ORDER BY recorded_at")
        .bind(cluster)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<Uuid, _>(0))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clusters_history_keeps_its_newest_diagnoses_only() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let (hot, calm) = (Uuid::now_v7(), Uuid::now_v7());
    let p = 1 % PARTITIONS;
    env.produce(&claim(p, 1, "w1")).await;
    let calm_id = id_in(p);
    env.produce(&recorded(p, calm_id, calm, 0)).await;
    let runs = HISTORY_PER_CLUSTER as i64 + 2;
    let mut ids = Vec::new();
    let mut last = 0;
    for second in 1..=runs {
        let id = id_in(p);
        ids.push(id);
        last = env.produce(&recorded(p, id, hot, second)).await;
    }
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;
    assert_eq!(
        ids_of(&app.pool, hot).await,
        ids[2..].to_vec(),
        "the two oldest are gone"
    );
    assert_eq!(
        ids_of(&app.pool, calm).await,
        vec![calm_id],
        "another cluster keeps its own"
    );

    let row = projector::views::state::load::<DiagnosisRow>(
        &mut app.pool.acquire().await.unwrap(),
        calm_id,
    )
    .await
    .unwrap()
    .expect("row exists");
    assert_eq!(
        (row.cluster_id, row.warning_count, row.version),
        (calm, 1, 1)
    );
    let resource = row.to_resource();
    assert_eq!(
        resource["insights"][0]["recommendation"]["request_hint"]["body"]["count"],
        4
    );
    assert_eq!(
        resource["insights"][0]["recommendation"]["job_request"]["type"],
        "scale"
    );
    let operation: (String,) = sqlx::query_as("SELECT status FROM operation WHERE target_id = ?")
        .bind(calm_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(operation.0, "succeeded");
}
