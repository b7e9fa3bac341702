//! Autoscaling policy reads (api.md §11, §13): the list filtered by
//! `target.cluster_id` and scoped to the owner, one policy with its status, and the
//! policy's scaling history and decision log as keyset pages, newest first. Rows are
//! written the way the projector writes them, from the domain's own fold.

use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use contract::autoscaling::{
    AutoscalerDecisionPage, AutoscalingPolicy as Resource, AutoscalingPolicyPage, ScalingEventPage,
};
use domain::Aggregate;
use domain::autoscale::{AutoscalingPolicy, Policy, PolicyEvent, Target};
use platform::testing::conforms;
use serde_json::{Value, json};
use uuid::Uuid;
use views::StateRow;
use views::autoscaling::history::{DECISION_COLUMNS, DecisionRow, EVENT_COLUMNS, ScalingEventRow};
use views::autoscaling::row::AutoscalingPolicyRow;

use crate::test_app::{ALICE, BOB, TestApp, assert_problem, spawn_app};

fn at(second: i64) -> DateTime<Utc> {
    (Utc.with_ymd_and_hms(2026, 1, 3, 9, 0, 0)
        .single()
        .expect("time")
        + chrono::Duration::seconds(second))
    .trunc_subsecs(6)
}

fn policy_row(owner: &str, cluster_id: Uuid, second: i64) -> AutoscalingPolicyRow {
    let state = AutoscalingPolicy::replay(&[PolicyEvent::Created {
        id: Uuid::now_v7(),
        owner: owner.into(),
        policy: Policy::new(
            Target {
                cluster_id,
                node_pool_id: Uuid::now_v7(),
            },
            1,
            5,
        ),
        at: at(second),
    }]);
    AutoscalingPolicyRow::from_state(&state).expect("created")
}

impl TestApp {
    async fn put<'q>(
        &self,
        table: &str,
        columns: &[&str],
        bind: impl FnOnce(views::row::Bound<'q>) -> views::row::Bound<'q>,
    ) {
        let sql = format!(
            "REPLACE INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            platform::db::placeholders(columns.len())
        );
        bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&self.db)
            .await
            .expect("row");
    }

    async fn ok(&self, path: &str, token: &str) -> Value {
        let response = self.get(path, token).send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.expect("json")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policies_are_listed_by_cluster_and_read_with_their_history() {
    let app = spawn_app().await;
    let cluster = Uuid::now_v7();
    let mine = policy_row("alice", cluster, 1);
    let other_cluster = policy_row("alice", Uuid::now_v7(), 2);
    let bobs = policy_row("bob", cluster, 3);
    for row in [&mine, &other_cluster, &bobs] {
        app.put("autoscaling_policy", AutoscalingPolicyRow::COLUMNS, |q| {
            row.bind(q)
        })
        .await;
    }
    let path = format!("/api/v1/autoscaling_policies?filter=target.cluster_id%3D%22{cluster}%22");
    let page: AutoscalingPolicyPage = conforms(&app.ok(&path, ALICE).await);
    let ids: Vec<Uuid> = page.autoscaling_policies.iter().map(|p| p.id).collect();
    assert_eq!(ids, vec![mine.policy_id]);
    let shortcut = format!("/api/v1/autoscaling_policies?cluster_id={cluster}");
    let page: AutoscalingPolicyPage = conforms(&app.ok(&shortcut, ALICE).await);
    assert_eq!(page.autoscaling_policies.len(), 1);
    let item = format!("/api/v1/autoscaling_policies/{}", mine.policy_id);
    let one: Resource = conforms(&app.ok(&item, ALICE).await);
    assert_eq!((one.spec.min_nodes, one.spec.max_nodes), (Some(1), Some(5)));
    assert_problem(app.get(&item, BOB).send().await.unwrap(), 404, "NOT_FOUND").await;

    for n in 0..3u32 {
        let event = ScalingEventRow {
            operation_id: Uuid::now_v7(),
            policy_id: mine.policy_id,
            owner: "alice".into(),
            current_count: 2 + n,
            desired_count: 3 + n,
            reason: "SCALE_UP".into(),
            status: "success".into(),
            started_at: at(10 + i64::from(n)),
            finished_at: Some(at(12 + i64::from(n))),
        };
        app.put("autoscaling_event", EVENT_COLUMNS, |q| event.bind(q))
            .await;
        let decision = DecisionRow {
            event_id: Uuid::now_v7(),
            policy_id: mine.policy_id,
            owner: "alice".into(),
            evaluated_at: at(10 + i64::from(n)),
            decision: decision_json(mine.policy_id, n),
        };
        app.put("autoscaler_decision", DECISION_COLUMNS, |q| {
            decision.bind(q)
        })
        .await;
    }
    let events: ScalingEventPage =
        conforms(&app.ok(&format!("{item}/events?page_size=2"), ALICE).await);
    let counts: Vec<u32> = events.events.iter().map(|e| e.current_count).collect();
    assert_eq!((counts, events.meta.total), (vec![4, 3], 3), "newest first");
    let next = events.links.next.expect("a second page");
    let rest: ScalingEventPage = conforms(&app.ok(&next, ALICE).await);
    assert_eq!(rest.events.len(), 1);
    assert_eq!(rest.events[0].current_count, 2);
    assert!(rest.next_page_token.is_none());

    let decisions: AutoscalerDecisionPage =
        conforms(&app.ok(&format!("{item}/decisions"), ALICE).await);
    let finals: Vec<u32> = decisions.decisions.iter().map(|d| d.final_count).collect();
    assert_eq!(finals, vec![5, 4, 3]);
    let bad = app
        .get(&format!("{item}/decisions?page_token=nonsense"), ALICE)
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400, "INVALID_PAGE_TOKEN").await;
}

fn decision_json(policy_id: Uuid, n: u32) -> String {
    json!({
        "policy_id": policy_id, "evaluated_at": at(10 + i64::from(n)).to_rfc3339(),
        "current_count": 2 + n, "capacity": 2 + n,
        "metrics": [{"type": "cpu_utilization", "target": 0.6, "ratio": 1.5,
            "adjusted_ratio": null, "nodes_without_sample": 0, "proposal": 3 + n}],
        "min_nodes": 1, "max_nodes": 5, "raw": 3 + n, "clamped": 3 + n, "stabilized": 3 + n,
        "limited": 3 + n, "final": 3 + n, "desired": 3 + n, "gate": null, "notes": [],
        "action": "scale_up", "reason": "cpu 1.50× target"
    })
    .to_string()
}
