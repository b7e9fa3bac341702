//! The zombie writer (architecture.md §4): a writer whose partition was claimed by
//! another appends with its stale claim. The record lands in the log, every reader
//! ignores it, and the stale writer's client gets no 2xx.

use std::time::Duration;

use platform::testing::eventually;

use crate::helpers::{Log, MEMBER, settings, spawn_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fenced_writers_append_is_ignored_and_never_acknowledged() {
    let log = Log::start();
    let stale = spawn_with(settings(&log, false)).await;
    let (id, _) = stale.create_droplet("web-1").await;
    let records_before = log.records().len();

    // The stale writer stops reading (a long GC pause, a partition) while another
    // instance, in a group of its own, claims every partition.
    stale.writer.pause_reader(true);
    let usurper = spawn_with(settings(&log, false)).await;
    let claims = log.records().len() - records_before;
    assert!(claims >= 4, "the usurper claimed every partition");

    // The stale writer still believes it owns the partition and appends.
    let request = stale
        .delete(&format!("/api/v1/droplets/{id}"), MEMBER)
        .header("If-Match", "\"1\"")
        .send();
    let pending = tokio::spawn(request);
    let appended = eventually(Duration::from_secs(10), || async {
        log.batches_of(&id).len() == 2
    })
    .await;
    assert!(appended, "the zombie batch reached the log");
    stale.writer.pause_reader(false);
    let response = pending.await.unwrap().unwrap();
    assert_eq!(
        response.status(),
        503,
        "the stale writer's client got no 2xx"
    );

    // The usurper read the zombie batch after its own claim and ignored it: asking it
    // for version 2 fails and names version 1, without writing anything.
    let probe = usurper
        .delete(&format!("/api/v1/droplets/{id}"), MEMBER)
        .header("If-Match", "\"2\"");
    let probe = probe.send().await.unwrap();
    assert_eq!(probe.status(), 412);
    assert_eq!(probe.headers()["etag"], "\"1\"");

    // A fresh writer restores without the zombie batch too: version 1 is current.
    let fresh = spawn_with(settings(&log, false)).await;
    let delete = fresh
        .delete(&format!("/api/v1/droplets/{id}"), MEMBER)
        .header("If-Match", "\"1\"");
    assert_eq!(
        delete.send().await.unwrap().status(),
        202,
        "version 1 is current after restore"
    );
}
