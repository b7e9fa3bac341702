//! Rate-limit policies end to end: an admin's override, written through query-api's
//! relay to command-api, limits the user's very next reads on query-api; it is a read
//! model like any other; and when its Redis document is lost, a replay of the log
//! writes it back, so the limits come back too.

use std::time::Duration;

use deadpool_redis::redis::AsyncCommands;
use devtools::stack::{ADMIN_TOKEN, Stack, StackOptions};
use platform::testing::{eventually_some, redis_url, table_checksums};
use serde_json::{Value, json};
use views::rate_limit_policy::document_key;

const TABLES: [&str; 2] = ["rate_limit_policy", "projected_aggregate"];

async fn statuses(stack: &Stack, n: usize) -> Vec<u16> {
    let mut seen = Vec::new();
    for _ in 0..n {
        let answer = stack.query("/api/v1/regions").send().await.unwrap();
        seen.push(answer.status().as_u16());
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_override_limits_at_once_and_comes_back_from_the_log() {
    let mut stack = Stack::start(StackOptions::default()).await.unwrap();
    let strict = json!({"policies": [{"name": "strict", "quota": 2, "window_seconds": 3600}]});
    let put = stack
        .client
        .put(format!(
            "{}/api/v1/users/alice/rate_limit_policy",
            stack.query_url
        ))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "application/json")
        .header("if-match", "\"0\"")
        .body(strict.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200, "{:?}", put.text().await);
    assert_eq!(
        statuses(&stack, 3).await,
        [200, 200, 429],
        "the very next reads obey it"
    );

    let live = sqlx::MySqlPool::connect(&stack.database_url).await.unwrap();
    stack.wait_projected(&live).await.unwrap();
    let read: Value = stack
        .client
        .get(format!(
            "{}/api/v1/users/alice/rate_limit_policy",
            stack.query_url
        ))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            read["version"].as_u64(),
            read["policies"][0]["name"].as_str()
        ),
        (Some(1), Some("strict"))
    );

    // Redis loses the document: alice is back on the defaults...
    let client = deadpool_redis::redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let key = document_key(&stack.redis_prefix, Some("alice"));
    let _: i64 = conn.del(&key).await.unwrap();
    assert_eq!(statuses(&stack, 1).await, [200]);
    // ...until the log is projected again, which writes it back.
    let replay = stack.clean_replay().await.expect("clean replay");
    // The projector publishes to Redis after its MariaDB commit, which is what
    // `clean_replay` waits for: wait for the document itself, with a deadline.
    let restored = eventually_some(Duration::from_secs(30), || async {
        let mut conn = client.get_multiplexed_async_connection().await.ok()?;
        conn.get::<_, Option<String>>(&key).await.ok().flatten()
    })
    .await;
    assert!(restored.is_some(), "the replay wrote the document back");
    assert_eq!(statuses(&stack, 1).await, [429], "and the limits are back");
    assert_eq!(
        table_checksums(&live, &TABLES).await,
        table_checksums(&replay, &TABLES).await
    );
}
