//! `import` then `export`: a record file produced into a fresh topic and read back is the
//! same file (same partitions, offsets, keys, headers and values), through the one record
//! file format; importing into a topic that is not empty is refused.

use cli::args::{Command, Selection};

use crate::world::{World, fixture};

/// Each record's line without the broker timestamp (the recording has none).
fn comparable(entries: &[platform::kafka::LogEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.timestamp_ms = None;
            platform::kafka::fixture::to_line(&e)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_recording_exports_to_the_same_records() {
    let world = World::new().await;
    let recording = fixture();
    let input = world.record_file(&recording);
    let imported = world
        .run(Command::Import {
            input: input.clone(),
            topic: world.topic(),
            create: None,
        })
        .await;
    assert_eq!(imported.json["records"], recording.len());
    assert_eq!(imported.json["offsets_changed"], 0, "{}", imported.text);

    let out = world.file("export");
    let exported = world
        .run(Command::Export {
            out: out.clone(),
            topic: None,
            selection: Selection::default(),
            until: None,
        })
        .await;
    assert_eq!(exported.json["records"], recording.len());
    let back = platform::kafka::fixture::parse(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(comparable(&back), comparable(&recording));
    assert!(
        back.iter().all(|e| e.timestamp_ms.is_some()),
        "exports carry the broker time"
    );

    // One aggregate: its records and the claims of its partition, nothing else.
    let aggregate = "01a21fde-d67c-70db-b322-a5f0a122051e";
    let narrow = world.file("export");
    world
        .run(Command::Export {
            out: narrow.clone(),
            topic: None,
            selection: Selection {
                aggregate: Some(aggregate.into()),
                ..Selection::default()
            },
            until: None,
        })
        .await;
    let only = platform::kafka::fixture::parse(&std::fs::read_to_string(&narrow).unwrap()).unwrap();
    let keys: Vec<&[u8]> = only.iter().filter_map(|e| e.key.as_deref()).collect();
    assert_eq!(
        keys.iter().filter(|k| **k == aggregate.as_bytes()).count(),
        5
    );
    assert!(
        keys.iter()
            .all(|k| *k == aggregate.as_bytes() || *k == b"claim"),
        "{only:?}"
    );

    let refused = world
        .fails(Command::Import {
            input,
            topic: world.topic(),
            create: None,
        })
        .await;
    assert!(refused.contains("not empty"), "{refused}");

    // Into a topic the import creates, and back out of it.
    let copy = format!("{}copy", world.prefix);
    world
        .run(Command::Import {
            input: out.clone(),
            topic: copy.clone(),
            create: Some(crate::world::PARTITIONS),
        })
        .await;
    let again = world.file("export");
    world
        .run(Command::Export {
            out: again.clone(),
            topic: Some(copy),
            selection: Selection::default(),
            until: None,
        })
        .await;
    let copied =
        platform::kafka::fixture::parse(&std::fs::read_to_string(&again).unwrap()).unwrap();
    assert_eq!(comparable(&copied), comparable(&recording));
}

/// `--since` reads from the offsets `offsets_for_times` gives: only records appended at
/// or after that time; a replay with it is a partial version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn since_selects_the_records_appended_after_a_time() {
    let world = World::new().await;
    let recording = fixture();
    let (early, late) = recording.split_at(recording.len() / 2);
    world.produce(early).await;
    // Broker timestamps have millisecond resolution: the boundary is strictly between.
    let boundary = chrono::Utc::now() + chrono::Duration::milliseconds(1);
    let ok = platform::testing::eventually(std::time::Duration::from_secs(5), || async {
        chrono::Utc::now() > boundary + chrono::Duration::milliseconds(1)
    })
    .await;
    assert!(ok);
    world.produce(late).await;
    let since = Selection {
        since: Some(boundary.fixed_offset()),
        ..Selection::default()
    };
    let out = world.file("export");
    let exported = world
        .run(Command::Export {
            out,
            topic: None,
            selection: since.clone(),
            until: None,
        })
        .await;
    assert_eq!(exported.json["records"], late.len());
    let replayed = world
        .run(Command::Replay {
            version: None,
            selection: since,
        })
        .await;
    assert_eq!(replayed.json["totals"]["read"], late.len());
    assert!(
        replayed.json["version"]["scope"]
            .as_str()
            .unwrap()
            .starts_with("since=")
    );
}
