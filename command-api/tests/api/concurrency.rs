//! Optimistic concurrency through the single writer: of 20 concurrent actions carrying
//! the same If-Match exactly one wins, the rest get 412, and versions stay gapless.

use futures::future::join_all;
use serde_json::json;

use crate::helpers::{Log, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_actions_with_one_if_match_yield_one_success() {
    let log = Log::start();
    let app = spawn_app(&log).await;
    let (id, _) = app.create_droplet("web-1").await;
    app.clock.advance(chrono::Duration::seconds(3));
    let active = platform::testing::eventually(std::time::Duration::from_secs(10), || async {
        log.batches_of(&id).len() == 2
    });
    assert!(active.await, "droplet provisioned");
    let names: Vec<String> = (0..20).map(|i| format!("web-{i}")).collect();
    let requests = names
        .iter()
        .map(|name| app.action(&id, json!({"type": "rename", "name": name}), Some(2)));
    let statuses: Vec<u16> = join_all(requests)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| (200..300).contains(*s)).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        19,
        "{statuses:?}"
    );
    let batches = log.batches_of(&id);
    let versions: Vec<u64> = batches.iter().map(|b| b.header.from_version).collect();
    let expected: Vec<u64> = (0..versions.len() as u64).collect();
    assert_eq!(
        versions, expected,
        "gapless, one record per accepted command"
    );
    let renames = batches
        .iter()
        .filter(|b| b.events[0].event_type == "droplet.renamed")
        .count();
    assert_eq!(renames, 1, "exactly one rename was appended");
}
