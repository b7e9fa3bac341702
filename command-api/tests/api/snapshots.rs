//! Write-model snapshots (issue 9 item 3): a writer that snapshots every few records
//! stores chunked, checksummed snapshots in `<prefix>cluster-events.snapshots`; a
//! restarted writer restores from them plus the tail, with versions and Idempotency-Key
//! outcomes intact; a corrupt chunk makes restore fall back to the full log.

use std::time::Duration;

use command_api::writer::SnapshotStore;
use platform::testing::eventually;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use serde_json::Value;

use crate::helpers::{Log, MEMBER, PARTITIONS, TestApp, droplet_body, settings, spawn_with};

const DROPLETS: usize = 12;

fn store(log: &Log) -> SnapshotStore {
    let topic = format!("{}.snapshots", log.topic());
    SnapshotStore::new(log.kafka.bootstrap_servers(), &topic).expect("a store")
}

/// Partitions whose newest snapshot loads and verifies.
async fn snapshotted(store: &SnapshotStore) -> Vec<i32> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        (0..PARTITIONS)
            .filter(|p| matches!(store.load_blocking(*p), Ok(Some(_))))
            .collect()
    })
    .await
    .expect("join")
}

async fn create(app: &TestApp, n: usize) -> reqwest::Response {
    app.post("/api/v1/droplets", MEMBER)
        .header("Idempotency-Key", format!("snap-{n}"))
        .json(&droplet_body(&format!("snap-{n}")))
        .send()
        .await
        .expect("request")
}

async fn delete(app: &TestApp, id: &str, version: u64) -> reqwest::Response {
    app.delete(&format!("/api/v1/droplets/{id}"), MEMBER)
        .header("If-Match", format!("\"{version}\""))
        .send()
        .await
        .expect("request")
}

/// Sum of the restore histogram's counts for `source`.
async fn restores(app: &TestApp, source: &str) -> f64 {
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let needle = format!("source=\"{source}\"");
    text.lines()
        .filter(|l| {
            l.starts_with("clustergenie_partition_restore_duration_seconds_count")
                && l.contains(&needle)
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Droplets created with keys, snapshots written, then a tail of deletes.
async fn history(app: &TestApp, store: &SnapshotStore) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 0..DROPLETS {
        let response = create(app, n).await;
        assert_eq!(response.status(), 202);
        let body: Value = response.json().await.expect("json");
        ids.push(body["droplet"]["id"].as_str().expect("id").to_owned());
    }
    let written = eventually(Duration::from_secs(60), || async {
        snapshotted(store).await.len() >= 2
    })
    .await;
    assert!(
        written,
        "snapshots were written for at least two partitions"
    );
    for id in &ids[..4] {
        assert_eq!(
            delete(app, id, 1).await.status(),
            202,
            "the tail after the snapshot"
        );
    }
    ids
}

/// What restore must have rebuilt, snapshot or not.
async fn assert_restored(app: &TestApp, ids: &[String]) {
    for id in &ids[..4] {
        let stale = delete(app, id, 1).await;
        assert_eq!(stale.status(), 412, "version 2 restored for {id}");
        assert_eq!(stale.headers()["etag"], "\"2\"");
    }
    let replay = create(app, 7).await;
    assert_eq!(replay.status(), 202);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let body: Value = replay.json().await.expect("json");
    assert_eq!(
        body["droplet"]["id"],
        ids[7].as_str(),
        "the stored outcome replayed"
    );
    assert_eq!(
        delete(app, &ids[8], 1).await.status(),
        202,
        "version 1 restored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_writer_restores_from_snapshots_plus_the_tail() {
    let log = Log::start();
    let mut config = settings(&log, false);
    config.writer.snapshot_every = 3;
    let store = store(&log);
    let first = spawn_with(config.clone()).await;
    let ids = history(&first, &store).await;
    drop(first);
    let second = spawn_with(config).await;
    assert!(
        restores(&second, "snapshot").await >= 2.0,
        "restored from snapshots"
    );
    assert_restored(&second, &ids).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_chunk_falls_back_to_the_full_log() {
    let log = Log::start();
    let mut config = settings(&log, false);
    config.writer.snapshot_every = 3;
    let store = store(&log);
    let first = spawn_with(config.clone()).await;
    let ids = history(&first, &store).await;
    drop(first);
    let partitions = snapshotted(&store).await;
    let loader = store.clone();
    let manifests = tokio::task::spawn_blocking(move || {
        partitions
            .iter()
            .map(|p| {
                (
                    *p,
                    loader
                        .load_blocking(*p)
                        .expect("loads")
                        .expect("a snapshot")
                        .manifest,
                )
            })
            .collect::<Vec<_>>()
    })
    .await
    .expect("join");
    let producer: ThreadedProducer<DefaultProducerContext> = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", log.kafka.bootstrap_servers())
        .create()
        .expect("producer");
    for (partition, manifest) in &manifests {
        let key = format!("{}/0", manifest.snapshot_id);
        producer
            .send(
                BaseRecord::to(store.topic())
                    .partition(*partition)
                    .key(&key)
                    .payload(b"garbage".as_slice()),
            )
            .map_err(|(e, _)| e)
            .expect("send");
    }
    producer.flush(Duration::from_secs(10)).expect("flushed");
    assert!(
        snapshotted(&store).await.is_empty(),
        "every snapshot now fails its checksum"
    );
    config.writer.snapshot_every = 0;
    let second = spawn_with(config).await;
    assert_eq!(restores(&second, "snapshot").await, 0.0);
    assert!(
        restores(&second, "log").await >= f64::from(PARTITIONS),
        "every partition replayed"
    );
    assert_restored(&second, &ids).await;
}
