//! The happy path: a claim and valid droplet batches become a row, a checkpoint, a
//! cached representation and a change notification; health and metrics answer.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::StreamExt;
use platform::testing::redis_url;
use views::droplet::DropletRow;
use views::notify::{ChangeNotification, cache_key, changes_channel};

use crate::records::{batch, claim, created, provisioned};
use crate::test_app::{TestEnv, partition_of, wait_for_offsets};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_batches_become_a_row_a_cache_entry_and_a_notification() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let client = deadpool_redis::redis::Client::open(redis_url()).expect("redis client");
    let mut pubsub = client.get_async_pubsub().await.expect("pubsub");
    pubsub
        .subscribe(changes_channel(&env.redis_prefix))
        .await
        .expect("subscribed");

    let id = uuid::Uuid::now_v7();
    let p = partition_of(&id.to_string());
    env.produce(&claim(p, 1, "w1")).await;
    env.produce(&batch(p, id, 0, (1, "w1"), &[created(id, "web-1", 1)]))
        .await;
    let last = env
        .produce(&batch(p, id, 1, (1, "w1"), &[provisioned(7, 2)]))
        .await;
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;

    let row = projector::views::state::load::<views::droplet::DropletRow>(
        &mut app.pool.acquire().await.unwrap(),
        id,
    )
    .await
    .unwrap()
    .expect("row exists");
    assert_eq!(
        (
            row.name.as_str(),
            row.status.as_str(),
            row.ipv4.as_deref(),
            row.version
        ),
        ("web-1", "active", Some("10.0.0.7"), 2)
    );
    assert_eq!(
        (row.owner.as_str(), row.vcpus, row.locked),
        ("alice", 1, false)
    );
    let checkpoint: (i64, u64, String) = sqlx::query_as(
        "SELECT next_offset, claim_epoch, claim_writer FROM projection_checkpoint WHERE partition_id = ?",
    )
    .bind(p)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(checkpoint, (3, 1, "w1".to_owned()));
    let (version,): (u64,) =
        sqlx::query_as("SELECT version FROM projected_aggregate WHERE aggregate_id = ?")
            .bind(id.to_string())
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(version, 2);

    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let cached: String = deadpool_redis::redis::cmd("GET")
        .arg(cache_key(&env.redis_prefix, "droplet", &id.to_string()))
        .query_async(&mut conn)
        .await
        .expect("cached");
    assert_eq!(serde_json::from_str::<DropletRow>(&cached).unwrap(), row);

    let mut seen = BTreeSet::new();
    let mut messages = pubsub.on_message();
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), messages.next())
            .await
            .expect("a notification arrives")
            .expect("stream open");
        let note: ChangeNotification = serde_json::from_slice(message.get_payload_bytes()).unwrap();
        assert_eq!(note.partition, p);
        seen.extend(note.aggregates);
        if note.next_offset == 3 {
            break;
        }
    }
    // The creation started an operation, whose row changed too.
    let operation = uuid::Uuid::from_u128(id.as_u128() ^ 0xffff);
    assert_eq!(
        seen,
        BTreeSet::from([format!("droplet:{id}"), format!("operation:{operation}")])
    );
    drop(messages);

    assert_eq!(app.get("/healthz").await.0, 200);
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.metric("clustergenie_projector_records_total{outcome=\"applied\"}")
            .await,
        3.0
    );
    let (_, metrics) = app.get("/metrics").await;
    assert!(
        metrics.contains("clustergenie_projector_batch_duration_seconds"),
        "{metrics}"
    );
    app.stop().await;
}
