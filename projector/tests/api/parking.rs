//! Sequenced dead-letter: an undecodable record and an unknown event type are parked
//! with their reasons, later records of the same aggregate park behind them, other
//! aggregates continue and the checkpoint moves past all of them; the parked gauges say so.

use std::collections::BTreeMap;

use domain::record::Record;

use crate::records::{TestRecord, batch, claim, created, garbage, id_on, provisioned};
use crate::test_app::{PARTITIONS, TestEnv, wait_for_offsets};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unappliable_records_are_parked_and_block_only_their_aggregate() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let p = 1;
    let [a, b, c] = [
        id_on(p, PARTITIONS),
        id_on(p, PARTITIONS),
        id_on(p, PARTITIONS),
    ];
    env.produce(&claim(p, 1, "w1")).await;
    env.produce(&batch(p, a, 0, (1, "w1"), &[created(a, "a", 1)]))
        .await;
    let bad = env.produce(&garbage(p, &a.to_string())).await;
    let behind = env
        .produce(&batch(p, a, 1, (1, "w1"), &[provisioned(1, 2)]))
        .await;
    env.produce(&batch(p, b, 0, (1, "w1"), &[created(b, "b", 1)]))
        .await;
    let unknown = env.produce(&unknown_event(p, c)).await;
    let last = env
        .produce(&batch(p, b, 1, (1, "w1"), &[provisioned(2, 2)]))
        .await;
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;

    let parked: Vec<(u64, i64, Option<String>, String, bool)> = sqlx::query_as(
        "SELECT parked_event_id, record_offset, aggregate_id, reason, record_value IS NOT NULL \
         FROM parked_event ORDER BY record_offset",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(parked.len(), 3, "{parked:?}");
    let (first_id, ..) = parked[0];
    assert_eq!(
        (parked[0].1, parked[0].2.as_deref()),
        (bad, Some(a.to_string().as_str()))
    );
    assert!(
        parked[0].3.starts_with("undecodable record"),
        "{}",
        parked[0].3
    );
    assert_eq!(
        (parked[1].1, parked[1].3.clone()),
        (behind, format!("blocked by parked record {first_id}"))
    );
    assert_eq!(
        (parked[2].1, parked[2].2.clone()),
        (unknown, Some(c.to_string()))
    );
    assert!(
        parked[2].3.contains("unknown event type"),
        "{}",
        parked[2].3
    );
    assert!(parked.iter().all(|row| row.4), "raw values are kept");

    let mut conn = app.pool.acquire().await.unwrap();
    let row_a = projector::views::state::load::<views::droplet::DropletRow>(&mut conn, a)
        .await
        .unwrap()
        .expect("a");
    let row_b = projector::views::state::load::<views::droplet::DropletRow>(&mut conn, b)
        .await
        .unwrap()
        .expect("b");
    assert_eq!((row_a.status.as_str(), row_a.version), ("new", 1));
    assert_eq!((row_b.status.as_str(), row_b.version), ("active", 2));
    assert!(
        projector::views::state::load::<views::droplet::DropletRow>(&mut conn, c)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        app.metric("clustergenie_projector_records_total{outcome=\"parked\"}")
            .await,
        3.0
    );
    // The dead-letter probe's gauges: how many are parked, and the oldest one's age.
    let gauged = platform::testing::eventually(std::time::Duration::from_secs(10), || async {
        app.metric("clustergenie_projector_parked_records").await == 3.0
            && app
                .metric("clustergenie_projector_parked_oldest_age_seconds")
                .await
                > 0.0
    })
    .await;
    assert!(gauged, "the parked gauges report the parked records");
    drop(conn);
    app.stop().await;
}

/// A well-formed batch whose event type no reader knows.
fn unknown_event(partition: i32, id: uuid::Uuid) -> TestRecord {
    let mut record = batch(partition, id, 0, (1, "w1"), &[created(id, "c", 1)]);
    let Ok(Record::Batch(mut decoded)) = proto::decode_record(&record.value) else {
        unreachable!("a batch was built")
    };
    decoded.events[0].event_type = "droplet.teleported".into();
    record.value = proto::encode_record(&Record::Batch(decoded));
    record
}

/// When the store rejects a batch's writes as data (here a region longer than its
/// column), the batch is redone record by record: only the offending record is parked,
/// the others in the same reader batch are applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_the_store_rejects_is_parked_alone() {
    let env = TestEnv::new();
    let p = 2;
    let [good, bad] = [id_on(p, PARTITIONS), id_on(p, PARTITIONS)];
    let mut oversized = created(bad, "bad", 1);
    if let domain::droplet::DropletEvent::CreationRequested(c) = &mut oversized {
        c.region = "r".repeat(40);
    }
    // Produced before the projector starts, so they arrive in one reader batch.
    env.produce(&claim(p, 1, "w1")).await;
    env.produce(&batch(p, good, 0, (1, "w1"), &[created(good, "good", 1)]))
        .await;
    let rejected = env
        .produce(&batch(p, bad, 0, (1, "w1"), &[oversized]))
        .await;
    let last = env
        .produce(&batch(p, good, 1, (1, "w1"), &[provisioned(3, 2)]))
        .await;
    let app = env.spawn_app().await;
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;

    let parked: Vec<(i64, String)> =
        sqlx::query_as("SELECT record_offset, reason FROM parked_event")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(parked.len(), 1, "{parked:?}");
    assert_eq!(parked[0].0, rejected);
    assert!(
        parked[0].1.starts_with("the store rejected the record"),
        "{}",
        parked[0].1
    );
    let mut conn = app.pool.acquire().await.unwrap();
    let row = projector::views::state::load::<views::droplet::DropletRow>(&mut conn, good)
        .await
        .unwrap()
        .expect("good");
    assert_eq!((row.status.as_str(), row.version), ("active", 2));
    assert!(
        projector::views::state::load::<views::droplet::DropletRow>(&mut conn, bad)
            .await
            .unwrap()
            .is_none()
    );
    drop(conn);
    app.stop().await;
}
