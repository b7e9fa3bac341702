//! `verify`: live read models built from the log equal a rebuild (exit status 0); a row
//! changed behind the projector's back is named (status 1). `replay --aggregate` builds a
//! partial version with that aggregate alone, which `cutover` refuses.

use cli::args::{Command, Selection};

use crate::world::{World, droplets, fixture, insert_log_sink_rows};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_nothing_on_a_faithful_projection_and_names_a_tampered_row() {
    let world = World::new().await;
    let recording = fixture();
    world
        .run(Command::Import {
            input: world.record_file(&recording),
            topic: world.topic(),
            create: None,
        })
        .await;
    world.project_live(&recording).await;
    // log-consumer's rows are no read model: a rebuild does not have them, verify ignores them.
    insert_log_sink_rows(&world.pool, "logs.command-api:0:0").await;

    let clean = world.run(Command::Verify { keep: false }).await;
    assert!(clean.ok, "{}", clean.text);
    assert_eq!(clean.json["equal"], true);

    let rows = droplets(&world.pool).await;
    assert_eq!(rows.len(), 3);
    sqlx::query("UPDATE droplet SET name = 'tampered' WHERE droplet_id = ?")
        .bind(rows[0].droplet_id)
        .execute(&world.pool)
        .await
        .unwrap();
    let dirty = world.run(Command::Verify { keep: false }).await;
    assert!(!dirty.ok, "a difference makes the command fail");
    let tables = dirty.json["tables"].as_array().unwrap();
    let different: Vec<&str> = tables
        .iter()
        .filter(|t| t["equal"] == false)
        .map(|t| t["table"].as_str().unwrap())
        .collect();
    assert_eq!(different, vec!["droplet"], "{}", dirty.text);
    let droplet = tables.iter().find(|t| t["table"] == "droplet").unwrap();
    let differences = droplet["differences"].as_array().unwrap();
    assert_eq!(differences.len(), 1, "{}", dirty.text);
    assert!(dirty.text.contains("DIFFERENT"), "{}", dirty.text);
    // Scratch versions are dropped.
    let versions = world.run(Command::Versions).await;
    assert_eq!(
        versions.json["versions"].as_array().unwrap().len(),
        1,
        "{}",
        versions.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_of_one_aggregate_is_partial_and_never_goes_live() {
    let world = World::new().await;
    let recording = fixture();
    world
        .run(Command::Import {
            input: world.record_file(&recording),
            topic: world.topic(),
            create: None,
        })
        .await;
    let aggregate = "01a21fde-d67c-70db-b322-a5f0a122051e";
    let built = world
        .run(Command::Replay {
            version: None,
            selection: Selection {
                aggregate: Some(aggregate.into()),
                ..Selection::default()
            },
        })
        .await;
    let version = built.json["version"]["version"].as_u64().unwrap() as u32;
    assert_eq!(
        built.json["version"]["scope"],
        format!("aggregate={aggregate}")
    );
    let schema = built.json["version"]["schema_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let pool = sqlx::MySqlPool::connect(&format!(
        "{}/{schema}",
        platform::testing::database_server_url()
    ))
    .await
    .unwrap();
    let rows = droplets(&pool).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].droplet_id.to_string(), aggregate);
    let refused = world.fails(Command::Cutover { version }).await;
    assert!(refused.contains("partial"), "{refused}");

    // One partition: exactly its records are read.
    let one = world
        .run(Command::Replay {
            version: None,
            selection: Selection {
                partition: Some(1),
                ..Selection::default()
            },
        })
        .await;
    let of_partition = recording.iter().filter(|e| e.partition == 1).count();
    assert_eq!(one.json["totals"]["read"], of_partition);
    assert_eq!(one.json["version"]["scope"], "partition=1");
    let checkpoints = one.json["totals"]["checkpoints"].as_object().unwrap();
    assert_eq!(checkpoints.keys().collect::<Vec<_>>(), vec!["1"]);
}
