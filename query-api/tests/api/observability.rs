//! `/api/v1/observability/{partitions,projection,workers}` (api.md §11): assembled from
//! the snapshots services publish on the status board (real Redis), merged per
//! partition (serving wins; silent partitions are `unowned`), bodies conforming to the
//! contract types, 401 without a token, and a snapshot that expires disappears.

use std::time::Duration;

use contract::observability::{
    PartitionOwnership, Partitions, Projection, ProjectionLag, WorkerLease, WorkerPool, Workers,
};
use platform::status::StatusBoard;
use platform::testing::conforms;

use crate::test_app::{ALICE, TestApp, assert_problem, spawn_app};

fn board(app: &TestApp) -> StatusBoard {
    StatusBoard::new(app.redis.clone(), &app.prefix)
}

fn owned(partition: i32, owner: &str, epoch: u64, phase: &str) -> PartitionOwnership {
    PartitionOwnership {
        partition,
        owner: Some(owner.into()),
        epoch,
        phase: phase.into(),
        next_offset: 40 + i64::from(partition),
        published_at: Some("2026-12-02T10:00:00+00:00".into()),
    }
}

async fn read<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str) -> T {
    let response = app.get(path, ALICE).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let body: serde_json::Value = response.json().await.unwrap();
    conforms::<T>(&body)
}

#[tokio::test]
async fn partitions_merge_every_instance_report_and_fill_the_rest_as_unowned() {
    let app = spawn_app().await;
    let ttl = Duration::from_secs(30);
    let old = Partitions {
        partitions: vec![owned(0, "old", 1, "fenced"), owned(1, "old", 2, "serving")],
    };
    let new = Partitions {
        partitions: vec![owned(0, "new", 2, "serving")],
    };
    board(&app)
        .publish("partitions", "old", &old, ttl)
        .await
        .unwrap();
    board(&app)
        .publish("partitions", "new", &new, ttl)
        .await
        .unwrap();

    let body: Partitions = read(&app, "/api/v1/observability/partitions").await;

    assert_eq!(body.partitions.len(), app.partitions as usize);
    assert_eq!(body.partitions[0].owner.as_deref(), Some("new"));
    assert_eq!(body.partitions[0].epoch, 2);
    assert_eq!(body.partitions[1].owner.as_deref(), Some("old"));
    let rest = &body.partitions[2..];
    assert!(
        rest.iter()
            .all(|p| p.phase == "unowned" && p.owner.is_none()),
        "{rest:?}"
    );
}

#[tokio::test]
async fn projection_shows_each_partition_once_and_workers_each_instance() {
    let app = spawn_app().await;
    let ttl = Duration::from_secs(30);
    let lag = |partition, checkpoint, high| ProjectionLag {
        partition,
        checkpoint,
        high_watermark: high,
        lag_records: high - checkpoint,
        lag_seconds: if high > checkpoint { 1.5 } else { 0.0 },
    };
    let snapshot = Projection {
        projection: "read_models_v1".into(),
        partitions: vec![lag(1, 7, 9), lag(0, 5, 5)],
        published_at: Some("2026-12-02T10:00:00+00:00".into()),
    };
    board(&app)
        .publish("projection", "p-1", &snapshot, ttl)
        .await
        .unwrap();
    let pool = WorkerPool {
        instance: "writer-a".into(),
        size: 4,
        busy: 1,
        queue_capacity: 100,
        leases: vec![WorkerLease {
            job_id: "0193a0d2-0000-7000-8000-000000000001".into(),
            queue: "default".into(),
            lease_until: "2026-12-02T10:00:30+00:00".into(),
        }],
        first_queued: vec!["0193a0d2-0000-7000-8000-000000000002".into()],
        published_at: "2026-12-02T10:00:00+00:00".into(),
    };
    board(&app)
        .publish("workers", "writer-a", &pool, ttl)
        .await
        .unwrap();

    let projection: Projection = read(&app, "/api/v1/observability/projection").await;
    let partitions: Vec<i32> = projection.partitions.iter().map(|p| p.partition).collect();
    assert_eq!(partitions, vec![0, 1]);
    assert_eq!(projection.partitions[1].lag_records, 2);
    assert_eq!(projection.partitions[1].lag_seconds, 1.5);

    let workers: Workers = read(&app, "/api/v1/observability/workers").await;
    assert_eq!(workers.instances, vec![pool]);
}

#[tokio::test]
async fn an_expired_snapshot_disappears() {
    let app = spawn_app().await;
    let pool = WorkerPool {
        instance: "writer-b".into(),
        size: 2,
        busy: 0,
        queue_capacity: 100,
        leases: Vec::new(),
        first_queued: Vec::new(),
        published_at: "2026-12-02T10:00:00+00:00".into(),
    };
    board(&app)
        .publish("workers", "writer-b", &pool, Duration::from_secs(1))
        .await
        .unwrap();
    let seen: Workers = read(&app, "/api/v1/observability/workers").await;
    assert_eq!(seen.instances.len(), 1);
    // Redis expires the key; wait on that condition with a deadline.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now: Workers = read(&app, "/api/v1/observability/workers").await;
        if now.instances.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the snapshot never expired"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn observability_needs_a_token() {
    let app = spawn_app().await;
    for path in ["partitions", "projection", "workers"] {
        let response = app
            .client
            .get(format!("{}/api/v1/observability/{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_problem(response, 401, "UNAUTHENTICATED").await;
    }
}
