//! Crash safety: the projector binary is killed with SIGKILL while ~2,000 records are
//! being produced, restarted, and must end with exactly the tables that a clean
//! projection of the same log from offset 0 produces.

use std::collections::BTreeMap;
use std::process::Stdio;

use platform::testing::{redis_url, scratch_database};
use tokio::process::{Child, Command};
use uuid::Uuid;

use crate::checksum;
use crate::records::{TestRecord, batch, claim, id_on, life_event};
use crate::test_app::{PARTITIONS, TestEnv, checkpoints, eventually, wait_for_offsets};

const DROPLETS: usize = 40;
const RECORDS: usize = 2_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_stream_then_restart_equals_a_clean_projection() {
    let env = std::sync::Arc::new(TestEnv::new());
    let database_url = scratch_database().await;
    let pool = sqlx::MySqlPool::connect(&database_url).await.unwrap();
    // Migrated up front so the test can poll checkpoints before the binary is up.
    platform::db::migrate(&pool).await.unwrap();
    let producing = {
        let env = std::sync::Arc::clone(&env);
        tokio::spawn(async move {
            let mut ends = BTreeMap::new();
            for record in scripted_log() {
                ends.insert(record.partition, env.produce(&record).await + 1);
            }
            ends
        })
    };
    let mut child = spawn_binary(&env, &database_url);
    eventually("partial progress", || async {
        let progress: i64 = checkpoints(&pool).await.values().sum();
        (progress > 0).then_some(())
    })
    .await;
    child.kill().await.expect("SIGKILL delivered");
    let ends = producing.await.expect("producer finished");
    assert!(
        checkpoints(&pool).await.values().sum::<i64>() < ends.values().sum::<i64>(),
        "the kill happened before the end"
    );

    let mut child = spawn_binary(&env, &database_url);
    wait_for_offsets(&pool, &ends).await;
    child.kill().await.expect("stopped");

    let clean = env
        .spawn_app_on(&scratch_database().await, &format!("{}-clean", env.group))
        .await;
    wait_for_offsets(&clean.pool, &ends).await;
    let (droplets, aggregates) = checksum::tables(&pool).await;
    assert_eq!(droplets.rows, DROPLETS);
    assert_eq!((droplets, aggregates), checksum::tables(&clean.pool).await);
    assert_eq!(checkpoints(&pool).await, checkpoints(&clean.pool).await);
    clean.stop().await;
}

/// The projector binary, configured through `CG_*` variables only.
fn spawn_binary(env: &TestEnv, database_url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_projector"))
        .env("CG_HTTP__PORT", "0")
        .env("CG_KAFKA__BROKERS", env.kafka.bootstrap_servers())
        .env("CG_KAFKA__TOPIC_PREFIX", &env.topic_prefix)
        .env("CG_KAFKA__PARTITIONS", PARTITIONS.to_string())
        .env("CG_DATABASE__URL", database_url)
        .env("CG_REDIS__URL", redis_url())
        .env("CG_REDIS__KEY_PREFIX", &env.redis_prefix)
        .env("CG_PROJECTOR__GROUP_ID", &env.group)
        .env(
            "CG_LOG",
            if std::env::var_os("TEST_LOG").is_some() {
                "info"
            } else {
                "error"
            },
        )
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("TEST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .kill_on_drop(true)
        .spawn()
        .expect("projector binary starts")
}

/// Claims, droplet lives round-robin, a writer hand-over half-way with one zombie
/// batch per partition from the fenced writer.
fn scripted_log() -> Vec<TestRecord> {
    let ids: Vec<(i32, Uuid)> = (0..DROPLETS)
        .map(|i| {
            let p = (i as i32) % PARTITIONS;
            (p, id_on(p, PARTITIONS))
        })
        .collect();
    let mut versions = vec![0u64; DROPLETS];
    let mut log: Vec<TestRecord> = (0..PARTITIONS).map(|p| claim(p, 1, "w1")).collect();
    for n in 0..RECORDS {
        let i = n % DROPLETS;
        let (p, id) = ids[i];
        let writer = if n < RECORDS / 2 {
            (1, "w1")
        } else {
            (2, "w2")
        };
        if n == RECORDS / 2 {
            for q in 0..PARTITIONS {
                log.push(claim(q, 2, "w2"));
                let (zp, zid) = ids[q as usize];
                log.push(batch(
                    zp,
                    zid,
                    versions[q as usize],
                    (1, "w1"),
                    &[life_event(zid, versions[q as usize])],
                ));
            }
        }
        // Every fifth record carries two events.
        let count = if n % 5 == 4 && versions[i] >= 2 { 2 } else { 1 };
        let events: Vec<_> = (0..count)
            .map(|k| life_event(id, versions[i] + k))
            .collect();
        log.push(batch(p, id, versions[i], writer, &events));
        versions[i] += count;
    }
    log
}
