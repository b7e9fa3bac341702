//! Dead letters through the CLI: a record that does not decode parks, and the later
//! records of its aggregate queue behind it in order (sequenced per aggregate). `parked
//! retry` re-applies them through `project()`: still undecodable, they park again, in the
//! same order; once the record is readable (as after a fix) the whole queue applies and
//! the aggregate ends where the untouched log would have put it. `parked skip` records who,
//! why and when, and releases the queue, reporting what the validity rule made of it.

use cli::args::{Command, ParkedAction};
use platform::kafka::LogEntry;

use crate::world::{World, droplets, fixture};

const GARBAGE: &[u8] = b"\xff\xfe not a record";

/// The fixture with the first batch of `aggregate` made undecodable.
fn with_garbage(recording: &[LogEntry], aggregate: &str) -> (Vec<LogEntry>, LogEntry) {
    let mut entries = recording.to_vec();
    let spoiled = entries
        .iter_mut()
        .find(|e| e.key.as_deref() == Some(aggregate.as_bytes()))
        .expect("the aggregate has records");
    let original = spoiled.clone();
    spoiled.value = Some(GARBAGE.to_vec());
    (entries, original)
}

async fn parked_rows(world: &World) -> Vec<(u64, i64, Option<String>, String)> {
    sqlx::query_as(
        "SELECT parked_event_id, record_offset, aggregate_id, reason FROM parked_event \
         ORDER BY parked_event_id",
    )
    .fetch_all(&world.pool)
    .await
    .unwrap()
}

fn list() -> Command {
    Command::Parked {
        action: ParkedAction::List { limit: 50 },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parked_records_are_retried_in_order_and_skips_are_recorded() {
    let world = World::new().await;
    let recording = fixture();
    let web = "01a21fde-d67c-70db-b322-a5f0a122051e"; // 5 records
    let db = "01a21fde-d68f-77c2-93e5-389df09745f7"; // 3 records
    let (spoiled, original) = with_garbage(&recording, web);
    let (spoiled, _) = with_garbage(&spoiled, db);
    world.project_live(&spoiled).await;

    let parked = parked_rows(&world).await;
    assert_eq!(parked.len(), 8, "{parked:?}");
    let first_web = parked
        .iter()
        .find(|p| p.2.as_deref() == Some(web))
        .unwrap()
        .0;
    let listed = world.run(list()).await;
    let items = listed.json["parked_events"].as_array().unwrap();
    let head = items.iter().find(|i| i["id"] == first_web).unwrap();
    assert_eq!(head["queued_behind"], 4, "{}", listed.text);
    assert_eq!(head["aggregate_type"], "droplet");
    assert!(
        head["reason"]
            .as_str()
            .unwrap()
            .starts_with("undecodable record")
    );
    let offsets: Vec<i64> = parked
        .iter()
        .filter(|p| p.2.as_deref() == Some(web))
        .map(|p| p.1)
        .collect();
    assert!(offsets.is_sorted(), "queued in log order: {offsets:?}");

    // A record queued behind another cannot be released on its own.
    let behind = parked
        .iter()
        .filter(|p| p.2.as_deref() == Some(web))
        .nth(1)
        .unwrap()
        .0;
    let refused = cli::run(
        &world.ctx,
        &Command::Parked {
            action: ParkedAction::Retry { id: behind },
        },
    )
    .await;
    assert!(format!("{:#}", refused.unwrap_err()).contains("queued behind"));

    // Still garbage: everything parks again, in the same order.
    let again = world
        .run(Command::Parked {
            action: ParkedAction::Retry { id: first_web },
        })
        .await;
    let outcomes: Vec<&str> = again.json["released"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, vec!["parked"; 5], "{}", again.text);
    let reparked: Vec<i64> = parked_rows(&world)
        .await
        .iter()
        .filter(|p| p.2.as_deref() == Some(web))
        .map(|p| p.1)
        .collect();
    assert_eq!(reparked, offsets);

    // Readable again (as after a fix): the queue applies in order.
    let head = parked_rows(&world)
        .await
        .into_iter()
        .find(|p| p.2.as_deref() == Some(web))
        .unwrap()
        .0;
    sqlx::query("UPDATE parked_event SET record_value = ? WHERE parked_event_id = ?")
        .bind(original.value.clone())
        .bind(head)
        .execute(&world.pool)
        .await
        .unwrap();
    let fixed = world
        .run(Command::Parked {
            action: ParkedAction::Retry { id: head },
        })
        .await;
    let outcomes: Vec<&str> = fixed.json["released"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, vec!["applied"; 5], "{}", fixed.text);
    let untouched = World::new().await;
    untouched.project_live(&recording).await;
    let expected = droplets(&untouched.pool).await;
    let row = |rows: &[views::droplet::DropletRow]| {
        rows.iter()
            .find(|r| r.droplet_id.to_string() == web)
            .cloned()
    };
    assert_eq!(row(&droplets(&world.pool).await), row(&expected));

    // Skip: recorded with who and why; the queue is released and reported.
    let first_db = parked_rows(&world)
        .await
        .into_iter()
        .find(|p| p.2.as_deref() == Some(db))
        .unwrap()
        .0;
    let skipped = world
        .run(Command::Parked {
            action: ParkedAction::Skip {
                id: first_db,
                reason: "garbage written by a test".into(),
                by: Some("alice".into()),
            },
        })
        .await;
    let released = skipped.json["released"].as_array().unwrap();
    assert_eq!(released.len(), 2, "{}", skipped.text);
    assert!(
        released.iter().all(|r| r["outcome"] == "ignored"),
        "a skipped creation leaves a hole: {}",
        skipped.text
    );
    let skip: (String, String, Option<String>) = sqlx::query_as(
        "SELECT skipped_by, skip_reason, aggregate_id FROM parked_event_skip WHERE parked_event_id = ?",
    )
    .bind(first_db)
    .fetch_one(&world.pool)
    .await
    .unwrap();
    assert_eq!(
        skip,
        (
            "alice".into(),
            "garbage written by a test".into(),
            Some(db.into())
        )
    );
    assert!(parked_rows(&world).await.is_empty());
    let empty = world.run(list()).await;
    assert_eq!(empty.text, "no parked records");
}
