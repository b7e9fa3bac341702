//! Retry and at-least-once against a failing Loki: while every push fails (503), the
//! lines are retried and nothing is committed; a consumer restarted mid-way reads the
//! batch again and, once Loki recovers (after a few more 500s), every produced line
//! arrives, the offsets are committed, and `log_lines` holds each line once.

use std::collections::BTreeSet;

use crate::receiver::Receiver;
use crate::support::{World, eventually, record};

const LINES: usize = 20;

#[tokio::test]
async fn a_failing_loki_loses_nothing_and_duplicates_no_line() {
    let loki = Receiver::start();
    loki.fail_all(Some(503));
    let world = World::new(&["query-api"], &loki.url).await;
    let payloads: Vec<Vec<u8>> = (0..LINES)
        .map(|n| {
            record(
                "query-api",
                "info",
                &format!("2026-12-05T10:00:{n:02}Z"),
                &format!("line {n}"),
                "",
            )
        })
        .collect();
    world.produce("query-api", &payloads).await;

    let first = world.start().await;
    eventually("pushes retried", || async {
        (loki.attempts() >= 3).then_some(())
    })
    .await;
    eventually("lines written to log_lines before the push", || async {
        (world.log_lines().await.len() == LINES).then_some(())
    })
    .await;
    assert_eq!(
        world.committed("query-api"),
        None,
        "nothing committed before Loki accepts"
    );
    assert!(loki.entries().is_empty());
    assert!(
        first
            .metric("clustergenie_log_consumer_push_errors_total{reason=\"server_error\"}")
            .await
            >= 2.0
    );
    first.stop().await;
    assert_eq!(
        world.committed("query-api"),
        None,
        "a stopped consumer commits nothing"
    );

    // Loki recovers after two more failures; the restarted consumer ships everything.
    loki.fail_all(None);
    loki.fail_next(2, 500);
    let attempts_before = loki.attempts();
    let second = world.start().await;
    eventually("every line in Loki", || async {
        let lines: BTreeSet<String> = loki
            .entries()
            .into_iter()
            .map(|(_, entry)| entry.line)
            .collect();
        (lines.len() == LINES).then_some(())
    })
    .await;
    assert!(
        loki.attempts() >= attempts_before + 3,
        "two failures, then success"
    );
    eventually("offsets committed", || async {
        (world.committed("query-api") == Some(LINES as i64)).then_some(())
    })
    .await;
    let lines = world.log_lines().await;
    assert_eq!(lines.len(), LINES, "redelivery inserted no duplicate line");
    let messages: BTreeSet<String> = lines.values().map(|l| l.message.clone()).collect();
    assert_eq!(messages.len(), LINES);
    second.stop().await;

    // A third run ships what is new and nothing already committed: once a new line
    // has reached Loki, it is the only entry added.
    let third = world.start().await;
    let sentinel = record(
        "query-api",
        "info",
        "2026-12-05T10:01:00Z",
        "after the restart",
        "",
    );
    world.produce("query-api", &[sentinel]).await;
    eventually("the new line in Loki", || async {
        loki.entries()
            .iter()
            .any(|(_, entry)| entry.line.contains("after the restart"))
            .then_some(())
    })
    .await;
    assert_eq!(
        loki.entries().len(),
        LINES + 1,
        "committed lines are not shipped again"
    );
    third.stop().await;
}
