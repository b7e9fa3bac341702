//! The samples subscription: records of `<prefix>metrics.samples` become `metric_sample`
//! rows once each (a redelivered or re-pushed `sample_id` inserts nothing), an older
//! sample never moves `metric_latest` back, an undecodable record is skipped without
//! stopping the others, and the checkpoint covers them all; the retention purge deletes
//! expired samples in chunks by the injected clock.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use domain::telemetry::{MetricSample, MetricType, SampleSource};
use platform::clock::{ManualClock, SharedClock};
use projector::samples::retention::Retention;
use rdkafka::producer::FutureRecord;
use sqlx::MySqlPool;
use uuid::Uuid;

use crate::test_app::{PARTITIONS, TestEnv, eventually};

fn at(secs_ago: i64) -> DateTime<Utc> {
    (Utc::now() - chrono::Duration::seconds(secs_ago)).trunc_subsecs(6)
}

fn sample(
    cluster: Uuid,
    node: Uuid,
    metric: MetricType,
    value: f64,
    at: DateTime<Utc>,
) -> MetricSample {
    MetricSample {
        sample_id: Uuid::now_v7(),
        cluster_id: cluster,
        node_id: node,
        metric,
        value,
        at,
        source: SampleSource::Simulator,
    }
}

async fn produce(env: &TestEnv, key: &str, value: &[u8]) {
    let producer = platform::kafka::producer(env.kafka.bootstrap_servers()).unwrap();
    let topic = format!("{}metrics.samples", env.topic_prefix);
    producer
        .send(
            FutureRecord::to(&topic).key(key).payload(value),
            Duration::from_secs(10),
        )
        .await
        .map_err(|(e, _)| e)
        .expect("sample delivered");
}

async fn covered(pool: &MySqlPool) -> i64 {
    projector::checkpoint::all(pool, projector::samples::PROJECTION)
        .await
        .unwrap()
        .values()
        .sum()
}

#[tokio::test]
async fn samples_are_projected_once_and_the_latest_only_moves_forward() {
    let env = TestEnv::new();
    platform::testing::create_topics(
        env.kafka.bootstrap_servers(),
        &[(format!("{}metrics.samples", env.topic_prefix), PARTITIONS)],
    );
    let app = env.spawn_app().await;
    let (cluster, node) = (Uuid::now_v7(), Uuid::now_v7());
    let key = cluster.to_string();
    let fresh = sample(cluster, node, MetricType::Cpu, 50.0, at(5));
    let older = sample(cluster, node, MetricType::Cpu, 99.0, at(60));
    let memory = sample(cluster, node, MetricType::Memory, 70.0, at(5));
    for s in [&fresh, &fresh, &older] {
        produce(&env, &key, &proto::encode_sample(s)).await;
    }
    produce(&env, &key, b"\xff not a sample").await;
    produce(&env, &key, &proto::encode_sample(&memory)).await;
    // Five records, all in the cluster's partition: the checkpoint covers them all.
    eventually("the samples checkpoint to cover every record", || async {
        (covered(&app.pool).await >= 5).then_some(())
    })
    .await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM metric_sample WHERE cluster_id = ?")
        .bind(cluster)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        count, 3,
        "the duplicate is stored once, the bad record skipped"
    );
    let latest: Vec<(String, f64, Uuid)> = sqlx::query_as(
        "SELECT metric_type, value, sample_id FROM metric_latest WHERE cluster_id = ? ORDER BY metric_type",
    )
    .bind(cluster)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        latest,
        vec![
            ("cpu".to_owned(), 50.0, fresh.sample_id),
            ("memory".to_owned(), 70.0, memory.sample_id)
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn retention_purges_expired_samples_in_chunks_by_the_injected_clock() {
    let database_url = platform::testing::scratch_database().await;
    let pool = MySqlPool::connect(&database_url).await.unwrap();
    platform::db::migrate(&pool).await.unwrap();
    let start = Utc::now().trunc_subsecs(6);
    let (cluster, node) = (Uuid::now_v7(), Uuid::now_v7());
    let mut conn = pool.acquire().await.unwrap();
    for hours_ago in [100, 90, 80, 75, 74, 73, 72] {
        let s = sample(
            cluster,
            node,
            MetricType::Disk,
            10.0,
            start - chrono::Duration::hours(hours_ago) - chrono::Duration::minutes(1),
        );
        projector::samples::store::insert(&mut conn, &s)
            .await
            .unwrap();
    }
    for hours_ago in [71, 1] {
        let s = sample(
            cluster,
            node,
            MetricType::Disk,
            10.0,
            start - chrono::Duration::hours(hours_ago),
        );
        projector::samples::store::insert(&mut conn, &s)
            .await
            .unwrap();
    }
    drop(conn);
    let clock = Arc::new(ManualClock::new(start));
    let retention = Retention {
        table: "metric_sample",
        time_column: "sampled_at",
        pool: pool.clone(),
        clock: Arc::clone(&clock) as SharedClock,
        retention: chrono::Duration::hours(72),
        chunk: 2,
        interval: Duration::from_secs(60),
    };
    assert_eq!(
        retention.purge().await.unwrap(),
        7,
        "every expired sample, two at a time"
    );
    assert_eq!(retention.purge().await.unwrap(), 0);
    let left = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM metric_sample")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(left().await, 2);
    clock.advance(chrono::Duration::hours(2));
    assert_eq!(
        retention.purge().await.unwrap(),
        1,
        "the 71 h old sample expires"
    );
    assert_eq!(left().await, 1);
    let latest: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM metric_latest")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(latest, 1, "the latest sample is not purged by age");
}
