//! A read-model cutover on the whole running system: `clustergenie replay` builds version 1
//! beside the live tables, a row of it is changed (as a projection fix would), and
//! `clustergenie cutover` swaps it in. query-api — never restarted, same pool — lists the
//! changed row at once, and a droplet created afterwards is projected into the new tables
//! and read back with its consistency token.

use cli::args::{Command, Selection};
use cli::commands::Context;
use cli::output::Progress;
use devtools::stack::{Stack, StackOptions};
use reqwest::Method;
use serde_json::{Value, json};

async fn create(stack: &Stack, name: &str) -> (String, String) {
    let body =
        json!({"name": name, "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"});
    let response = stack
        .command(Method::POST, "/api/v1/droplets")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let token = response.headers()["consistency-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let created: Value = response.json().await.unwrap();
    (created["droplet"]["id"].as_str().unwrap().to_owned(), token)
}

fn cli(stack: &Stack) -> Context {
    Context {
        settings: cli::config::Settings {
            kafka: platform::config::KafkaSettings {
                brokers: stack.brokers.clone(),
                topic_prefix: stack.prefix.clone(),
                partitions: stack.options.partitions,
                replication_factor: 1,
            },
            database: platform::config::DatabaseSettings {
                url: stack.database_url.clone(),
                max_connections: 4,
            },
        },
        progress: Progress::hidden(),
    }
}

async fn names(stack: &Stack, token: &str) -> Vec<String> {
    let page: Value = stack
        .query_after("/api/v1/droplets?order_by=name", token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["droplets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_api_reads_the_new_version_after_a_cutover_without_a_restart() {
    let stack = Stack::start(StackOptions::default()).await.unwrap();
    let (first, token) = create(&stack, "before").await;
    assert_eq!(names(&stack, &token).await, vec!["before"]);

    let ctx = cli(&stack);
    let built = cli::run(
        &ctx,
        &Command::Replay {
            version: None,
            selection: Selection::default(),
        },
    )
    .await
    .unwrap();
    let schema = built.json["version"]["schema_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let version = built.json["version"]["version"].as_u64().unwrap() as u32;
    let server = stack.database_url.rsplit_once('/').unwrap().0.to_owned();
    let rebuilt = sqlx::MySqlPool::connect(&format!("{server}/{schema}"))
        .await
        .unwrap();
    let changed = sqlx::query("UPDATE droplet SET name = 'rebuilt' WHERE droplet_id = ?")
        .bind(first.parse::<uuid::Uuid>().unwrap())
        .execute(&rebuilt)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    rebuilt.close().await;

    cli::run(&ctx, &Command::Cutover { version }).await.unwrap();
    assert_eq!(
        names(&stack, &token).await,
        vec!["rebuilt"],
        "query-api reads the new tables"
    );

    let (_, after) = create(&stack, "after").await;
    assert_eq!(names(&stack, &after).await, vec!["after", "rebuilt"]);
}
