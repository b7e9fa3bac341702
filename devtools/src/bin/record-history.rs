//! Records a month of droplet history for `make dev`'s seed (features.md §8 allows a seed
//! event fixture): a real command-api on a manual clock that starts `--days` ago creates,
//! powers off, resizes and deletes droplets day by day as `--owner`, so billing has a
//! month of usage split at resizes and month boundaries. Writes the record file format
//! (`platform::kafka::fixture`) that `clustergenie import` appends to a fresh log.
//! Standalone droplets only — no clusters, whose node metrics would be simulated for every
//! tick of the month. Never touches the dev log itself: it records into a topic of its own
//! (deleted afterwards) and a scratch database (dropped afterwards).
//! Usage: `record-history <out-file> <brokers> <partitions> <owner> [days]`.

use std::time::Duration;

use chrono::{Duration as Span, Utc};
use devtools::stack::{Stack, StackOptions};
use platform::testing::{eventually, read_topic};
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use reqwest::Method;
use serde_json::{Value, json};

/// The token the recording acts with; it names `<owner>` as an admin only inside the
/// recording stack, and never leaves this process.
const HISTORY_TOKEN: &str = "history-recorder-token-dddddddd";

/// (name, region, size, day created, day deleted) of the month's droplets.
const DROPLETS: &[(&str, &str, &str, i64, Option<i64>)] = &[
    ("api-1", "nyc1", "s-1vcpu-1gb", 0, None),
    ("api-2", "nyc1", "s-1vcpu-2gb", 0, None),
    ("batch-1", "fra1", "s-2vcpu-4gb", 0, Some(9)),
    ("cache-1", "ams3", "s-1vcpu-2gb", 3, None),
    ("build-1", "sfo3", "s-2vcpu-4gb", 12, Some(13)),
    ("report-1", "lon1", "s-1vcpu-1gb", 20, None),
];

/// (name, day, size): a droplet powered off, resized and powered on again.
const RESIZES: &[(&str, i64, &str)] = &[("api-1", 6, "s-2vcpu-2gb")];

/// (name, day): powered off and left off (it still bills).
const LEFT_OFF: &[(&str, i64)] = &[("cache-1", 18)];

struct Args {
    out: String,
    brokers: String,
    partitions: i32,
    owner: String,
    days: i64,
}

fn args() -> anyhow::Result<Args> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        (4..=5).contains(&a.len()),
        "usage: record-history <out-file> <brokers> <partitions> <owner> [days]"
    );
    Ok(Args {
        out: a[0].clone(),
        brokers: a[1].clone(),
        partitions: a[2].parse()?,
        owner: a[3].clone(),
        days: a.get(4).map_or(Ok(30), |d| d.parse())?,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    let start = Utc::now() - Span::days(args.days);
    let mut stack = Stack::start(StackOptions {
        partitions: args.partitions,
        brokers: Some(args.brokers.clone()),
        clock_start: Some(start),
        extra_tokens: Some(format!("{HISTORY_TOKEN}={}:admin", args.owner)),
        ..StackOptions::default()
    })
    .await?;
    let mut ids = std::collections::HashMap::new();
    for day in 0..args.days {
        if day > 0 {
            stack.clock.advance(Span::days(1));
        }
        for (name, region, size, created, deleted) in DROPLETS {
            if *created == day {
                let body = json!({"name": name, "region": region, "size": size,
                    "image": "ubuntu-24-04-x64", "tags": ["history"]});
                let answer = send(&stack, Method::POST, "/api/v1/droplets", body).await?;
                let id = answer["droplet"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                reach(&stack, &id, "active").await?;
                ids.insert(*name, id);
            }
            if *deleted == Some(day) {
                let path = format!("/api/v1/droplets/{}", ids[name]);
                send(&stack, Method::DELETE, &path, Value::Null).await?;
                reach(&stack, &ids[name], "deleted").await?;
            }
        }
        for (name, _, size) in RESIZES.iter().filter(|r| r.1 == day) {
            action(&stack, &ids[name], json!({"type": "power_off"}), "off").await?;
            action(
                &stack,
                &ids[name],
                json!({"type": "resize", "size": size}),
                "off",
            )
            .await?;
            action(&stack, &ids[name], json!({"type": "power_on"}), "active").await?;
        }
        for (name, _) in LEFT_OFF.iter().filter(|l| l.1 == day) {
            action(&stack, &ids[name], json!({"type": "power_off"}), "off").await?;
        }
    }
    let records = read_topic(&stack.brokers, &stack.topic());
    let mut file = std::io::BufWriter::new(std::fs::File::create(&args.out)?);
    platform::kafka::fixture::write(&mut file, &records)?;
    std::io::Write::flush(&mut file)?;
    println!(
        "{} records of {} days of droplet history to {}",
        records.len(),
        args.days,
        args.out
    );
    clean_up(&mut stack).await
}

/// Stops the recording stack and removes its topics and scratch database.
async fn clean_up(stack: &mut Stack) -> anyhow::Result<()> {
    stack.stop_services().await?;
    let (server, database) = stack
        .database_url
        .rsplit_once('/')
        .ok_or_else(|| anyhow::anyhow!("no database in {}", stack.database_url))?;
    let mut conn = <sqlx::MySqlConnection as sqlx::Connection>::connect(server).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS `{database}`"
    )))
    .execute(&mut conn)
    .await?;
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &stack.brokers)
        .create()?;
    let metadata = admin
        .inner()
        .fetch_metadata(None, Duration::from_secs(10))?;
    let ours: Vec<String> = metadata
        .topics()
        .iter()
        .map(|t| t.name().to_owned())
        .filter(|name| name.starts_with(&stack.prefix))
        .collect();
    let names: Vec<&str> = ours.iter().map(String::as_str).collect();
    admin.delete_topics(&names, &AdminOptions::new()).await?;
    Ok(())
}

/// A droplet action, then the clock moved until the droplet is `status` and unlocked.
async fn action(stack: &Stack, id: &str, body: Value, status: &str) -> anyhow::Result<()> {
    let path = format!("/api/v1/droplets/{id}/actions");
    send(stack, Method::POST, &path, body).await?;
    reach(stack, id, status).await
}

/// Sends one command; anything but a 2xx ends the recording (the script is fixed, so a
/// refusal is a bug in it).
async fn send(stack: &Stack, method: Method, path: &str, body: Value) -> anyhow::Result<Value> {
    let mut request = stack
        .client
        .request(method, format!("{}{path}", stack.command_url))
        .bearer_auth(HISTORY_TOKEN);
    if !body.is_null() {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    anyhow::ensure!(status.is_success(), "{path}: {status} {answer}");
    Ok(answer)
}

/// Advances the manual clock a second at a time until query-api shows droplet `id` in
/// `status` with no operation in flight (a purged droplet counts as deleted).
async fn reach(stack: &Stack, id: &str, status: &str) -> anyhow::Result<()> {
    let done = eventually(Duration::from_secs(120), || async {
        stack.clock.advance(Span::seconds(1));
        shows(stack, id, status).await.unwrap_or(false)
    })
    .await;
    anyhow::ensure!(done, "droplet {id} did not become {status}");
    Ok(())
}

async fn shows(stack: &Stack, id: &str, status: &str) -> anyhow::Result<bool> {
    let response = stack
        .client
        .get(format!("{}/api/v1/droplets/{id}", stack.query_url))
        .bearer_auth(HISTORY_TOKEN)
        .send()
        .await?;
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(status == "deleted");
    }
    let droplet: Value = response.json().await?;
    Ok(droplet["status"] == status && droplet["locked"] == false)
}
