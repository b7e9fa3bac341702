//! A cluster's simulated demand through the projector: `cluster.demand_set` lands in the
//! cluster row (and so in the resource query-api serves), in the cluster's timeline, and
//! in the audit feed with the cluster's one-line message — the message the Cluster's
//! registration in `startup::projection()` gives, not a list in the audit view.

use std::collections::{BTreeMap, BTreeSet};

use domain::cluster::{ClusterCreated, ClusterEvent};
use domain::name::ResourceName;
use domain::telemetry::load::{Demand, Profile};
use uuid::Uuid;
use views::StateRow;
use views::cluster::ClusterRow;

use crate::records::{at, batch_of, claim};
use crate::test_app::{TestEnv, partition_of, wait_for_offsets};

fn created(id: Uuid) -> ClusterEvent {
    ClusterEvent::Created(ClusterCreated {
        id,
        owner: "alice".into(),
        name: ResourceName::parse("demo").expect("valid"),
        region: "nyc1".into(),
        kube_version: "1.31.1-cg.0".into(),
        pools: Vec::new(),
        tags: Vec::new(),
        operation_id: None,
        at: at(1),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demand_set_is_projected_to_the_cluster_its_timeline_and_the_audit_feed() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let id = Uuid::now_v7();
    let p = partition_of(&id.to_string());
    let spike = Demand {
        level: 75,
        profile: Profile::Spike,
    };
    let set = ClusterEvent::DemandSet {
        demand: spike,
        at: at(2),
    };
    env.produce(&claim(p, 1, "w1")).await;
    env.produce(&batch_of("cluster", p, id, 0, (1, "w1"), &[created(id)]))
        .await;
    let last = env
        .produce(&batch_of("cluster", p, id, 1, (1, "w1"), &[set]))
        .await;
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;

    let sql = format!(
        "SELECT {} FROM cluster WHERE cluster_id = ?",
        views::row::column_list::<ClusterRow>()
    );
    let row: ClusterRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("the cluster row");
    assert_eq!(
        (row.demand_level, row.demand_profile.as_deref(), row.version),
        (Some(75), Some("spike"), 2)
    );
    assert_eq!(row.to_state().expect("reads back").demand, Some(spike));
    assert_eq!(
        row.to_resource()["demand"],
        serde_json::json!({"level": 75, "profile": "spike"})
    );

    let message = "Simulated demand set to 75% (spike)";
    let timeline: Vec<String> = sqlx::query_scalar(
        "SELECT message FROM cluster_event WHERE cluster_id = ? AND event_type = 'cluster.demand_set'",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("timeline rows");
    assert_eq!(timeline, vec![message.to_owned()]);
    let summaries: Vec<(String, String)> = sqlx::query_as(
        "SELECT event_type, summary FROM audit_event WHERE aggregate_id = ? ORDER BY stream_position",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("audit rows");
    let messages: BTreeSet<(String, String)> = summaries
        .into_iter()
        .map(|(event_type, summary)| {
            let summary: serde_json::Value = serde_json::from_str(&summary).expect("JSON");
            (
                event_type,
                summary["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        BTreeSet::from([
            (
                "cluster.created".to_owned(),
                "Cluster demo created in nyc1 with 0 node pool(s)".to_owned()
            ),
            ("cluster.demand_set".to_owned(), message.to_owned()),
        ])
    );
}
