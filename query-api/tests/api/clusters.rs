//! Cluster reads (api.md §10/§11): `GET /api/v1/clusters/{id}` (ETag, 304, owner
//! scoping), the cluster list (owner scoping, status filter, soft-delete hiding), node
//! pools with their live nodes and counts taken from the droplet table, one pool, and the
//! cluster timeline (`/events`, oldest first, `?since=`). Every body is held to the
//! published contract.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use contract::cluster::{Cluster, NodePool};
use contract::envelope::{ClusterEventPage, ClusterPage, NodePoolPage};
use platform::testing::conforms;
use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::cluster::{ClusterRow, PoolRecord};
use views::droplet::DropletRow;

use crate::test_app::{
    ADMIN, ALICE, BOB, TestApp, assert_problem, cluster, cluster_event, node, pool, spawn_app,
};

/// Alice's cluster with pools `web` (3 desired) and `db` (2 desired) and their nodes.
struct Fixture {
    cluster: ClusterRow,
    web: PoolRecord,
    db: PoolRecord,
    /// web: two active nodes and one still new, oldest first.
    web_nodes: Vec<DropletRow>,
    /// db: one active node.
    db_nodes: Vec<DropletRow>,
    /// A deleted node of web: never listed, never counted.
    deleted_node: DropletRow,
}

async fn fixture(app: &TestApp) -> Fixture {
    let base = Utc::now() - Duration::hours(1);
    let web = pool("web", 3);
    let db = pool("db", 2);
    let row = cluster("alice", "prod", base, &[web.clone(), db.clone()]);
    app.insert_cluster(&row).await;
    let at = |minutes| base + Duration::minutes(minutes);
    let web_nodes = vec![
        node(&row, &web, "web-1", "active", at(1)),
        node(&row, &web, "web-2", "active", at(2)),
        node(&row, &web, "web-3", "new", at(3)),
    ];
    let db_nodes = vec![node(&row, &db, "db-1", "active", at(4))];
    let mut deleted_node = node(&row, &web, "web-0", "deleted", at(0));
    deleted_node.delete_time = Some(deleted_node.created_at);
    for n in web_nodes.iter().chain(&db_nodes).chain([&deleted_node]) {
        app.insert(n).await;
    }
    Fixture {
        cluster: row,
        web,
        db,
        web_nodes,
        db_nodes,
        deleted_node,
    }
}

async fn ok(app: &TestApp, path: &str, token: &str) -> (reqwest::header::HeaderMap, Value) {
    let response = app.get(path, token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

fn node_ids(pool: &NodePool) -> Vec<Uuid> {
    pool.nodes
        .as_ref()
        .expect("a pool read on its own carries its nodes")
        .iter()
        .map(|n| n.id)
        .collect()
}

fn row_ids(rows: &[DropletRow]) -> Vec<Uuid> {
    rows.iter().map(|r| r.droplet_id).collect()
}

fn time_param(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[tokio::test]
async fn a_cluster_is_returned_with_its_version_as_etag_and_304_on_match() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/clusters/{}", f.cluster.cluster_id);
    let (headers, body) = ok(&app, &path, ALICE).await;
    let typed: Cluster = conforms(&body);
    assert_eq!(
        headers["etag"],
        format!("\"{}\"", f.cluster.version).as_str()
    );
    assert_eq!(typed.version, f.cluster.version);
    assert_eq!(body, f.cluster.to_resource());
    assert_eq!(typed.kind, "cluster");
    assert_eq!(typed.status.state, "running");
    let pools: Vec<Uuid> = typed.node_pools.iter().map(|p| p.id).collect();
    assert_eq!(pools, vec![f.web.id, f.db.id]);
    assert!(
        typed
            .node_pools
            .iter()
            .all(|p| p.nodes.is_none() && p.node_counts.is_none()),
        "the cluster lists pool summaries only: {body}"
    );

    let cached = app
        .get(&path, ALICE)
        .header("if-none-match", format!("\"{}\"", f.cluster.version))
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
    assert_eq!(
        cached.headers()["etag"],
        format!("\"{}\"", f.cluster.version).as_str()
    );
    assert!(cached.bytes().await.unwrap().is_empty());
    let changed = app
        .get(&path, ALICE)
        .header("if-none-match", "\"6\"")
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let (_, admin) = ok(&app, &path, ADMIN).await;
    assert_eq!(admin, body);
}

#[tokio::test]
async fn a_cluster_shows_its_simulated_demand_or_null_for_the_default() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let mut spiky = cluster("alice", "spiky", Utc::now(), &[pool("web", 2)]);
    (spiky.demand_level, spiky.demand_profile) = (Some(70), Some("spike".into()));
    app.insert_cluster(&spiky).await;
    let (_, body) = ok(
        &app,
        &format!("/api/v1/clusters/{}", spiky.cluster_id),
        ALICE,
    )
    .await;
    let typed: Cluster = conforms(&body);
    let demand = typed.demand.expect("a demand was set");
    assert_eq!((demand.level, demand.profile.as_str()), (70, "spike"));
    let path = format!("/api/v1/clusters/{}", f.cluster.cluster_id);
    let (_, body) = ok(&app, &path, ALICE).await;
    assert_eq!(body["demand"], Value::Null, "never set: the default");
}

#[tokio::test]
async fn other_owners_unknown_and_malformed_cluster_ids_are_404() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let id = f.cluster.cluster_id;
    let pool_id = f.web.id;
    for path in [
        format!("/api/v1/clusters/{id}"),
        format!("/api/v1/clusters/{id}/node_pools"),
        format!("/api/v1/clusters/{id}/node_pools/{pool_id}"),
        format!("/api/v1/clusters/{id}/events"),
    ] {
        let response = app.get(&path, BOB).send().await.unwrap();
        assert_problem(response, 404, "NOT_FOUND").await;
    }
    let unknown = Uuid::now_v7();
    for path in [
        format!("/api/v1/clusters/{unknown}"),
        "/api/v1/clusters/not-a-uuid".to_owned(),
        format!("/api/v1/clusters/{unknown}/node_pools"),
        "/api/v1/clusters/not-a-uuid/node_pools".to_owned(),
        "/api/v1/clusters/not-a-uuid/events".to_owned(),
    ] {
        let response = app.get(&path, ALICE).send().await.unwrap();
        assert_problem(response, 404, "NOT_FOUND").await;
    }
}

#[tokio::test]
async fn cluster_lists_are_scoped_to_the_owner_and_filter_by_status() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let base = f.cluster.created_at;
    let mut starting = cluster(
        "alice",
        "staging",
        base + Duration::minutes(1),
        &[pool("w", 1)],
    );
    starting.status = "provisioning".into();
    app.insert_cluster(&starting).await;
    let mut gone = cluster("alice", "old", base + Duration::minutes(2), &[]);
    gone.status = "deleted".into();
    gone.delete_time = Some(gone.created_at);
    app.insert_cluster(&gone).await;
    let bobs = cluster("bob", "prod", base + Duration::minutes(3), &[pool("w", 1)]);
    app.insert_cluster(&bobs).await;

    let ids = |page: &ClusterPage| page.clusters.iter().map(|c| c.id).collect::<Vec<_>>();
    let (_, body) = ok(&app, "/api/v1/clusters", ALICE).await;
    let page: ClusterPage = conforms(&body);
    assert_eq!(
        ids(&page),
        vec![starting.cluster_id, f.cluster.cluster_id],
        "newest first, Bob's and deleted clusters hidden"
    );
    assert_eq!(page.meta.total, 2);
    assert!(page.next_page_token.is_none() && page.links.next.is_none());
    assert_eq!(body["clusters"][1], f.cluster.to_resource());

    let (_, body) = ok(
        &app,
        "/api/v1/clusters?filter=status%3D%22running%22",
        ALICE,
    )
    .await;
    let running: ClusterPage = conforms(&body);
    assert_eq!(ids(&running), vec![f.cluster.cluster_id]);
    assert_eq!(running.meta.total, 1);
    let (_, body) = ok(&app, "/api/v1/clusters?status=provisioning", ALICE).await;
    let provisioning: ClusterPage = conforms(&body);
    assert_eq!(ids(&provisioning), vec![starting.cluster_id]);

    let (_, body) = ok(&app, "/api/v1/clusters?show_deleted=true", ALICE).await;
    let all: ClusterPage = conforms(&body);
    assert_eq!(
        ids(&all),
        vec![gone.cluster_id, starting.cluster_id, f.cluster.cluster_id]
    );
    let gone_body = &body["clusters"][0];
    assert!(gone_body["delete_time"].is_string(), "{gone_body}");

    let (_, body) = ok(&app, "/api/v1/clusters", BOB).await;
    let bob: ClusterPage = conforms(&body);
    assert_eq!(ids(&bob), vec![bobs.cluster_id]);
    let (_, body) = ok(&app, "/api/v1/clusters", ADMIN).await;
    let admin: ClusterPage = conforms(&body);
    assert_eq!(admin.meta.total, 3);

    let bad = app
        .get("/api/v1/clusters?filter=owner%3D%22bob%22", ALICE)
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400, "INVALID_FILTER").await;
}

#[tokio::test]
async fn node_pools_carry_their_own_live_nodes_and_counts() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // A standalone droplet of the same owner is no node of anything.
    app.insert(&crate::test_app::droplet("alice", "standalone", Utc::now()))
        .await;
    let path = format!("/api/v1/clusters/{}/node_pools", f.cluster.cluster_id);
    let (_, body) = ok(&app, &path, ALICE).await;
    let page: NodePoolPage = conforms(&body);
    assert_eq!(page.meta.total, 2);
    assert!(page.next_page_token.is_none() && page.links.next.is_none());
    let [web, db] = page.node_pools.as_slice() else {
        panic!("two pools: {body}");
    };
    assert_eq!((web.id, db.id), (f.web.id, f.db.id));
    assert!(web.cluster_id == f.cluster.cluster_id && db.cluster_id == f.cluster.cluster_id);
    assert_eq!((web.count, db.count), (3, 2));

    assert_eq!(
        node_ids(web),
        row_ids(&f.web_nodes),
        "oldest first, own only"
    );
    assert_eq!(node_ids(db), row_ids(&f.db_nodes));
    assert!(
        !node_ids(web).contains(&f.deleted_node.droplet_id),
        "deleted nodes are gone from the pool"
    );
    let web_counts = web.node_counts.as_ref().expect("counts");
    assert_eq!(
        (web_counts.total, web_counts.running, web_counts.desired),
        (3, 2, 3)
    );
    let db_counts = db.node_counts.as_ref().expect("counts");
    assert_eq!(
        (db_counts.total, db_counts.running, db_counts.desired),
        (1, 1, 2)
    );
    let states: Vec<&str> = web
        .nodes
        .iter()
        .flatten()
        .map(|n| n.status.state.as_str())
        .collect();
    assert_eq!(states, ["running", "running", "provisioning"]);
    let nodes = body["node_pools"][0]["nodes"].as_array().unwrap();
    let expected: Vec<Value> = f
        .web_nodes
        .iter()
        .map(|n| serde_json::to_value(n.to_node()).unwrap())
        .collect();
    assert_eq!(nodes, &expected);
    for node in web.nodes.iter().flatten() {
        assert_eq!(node.node_pool_id, Some(f.web.id));
        assert_eq!(node.droplet_id, node.id);
    }
    let provisioning = &web.nodes.as_ref().unwrap()[2];
    assert!(provisioning.ready_at.is_none(), "a new node is not ready");

    let (_, admin) = ok(&app, &path, ADMIN).await;
    assert_eq!(admin, body);
}

#[tokio::test]
async fn one_node_pool_is_returned_with_its_nodes() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let id = f.cluster.cluster_id;
    let (_, listed) = ok(&app, &format!("/api/v1/clusters/{id}/node_pools"), ALICE).await;
    for (index, pool) in [&f.web, &f.db].into_iter().enumerate() {
        let path = format!("/api/v1/clusters/{id}/node_pools/{}", pool.id);
        let (headers, body) = ok(&app, &path, ALICE).await;
        let typed: NodePool = conforms(&body);
        assert_eq!(typed.id, pool.id);
        assert_eq!(typed.kind, "node_pool");
        assert_eq!(body, listed["node_pools"][index], "the same as in the list");
        assert_eq!(
            headers["etag"],
            format!("\"{}\"", f.cluster.version).as_str(),
            "a pool is versioned by its cluster"
        );
    }
    let (_, body) = ok(
        &app,
        &format!("/api/v1/clusters/{id}/node_pools/{}", f.web.id),
        ALICE,
    )
    .await;
    let web: NodePool = conforms(&body);
    assert_eq!(node_ids(&web), row_ids(&f.web_nodes));

    // A pool of another cluster is not a pool of this one.
    let other = cluster("alice", "other", Utc::now(), &[pool("x", 1)]);
    app.insert_cluster(&other).await;
    let foreign = other.pool_records()[0].id;
    for pool_id in [
        Uuid::now_v7().to_string(),
        "not-a-uuid".to_owned(),
        foreign.to_string(),
    ] {
        let path = format!("/api/v1/clusters/{id}/node_pools/{pool_id}");
        let response = app.get(&path, ALICE).send().await.unwrap();
        assert_problem(response, 404, "NOT_FOUND").await;
    }
}

#[tokio::test]
async fn the_timeline_is_oldest_first_and_filters_by_since() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let base = Utc::now() - Duration::minutes(30);
    let at = |minutes| base + Duration::minutes(minutes);
    // Inserted out of order: the answer orders them.
    let events = [
        cluster_event(&f.cluster, "node_pool.scaled", at(3)),
        cluster_event(&f.cluster, "cluster.created", at(0)),
        cluster_event(&f.cluster, "cluster.running", at(2)),
        cluster_event(&f.cluster, "node.provisioned", at(1)),
    ];
    for event in &events {
        app.insert_event(event).await;
    }
    let other = cluster("alice", "other", Utc::now(), &[]);
    app.insert_cluster(&other).await;
    app.insert_event(&cluster_event(&other, "cluster.created", at(1)))
        .await;

    let path = format!("/api/v1/clusters/{}/events", f.cluster.cluster_id);
    let (_, body) = ok(&app, &path, ALICE).await;
    let page: ClusterEventPage = conforms(&body);
    let types: Vec<&str> = page.events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "cluster.created",
            "node.provisioned",
            "cluster.running",
            "node_pool.scaled"
        ]
    );
    assert_eq!(page.meta.total, 4);
    assert_eq!(body["events"][0], events[1].to_resource());
    assert!(
        page.events
            .iter()
            .all(|e| e.subject.id == f.cluster.cluster_id)
    );

    let since = format!("{path}?since={}", time_param(at(2)));
    let (_, body) = ok(&app, &since, ALICE).await;
    let recent: ClusterEventPage = conforms(&body);
    let types: Vec<&str> = recent
        .events
        .iter()
        .map(|e| e.event_type.as_str())
        .collect();
    assert_eq!(
        types,
        ["cluster.running", "node_pool.scaled"],
        "since is >="
    );
    assert_eq!(recent.meta.total, 2);
    let (_, body) = ok(&app, &format!("{path}?since={}", time_param(at(4))), ALICE).await;
    let none: ClusterEventPage = conforms(&body);
    assert!(none.events.is_empty());
    assert_eq!(none.meta.total, 0);

    let garbage = app
        .get(&format!("{path}?since=garbage"), ALICE)
        .send()
        .await
        .unwrap();
    assert_problem(garbage, 400, "INVALID_ARGUMENT").await;
    let bobs = app.get(&path, BOB).send().await.unwrap();
    assert_problem(bobs, 404, "NOT_FOUND").await;
}

#[tokio::test]
async fn timeline_pages_keep_the_since_window() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let base = Utc::now() - Duration::minutes(30);
    for minute in 0..6 {
        let event = cluster_event(
            &f.cluster,
            &format!("step.{minute}"),
            base + Duration::minutes(minute),
        );
        app.insert_event(&event).await;
    }
    let since = time_param(base + Duration::minutes(2));
    for (order, expected) in [
        (
            "&order_by=occurred_at%20desc",
            ["step.5", "step.4", "step.3", "step.2"],
        ),
        ("", ["step.2", "step.3", "step.4", "step.5"]),
    ] {
        let mut next = Some(format!(
            "/api/v1/clusters/{}/events?page_size=2&since={since}{order}",
            f.cluster.cluster_id
        ));
        let (mut seen, mut totals, mut followed) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(path) = next.take() {
            assert!(followed.len() < 10, "paging ends: {followed:?}");
            let (_, body) = ok(&app, &path, ALICE).await;
            let page: ClusterEventPage = conforms(&body);
            totals.push(page.meta.total);
            seen.extend(page.events.iter().map(|e| e.event_type.clone()));
            followed.push(path);
            next = page.links.next;
        }
        assert_eq!(
            seen, expected,
            "following links.next stays inside ?since= (pages {followed:#?})"
        );
        assert!(
            totals.iter().all(|t| *t == 4),
            "every page counts the same window: {totals:?} (pages {followed:#?})"
        );
    }
}
