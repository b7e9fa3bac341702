//! The validity rule in the projector: a zombie batch (an older claim after a newer
//! one), a version gap and a stale claim are ignored and counted; the row is unchanged.

use std::collections::BTreeMap;

use crate::records::{batch, claim, created, provisioned};
use crate::test_app::{TestEnv, partition_of, wait_for_offsets};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zombie_batches_version_gaps_and_stale_claims_are_ignored() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let id = uuid::Uuid::now_v7();
    let p = partition_of(&id.to_string());
    env.produce(&claim(p, 1, "old")).await;
    env.produce(&batch(p, id, 0, (1, "old"), &[created(id, "web-1", 1)]))
        .await;
    env.produce(&claim(p, 2, "new")).await;
    // A fenced writer keeps appending with its old claim.
    env.produce(&batch(p, id, 1, (1, "old"), &[provisioned(66, 2)]))
        .await;
    // The current writer, but not continuing the aggregate's version.
    env.produce(&batch(p, id, 5, (2, "new"), &[provisioned(55, 3)]))
        .await;
    // A claim that does not exceed the current epoch.
    let last = env.produce(&claim(p, 2, "other")).await;
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;

    let mut conn = app.pool.acquire().await.unwrap();
    let row = projector::views::state::load::<views::droplet::DropletRow>(&mut conn, id)
        .await
        .unwrap()
        .expect("row");
    assert_eq!(
        (row.status.as_str(), row.ipv4, row.version),
        ("new", None, 1)
    );
    assert_eq!(
        app.metric("clustergenie_projector_records_total{outcome=\"ignored\"}")
            .await,
        3.0
    );
    let claim: (u64, String) = sqlx::query_as(
        "SELECT claim_epoch, claim_writer FROM projection_checkpoint WHERE partition_id = ?",
    )
    .bind(p)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(claim, (2, "new".to_owned()));

    // The current writer continuing from version 1 is applied.
    let last = env
        .produce(&batch(p, id, 1, (2, "new"), &[provisioned(9, 4)]))
        .await;
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;
    let row = projector::views::state::load::<views::droplet::DropletRow>(&mut conn, id)
        .await
        .unwrap()
        .expect("row");
    assert_eq!(
        (row.status.as_str(), row.ipv4.as_deref(), row.version),
        ("active", Some("10.0.0.9"), 2)
    );
    drop(conn);
    app.stop().await;
}
