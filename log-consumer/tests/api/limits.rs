//! Bounds: a batch closes at `batch.max_lines` (pushes never carry more), and the
//! retention purge deletes log-consumer's old lines and parked records but never the
//! projector's job-event lines (`service = 'worker'`).

use chrono::{Duration, Utc};
use log_consumer::sink::Sink;

use crate::receiver::Receiver;
use crate::support::{World, eventually, record};

#[tokio::test]
async fn a_batch_closes_at_max_lines() {
    let loki = Receiver::start();
    let mut world = World::new(&["query-api"], &loki.url).await;
    world.settings.batch.max_lines = 5;
    let payloads: Vec<Vec<u8>> = (0..12)
        .map(|n| {
            record(
                "query-api",
                "info",
                &format!("2026-12-05T10:00:{n:02}Z"),
                "l",
                "",
            )
        })
        .collect();
    world.produce("query-api", &payloads).await;
    let app = world.start().await;
    eventually("twelve entries", || async {
        (loki.entries().len() == 12).then_some(())
    })
    .await;
    let sizes: Vec<usize> = loki
        .accepted()
        .iter()
        .map(|push| push.request.streams.iter().map(|s| s.entries.len()).sum())
        .collect();
    assert!(sizes.len() >= 3, "{sizes:?}");
    assert!(sizes.iter().all(|n| *n <= 5), "{sizes:?}");
    app.stop().await;
}

#[tokio::test]
async fn the_purge_keeps_recent_lines_and_every_worker_line() {
    let world = World::new(&[], "").await;
    // The sink alone: a running app would purge on its own schedule meanwhile.
    platform::db::migrate(&world.pool)
        .await
        .expect("migrations");
    let old = Utc::now() - Duration::days(10);
    for (service, key) in [("command-api", "old-sink"), ("worker", "old-worker")] {
        sqlx::query(
            "INSERT INTO log_lines (service, level, ts, message, source_key) VALUES (?, 'info', ?, 'm', ?)",
        )
        .bind(service)
        .bind(old)
        .bind(key)
        .execute(&world.pool)
        .await
        .expect("line");
    }
    sqlx::query(
        "INSERT INTO log_lines (service, level, ts, message, source_key) VALUES ('command-api', 'info', ?, 'm', 'new-sink')",
    )
    .bind(Utc::now())
    .execute(&world.pool)
    .await
    .expect("line");
    sqlx::query(
        "INSERT INTO log_parked (source_key, topic, kafka_partition, kafka_offset, reason, payload, parked_at) \
         VALUES ('old-parked', 't', 0, 0, 'r', 'x', ?)",
    )
    .bind(old)
    .execute(&world.pool)
    .await
    .expect("parked");

    let purged = Sink::new(world.pool.clone())
        .purge(Utc::now() - Duration::days(7))
        .await
        .expect("purge");
    assert_eq!(purged, 2);
    let left: Vec<String> = world.log_lines().await.into_keys().collect();
    assert_eq!(left, ["new-sink", "old-worker"]);
    assert!(world.parked().await.is_empty());
}
