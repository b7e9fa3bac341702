//! The usage view on droplet events driven through `replay` (the projector's own batch
//! path, no Kafka): a run opens at provisioned, is split at a resize, powered-off time
//! stays inside it, and it closes at deleted; a node's runs carry its cluster and pool.
//! Applying the same records again (under a second checkpoint) writes nothing twice, and
//! a rebuild into a fresh database gives the identical table.

use chrono::{DateTime, Utc};
use domain::droplet::{DropletEvent, NodeOf};
use platform::kafka::LogEntry;
use projector::batch::Target;
use sqlx::MySqlPool;
use uuid::Uuid;
use views::billing::{COLUMNS, UsageIntervalRow};

use crate::records::{TestRecord, at, batch, claim, created, provisioned};
use crate::test_app::migrated_store;

fn entry(offset: i64, record: TestRecord) -> LogEntry {
    LogEntry {
        partition: record.partition,
        offset,
        key: Some(record.key.into_bytes()),
        value: Some(record.value),
        headers: record
            .headers
            .into_iter()
            .map(|(k, v)| (k, v.into_bytes()))
            .collect(),
        timestamp_ms: None,
    }
}

fn resized(second: i64) -> DropletEvent {
    DropletEvent::Resized {
        size_slug: "s-2vcpu-4gb".into(),
        vcpus: 2,
        memory_mb: 4096,
        disk_gb: 80,
        at: at(second),
        operation_id: None,
    }
}

/// A droplet's life on partition 0: created and provisioned, powered off, resized,
/// deleted; and a cluster node that is provisioned and still runs.
fn life(droplet: Uuid, node: Uuid, cluster: NodeOf) -> Vec<LogEntry> {
    let mut node_created = created(node, "pool-node-1", 1);
    if let DropletEvent::CreationRequested(c) = &mut node_created {
        c.node_of = Some(cluster);
    }
    let records = vec![
        claim(0, 1, "w1"),
        batch(
            0,
            droplet,
            0,
            (1, "w1"),
            &[created(droplet, "web-1", 1), provisioned(1, 10)],
        ),
        batch(
            0,
            droplet,
            2,
            (1, "w1"),
            &[DropletEvent::PoweredOff {
                at: at(100),
                operation_id: None,
            }],
        ),
        batch(0, droplet, 3, (1, "w1"), &[resized(200)]),
        batch(
            0,
            droplet,
            4,
            (1, "w1"),
            &[
                DropletEvent::DeletionRequested {
                    at: at(300),
                    operation_id: None,
                    superseded: None,
                },
                DropletEvent::Deleted {
                    at: at(400),
                    purge_at: at(9_000),
                    operation_id: None,
                },
            ],
        ),
        batch(0, node, 0, (1, "w1"), &[node_created, provisioned(2, 50)]),
    ];
    records
        .into_iter()
        .enumerate()
        .map(|(i, r)| entry(i as i64, r))
        .collect()
}

type Run = (
    Uuid,
    String,
    u32,
    Option<Uuid>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    bool,
);

async fn runs(pool: &MySqlPool) -> Vec<Run> {
    sqlx::query_as(
        "SELECT droplet_id, size_slug, vcpus, cluster_id, start_time, end_time, closed_by IS NOT NULL \
         FROM usage_interval ORDER BY droplet_id, start_time",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The whole table, every column, in key order.
async fn table(pool: &MySqlPool) -> Vec<UsageIntervalRow> {
    let sql = format!(
        "SELECT {} FROM usage_interval ORDER BY event_id",
        COLUMNS.join(", ")
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_droplets_runs_open_at_provisioned_split_at_resize_and_close_at_deleted() {
    let (droplet, node) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let cluster = NodeOf {
        cluster_id: Uuid::from_u128(7),
        node_pool_id: Uuid::from_u128(8),
    };
    let entries = life(droplet, node, cluster);
    let projection = projector::startup::projection();
    let live = Target::live(&projection);
    let pool = migrated_store().await;
    projector::replay::replay(&pool, live, &entries)
        .await
        .unwrap();

    assert_eq!(
        runs(&pool).await,
        vec![
            // Powered off at 100 s: still the same run, still billing.
            (
                droplet,
                "s-1vcpu-1gb".into(),
                1,
                None,
                at(10),
                Some(at(200)),
                true
            ),
            (
                droplet,
                "s-2vcpu-4gb".into(),
                2,
                None,
                at(200),
                Some(at(400)),
                true
            ),
            (
                node,
                "s-1vcpu-1gb".into(),
                1,
                Some(cluster.cluster_id),
                at(50),
                None,
                false
            ),
        ]
    );
    let before = table(&pool).await;

    // The same records applied again (another checkpoint, same tables): nothing twice.
    let again = Target {
        name: "usage_dedupe_test",
        projection: &projection,
    };
    projector::replay::replay(&pool, again, &entries)
        .await
        .unwrap();
    assert_eq!(table(&pool).await, before);

    // A rebuild from the log gives the identical table.
    let rebuilt = migrated_store().await;
    projector::replay::replay(&rebuilt, live, &entries)
        .await
        .unwrap();
    assert_eq!(table(&rebuilt).await, before);
}
