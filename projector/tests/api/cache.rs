//! The write-through cache (`cache::Publisher`) against real Redis: a transaction's
//! changes land in as many script calls as it takes, an entry never goes back to an
//! older version, and a flushed script cache (a Redis restart) or a connection the server
//! dropped loses nothing.

use std::collections::BTreeMap;

use deadpool_redis::redis::{self, AsyncCommands};
use platform::config::RedisSettings;
use platform::redis::Pool;
use platform::testing::{kill_redis_client, redis_client_id, redis_url, unique_suffix};
use projector::batch::BatchReport;
use projector::cache::Publisher;
use projector::project::Change;
use serde_json::{Value, json};
use views::notify::cache_key;

fn change(id: &str, version: u64) -> Change {
    Change {
        kind: "droplet",
        id: id.to_owned(),
        version,
        json: json!({ "id": id, "version": version }).to_string(),
    }
}

fn report(changes: Vec<Change>) -> BatchReport {
    BatchReport {
        partition: 0,
        next_offset: 1,
        advanced: true,
        applied: changes.len() as u64,
        changes: changes
            .into_iter()
            .map(|c| (format!("{}:{}", c.kind, c.id), c))
            .collect::<BTreeMap<_, _>>(),
        ..BatchReport::default()
    }
}

async fn cached_version(conn: &mut platform::redis::Connection, key: &str) -> Option<u64> {
    let value: Option<String> = conn.get(key).await.expect("GET");
    value.map(|v| {
        serde_json::from_str::<Value>(&v).expect("JSON")["version"]
            .as_u64()
            .expect("a version")
    })
}

/// A fresh key prefix, a pool and a publisher writing under that prefix.
fn publisher() -> (String, Pool, Publisher) {
    let prefix = format!("test:{}:", unique_suffix());
    let pool = platform::redis::pool(&RedisSettings {
        url: redis_url(),
        key_prefix: prefix.clone(),
    })
    .expect("pool");
    let publisher = Publisher::new(pool.clone(), &prefix);
    (prefix, pool, publisher)
}

#[tokio::test]
async fn many_changes_are_cached_and_none_goes_back_a_version() {
    let (prefix, pool, publisher) = publisher();
    let mut conn = pool.get().await.expect("a Redis connection");
    let newer = cache_key(&prefix, "droplet", "newer");
    let _: () = conn
        .set(&newer, json!({ "id": "newer", "version": 5 }).to_string())
        .await
        .expect("SET");
    // As after a Redis restart: the script is not loaded.
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut conn)
        .await
        .expect("SCRIPT FLUSH");

    // More changes than one script call takes.
    let mut changes: Vec<Change> = (0..700).map(|i| change(&format!("d{i}"), 2)).collect();
    changes.push(change("newer", 3));
    publisher
        .publish(&[&report(changes)])
        .await
        .expect("published");

    for i in [0, 255, 256, 699] {
        let key = cache_key(&prefix, "droplet", &format!("d{i}"));
        assert_eq!(
            cached_version(&mut conn, &key).await,
            Some(2),
            "d{i} cached"
        );
    }
    assert_eq!(
        cached_version(&mut conn, &newer).await,
        Some(5),
        "an older version never replaces a newer one"
    );

    publisher
        .publish(&[&report(vec![change("d0", 7), change("newer", 6)])])
        .await
        .expect("published");
    let d0 = cache_key(&prefix, "droplet", "d0");
    assert_eq!(cached_version(&mut conn, &d0).await, Some(7));
    assert_eq!(cached_version(&mut conn, &newer).await, Some(6));

    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut conn)
        .await
        .expect("KEYS");
    let _: () = conn.del(keys).await.expect("DEL");
}

#[tokio::test]
async fn a_connection_the_server_dropped_loses_no_cache_write() {
    let (prefix, pool, publisher) = publisher();
    // The pool's one connection on this thread, which the publisher will get next.
    let id = redis_client_id(&mut pool.get().await.expect("a Redis connection")).await;
    kill_redis_client(id).await;

    publisher
        .publish(&[&report(vec![change("kept", 4)])])
        .await
        .expect("published on a fresh connection");

    let key = cache_key(&prefix, "droplet", "kept");
    let mut conn = pool.get().await.expect("a Redis connection");
    assert_eq!(cached_version(&mut conn, &key).await, Some(4));
    let _: () = conn.del(&key).await.expect("cleanup");
}
