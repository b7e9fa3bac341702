//! What reaches Loki, decoded from the real wire format: one stream per
//! `{env, level, service}` (exactly those labels), entries in timestamp order with the
//! record's own timestamp, ids as structured metadata, the record's JSON as the line;
//! the same lines in `log_lines` keyed by `<topic>:<partition>:<offset>`; offsets
//! committed; and the consumer's own topic never shipped.

use std::collections::{BTreeMap, BTreeSet};

use crate::receiver::Receiver;
use crate::support::{World, eventually, record};
use crate::wire::parse_labels;

const JOB: &str = "0192f0c4-1d2b-7c3d-8e4f-5a6b7c8d9e0f";
const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

#[tokio::test]
async fn lines_reach_loki_as_protobuf_streams_with_metadata_in_time_order() {
    let loki = Receiver::start();
    let world = World::new(&["command-api", "projector"], &loki.url).await;
    let ids = format!(r#","job_id":"{JOB}","trace_id":"{TRACE}","span_id":"00f067aa0ba902b7""#);
    // Out of time order on purpose: entries must be sorted within their stream.
    let command = world
        .produce(
            "command-api",
            &[
                record(
                    "command-api",
                    "info",
                    "2026-12-05T10:00:02.000000300Z",
                    "second",
                    "",
                ),
                record("command-api", "INFO", "2026-12-05T10:00:01.5Z", "first", ""),
                record(
                    "command-api",
                    "error",
                    "2026-12-05T10:00:03Z",
                    "failed",
                    &ids,
                ),
                record("command-api", "info", "2026-12-05T10:00:04Z", "third", ""),
            ],
        )
        .await;
    world
        .produce(
            "projector",
            &[record(
                "projector",
                "info",
                "2026-12-05T10:00:05Z",
                "applied",
                &format!(r#","trace_id":"{TRACE}""#),
            )],
        )
        .await;
    world
        .produce(
            "log-consumer",
            &[record(
                "log-consumer",
                "info",
                "2026-12-05T10:00:06Z",
                "shipping",
                "",
            )],
        )
        .await;
    let app = world.start().await;

    let entries = eventually("five entries in Loki", || async {
        let entries = loki.entries();
        (entries.len() >= 5).then_some(entries)
    })
    .await;
    assert_eq!(entries.len(), 5, "each line once, the own topic's never");
    for push in loki.accepted() {
        assert_eq!(push.content_type.as_deref(), Some("application/x-protobuf"));
        assert_eq!(
            push.content_encoding, None,
            "Loki refuses Content-Encoding: snappy"
        );
    }

    // Streams: exactly the labels env, level, service.
    let mut streams: BTreeMap<Vec<(String, String)>, Vec<_>> = BTreeMap::new();
    for (labels, entry) in &entries {
        streams
            .entry(parse_labels(labels))
            .or_default()
            .push(entry.clone());
    }
    let label = |env: &str, level: &str, service: &str| {
        vec![
            ("env".to_owned(), env.to_owned()),
            ("level".to_owned(), level.to_owned()),
            ("service".to_owned(), service.to_owned()),
        ]
    };
    let expected: BTreeSet<_> = [
        label("test", "info", "command-api"),
        label("test", "error", "command-api"),
        label("test", "info", "projector"),
    ]
    .into_iter()
    .collect();
    assert_eq!(streams.keys().cloned().collect::<BTreeSet<_>>(), expected);

    // Timestamps are the records' own, to the nanosecond, in order within the stream.
    let info = &streams[&label("test", "info", "command-api")];
    let stamps: Vec<(i64, i32)> = info
        .iter()
        .map(|e| {
            let ts = e.timestamp.expect("timestamp");
            (ts.seconds, ts.nanos)
        })
        .collect();
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .expect("ts")
            .timestamp()
    };
    assert_eq!(
        stamps,
        [
            (at("2026-12-05T10:00:01Z"), 500_000_000),
            (at("2026-12-05T10:00:02Z"), 300),
            (at("2026-12-05T10:00:04Z"), 0),
        ]
    );
    let messages: Vec<String> = info
        .iter()
        .map(|e| {
            let line: serde_json::Value =
                serde_json::from_str(&e.line).expect("the line is the JSON record");
            line["message"].as_str().expect("message").to_owned()
        })
        .collect();
    assert_eq!(messages, ["first", "second", "third"]);

    // Ids are structured metadata, never labels.
    let error = &streams[&label("test", "error", "command-api")][0];
    let metadata: BTreeMap<&str, &str> = error
        .structured_metadata
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        metadata,
        BTreeMap::from([
            ("job_id", JOB),
            ("span_id", "00f067aa0ba902b7"),
            ("trace_id", TRACE)
        ])
    );
    assert!(info[0].structured_metadata.is_empty());

    // The same lines in log_lines, keyed by their Kafka position; offsets committed.
    let lines = world.log_lines().await;
    assert_eq!(lines.len(), 5, "{lines:?}");
    let failed = &lines[&format!("{}:0:{}", world.topic("command-api"), command[2])];
    assert_eq!(failed.service, "command-api");
    assert_eq!(failed.level, "error");
    assert_eq!(failed.message, "failed");
    assert_eq!(failed.job_id.map(|id| id.to_string()).as_deref(), Some(JOB));
    assert_eq!(failed.trace_id.as_deref(), Some(TRACE));
    assert_eq!(failed.ts.timestamp(), at("2026-12-05T10:00:03Z"));
    assert!(lines.values().all(|l| l.service != "log-consumer"));
    eventually("offsets committed past every record", || async {
        let done = world.committed("command-api") == Some(4)
            && world.committed("projector") == Some(1)
            && world.committed("log-consumer") == Some(1);
        done.then_some(())
    })
    .await;
    assert_eq!(
        app.metric("clustergenie_log_consumer_lines_pushed_total")
            .await,
        5.0
    );
    assert_eq!(
        app.metric("clustergenie_log_consumer_records_total{outcome=\"own\"}")
            .await,
        1.0
    );
    app.stop().await;
}
