//! Restarting the projector on the same database resumes from the checkpoint stored in
//! MariaDB: nothing is applied twice and versions and checkpoints stay consistent.

use std::collections::BTreeMap;

use crate::records::{batch, claim, created, id_on, provisioned};
use crate::test_app::{PARTITIONS, TestEnv, checkpoints, wait_for_offsets};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_projector_resumes_from_its_checkpoint() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let ids: Vec<_> = (0..3).map(|p| (p, id_on(p, PARTITIONS))).collect();
    let mut ends = BTreeMap::new();
    for (p, id) in &ids {
        env.produce(&claim(*p, 1, "w1")).await;
        let offset = env
            .produce(&batch(*p, *id, 0, (1, "w1"), &[created(*id, "d", 1)]))
            .await;
        ends.insert(*p, offset + 1);
    }
    wait_for_offsets(&app.pool, &ends).await;
    let database_url = app.database_url.clone();
    app.stop().await;

    for (p, id) in &ids {
        let offset = env
            .produce(&batch(*p, *id, 1, (1, "w1"), &[provisioned(3, 2)]))
            .await;
        ends.insert(*p, offset + 1);
    }
    let app = env.spawn_app_on(&database_url, &env.group).await;
    wait_for_offsets(&app.pool, &ends).await;

    assert_eq!(checkpoints(&app.pool).await, ends);
    let versions: Vec<(String, u64)> = sqlx::query_as(
        "SELECT aggregate_id, version FROM projected_aggregate ORDER BY aggregate_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(versions.len(), 3);
    assert!(versions.iter().all(|(_, v)| *v == 2), "{versions:?}");
    let statuses: Vec<(String, u64)> = sqlx::query_as("SELECT status, version FROM droplet")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(
        statuses.iter().all(|(s, v)| s == "active" && *v == 2),
        "{statuses:?}"
    );
    // Only the three new records went through the second instance.
    assert_eq!(
        app.metric("clustergenie_projector_records_total{outcome=\"applied\"}")
            .await,
        3.0
    );
    assert_eq!(
        app.metric("clustergenie_projector_records_total{outcome=\"ignored\"}")
            .await,
        0.0
    );
    app.stop().await;
}
