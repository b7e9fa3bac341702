//! Deployments are projected one row per deployment, each reading back as exactly that
//! deployment of the domain's own fold of the cluster's `Deployments` — also when one
//! batch touches two deployments (a promotion that supersedes the active one) — with the
//! active revision marked.

use std::collections::BTreeMap;

use domain::Aggregate;
use domain::deployment::analysis::{default_analysis, judge};
use domain::deployment::strategy::{Canary, Strategy};
use domain::deployment::{DeploymentEvent as E, Deployments, Kind, Spec, Started};
use domain::log_validity::WriterClaim;
use domain::record::{Batch, BatchHeader, Record};
use uuid::Uuid;
use views::deployment::row::{COLUMNS, DeploymentRow};

use crate::records::{TestRecord, at, build, claim};
use crate::test_app::{TestEnv, partition_of, wait_for_offsets};

fn batch(partition: i32, id: Uuid, from_version: u64, events: &[E]) -> TestRecord {
    let command_id = Uuid::new_v5(&id, format!("{from_version}").as_bytes());
    let record = Record::Batch(Batch {
        header: BatchHeader {
            aggregate_type: "deployments".into(),
            aggregate_id: id,
            from_version,
            claim: WriterClaim {
                epoch: 1,
                writer_id: "w1".into(),
            },
            command_id,
            command_name: "deployment.test".into(),
            principal: "alice".into(),
            owner: "alice".into(),
            idempotency: None,
            recorded_at: at(from_version as i64),
            correlation_id: command_id.to_string(),
            causation_id: String::new(),
            traceparent: String::new(),
            tracestate: String::new(),
        },
        events: proto::encode_events(command_id, events),
    });
    build(partition, &id.to_string(), &record)
}

fn started(ledger: Uuid, deployment_id: Uuid, revision: u32, second: i64) -> E {
    E::Started(Box::new(Started {
        id: ledger,
        cluster_id: Uuid::from_u128(77),
        owner: "alice".into(),
        deployment_id,
        revision,
        kind: Kind::Rollout,
        rollback_of: None,
        spec: Spec {
            image: format!("web:{revision}"),
            config_hash: "sha256:0".into(),
            replicas: 3,
            strategy: Strategy::Canary(Canary::Weights {
                step_weight: 50,
                max_weight: 50,
            }),
            analysis: Some(default_analysis()),
            auto_rollback: true,
            progress_deadline_seconds: 600,
        },
        skip_analysis: false,
        at: at(second),
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_deployment_is_a_row_of_the_domains_fold() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let ledger = Uuid::now_v7();
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    let p = partition_of(&ledger.to_string());
    let batches: Vec<Vec<E>> = vec![
        vec![started(ledger, first, 1, 1)],
        vec![E::PromotionStarted {
            deployment_id: first,
            message: "first".into(),
            at: at(2),
        }],
        vec![E::Succeeded {
            deployment_id: first,
            at: at(3),
        }],
        vec![started(ledger, second, 2, 4)],
        vec![E::StepStarted {
            deployment_id: second,
            index: 0,
            at: at(5),
        }],
        vec![
            E::StepFinished {
                deployment_id: second,
                index: 0,
                message: "ok".into(),
                at: at(6),
            },
            E::StepFinished {
                deployment_id: second,
                index: 1,
                message: "50%".into(),
                at: at(7),
            },
        ],
        vec![E::AnalysisRecorded {
            deployment_id: second,
            run: judge(
                &default_analysis(),
                &[vec![0.99; 4], vec![120.5; 4]],
                Some(2),
                at(8),
            ),
        }],
        vec![E::PromotionStarted {
            deployment_id: second,
            message: "done".into(),
            at: at(9),
        }],
        vec![
            E::Superseded {
                deployment_id: first,
                by: second,
                at: at(10),
            },
            E::Succeeded {
                deployment_id: second,
                at: at(10),
            },
        ],
    ];
    env.produce(&claim(p, 1, "w1")).await;
    let mut version = 0u64;
    let mut last = 0;
    for events in &batches {
        last = env.produce(&batch(p, ledger, version, events)).await;
        version += events.len() as u64;
    }
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;

    let all: Vec<E> = batches.concat();
    let fold = Deployments::replay(&all);
    let sql = format!(
        "SELECT {} FROM deployment WHERE ledger_id = ? ORDER BY revision",
        COLUMNS.join(", ")
    );
    let rows: Vec<DeploymentRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(ledger)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        let back = row.to_ledger().expect("reads back");
        assert_eq!(back.get(row.deployment_id), fold.get(row.deployment_id));
    }
    let flags: Vec<(u32, String, bool)> = rows
        .iter()
        .map(|r| (r.revision, r.status.clone(), r.is_active))
        .collect();
    assert_eq!(
        flags,
        vec![
            (1, "superseded".into(), false),
            (2, "succeeded".into(), true)
        ]
    );
    assert_eq!(
        rows[1].to_resource()["analysis_runs"][0]["result"],
        "successful"
    );
}
