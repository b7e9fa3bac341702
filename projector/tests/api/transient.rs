//! A transient store failure rolls the whole batch back and retries it with backoff,
//! never advancing the checkpoint past records that did not commit.

use std::collections::BTreeMap;

use crate::records::{batch, claim, created, provisioned};
use crate::test_app::{TestEnv, checkpoints, eventually, partition_of, wait_for_offsets};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_store_is_retried_without_advancing() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let id = uuid::Uuid::now_v7();
    let p = partition_of(&id.to_string());
    env.produce(&claim(p, 1, "w1")).await;
    let created_at = env
        .produce(&batch(p, id, 0, (1, "w1"), &[created(id, "web-1", 1)]))
        .await;
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, created_at + 1)])).await;

    // Hiding a table the batch needs makes every attempt fail inside the transaction.
    sqlx::query("RENAME TABLE projected_aggregate TO projected_aggregate_hidden")
        .execute(&app.pool)
        .await
        .unwrap();
    let last = env
        .produce(&batch(p, id, 1, (1, "w1"), &[provisioned(4, 2)]))
        .await;
    eventually("two retries", || async {
        (app.metric("clustergenie_projector_batch_retries_total")
            .await
            >= 2.0)
            .then_some(())
    })
    .await;
    assert_eq!(checkpoints(&app.pool).await[&p], created_at + 1);

    sqlx::query("RENAME TABLE projected_aggregate_hidden TO projected_aggregate")
        .execute(&app.pool)
        .await
        .unwrap();
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;
    let mut conn = app.pool.acquire().await.unwrap();
    let row = projector::views::state::load::<views::droplet::DropletRow>(&mut conn, id)
        .await
        .unwrap()
        .expect("row");
    assert_eq!((row.status.as_str(), row.version), ("active", 2));
    drop(conn);
    app.stop().await;
}
