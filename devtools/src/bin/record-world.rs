//! Records `cli/tests/fixtures/world.records.jsonl`, the multi-aggregate log the CLI's
//! replay tests use: a fixed scenario through a real command-api (Apache Kafka, manual
//! clock) touching every resource that exists — droplets (create, actions, rename,
//! delete), clusters with node pools (create, scale, delete), jobs, rate-limit policies and
//! the name reservations behind them — then a stale-writer segment (an old claim, a batch
//! under it, a re-sent old batch) and a poison record with a record queued behind it,
//! appended as a zombie writer and a broken producer would have written them. Writes the
//! record file format (`platform::kafka::fixture`). Usage:
//! `cargo run -p devtools --bin record-world -- <out-file>`. Re-recording changes ids: the
//! CLI's snapshot must be re-accepted with it.

use std::time::Duration;

use devtools::stack::{ADMIN_TOKEN, Stack, StackOptions};
use domain::record::Record;
use platform::kafka::LogEntry;
use platform::testing::{eventually, read_topic};
use reqwest::Method;
use serde_json::{Value, json};

const REGIONS: [&str; 3] = ["nyc1", "ams3", "fra1"];
const SIZES: [&str; 3] = ["s-1vcpu-1gb", "s-1vcpu-2gb", "s-2vcpu-4gb"];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: record-world <out-file>"))?;
    let stack = Stack::start(StackOptions::default()).await?;
    let mut commands = 0usize;
    let mut droplets = Vec::new();
    for i in 0..96 {
        let body = json!({"name": format!("w-{i}"), "region": REGIONS[i % 3], "size": SIZES[i % 3],
            "image": "ubuntu-24-04-x64", "tags": [format!("tier:{}", i % 4)]});
        let created = send(
            &stack,
            Method::POST,
            "/api/v1/droplets",
            Some(body),
            Some(&format!("w-{i}")),
        )
        .await?;
        droplets.push(
            created["droplet"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
        commands += 1;
    }
    settle(&stack).await?;
    let rounds: [(&str, std::ops::Range<usize>); 4] = [
        ("power_off", 0..64),
        ("power_on", 0..32),
        ("reboot", 32..80),
        ("rename", 80..96),
    ];
    for (action, range) in rounds {
        for i in range {
            let mut body = json!({"type": action});
            if action == "rename" {
                body["name"] = json!(format!("renamed-{i}"));
            }
            send(
                &stack,
                Method::POST,
                &format!("/api/v1/droplets/{}/actions", droplets[i]),
                Some(body),
                None,
            )
            .await?;
            commands += 1;
        }
        settle(&stack).await?;
    }
    for id in &droplets[0..12] {
        let body = json!({"tags": ["retired"]});
        send(
            &stack,
            Method::PATCH,
            &format!("/api/v1/droplets/{id}"),
            Some(body),
            None,
        )
        .await?;
        send(
            &stack,
            Method::DELETE,
            &format!("/api/v1/droplets/{id}"),
            None,
            None,
        )
        .await?;
        commands += 2;
    }
    settle(&stack).await?;
    let mut clusters = Vec::new();
    for (i, region) in REGIONS.iter().enumerate() {
        let body = json!({"name": format!("c-{i}"), "region": region, "node_pools": [
            {"name": "web", "size": "s-2vcpu-4gb", "count": 2},
            {"name": "jobs", "size": "s-1vcpu-2gb", "count": 1}]});
        let created = send(
            &stack,
            Method::POST,
            "/api/v1/clusters",
            Some(body),
            Some(&format!("c-{i}")),
        )
        .await?;
        clusters.push(created["cluster"].clone());
        commands += 1;
    }
    settle(&stack).await?;
    for (i, cluster) in clusters.iter().enumerate() {
        let (id, pool) = (
            cluster["id"].as_str().unwrap_or_default(),
            cluster["node_pools"][0]["id"].as_str().unwrap_or_default(),
        );
        let body = json!({"count": 3 + i});
        send(
            &stack,
            Method::PATCH,
            &format!("/api/v1/clusters/{id}/node_pools/{pool}"),
            Some(body),
            None,
        )
        .await?;
        commands += 1;
    }
    settle(&stack).await?;
    for (i, cluster) in clusters.iter().enumerate().take(2) {
        let pool = cluster["node_pools"][1]["id"].as_str().unwrap_or_default();
        let job = json!({"type": "provision", "args": {"cluster_id": cluster["id"], "node_pool_id": pool, "count": 1},
            "unique_key": format!("provision-{i}")});
        send(&stack, Method::POST, "/api/v1/jobs", Some(job), None).await?;
        commands += 1;
    }
    let sleep =
        json!({"type": "sleep", "args": {"seconds": 3, "steps": 3}, "unique_key": "sleep-1"});
    send(&stack, Method::POST, "/api/v1/jobs", Some(sleep), None).await?;
    commands += 1;
    settle(&stack).await?;
    for user in ["alice", "bob"] {
        let policy =
            json!({"policies": [{"name": "strict", "quota": 500, "window_seconds": 3600}]});
        let put = stack
            .client
            .put(format!(
                "{}/api/v1/users/{user}/rate_limit_policy",
                stack.command_url
            ))
            .bearer_auth(ADMIN_TOKEN)
            .header("if-match", "\"0\"")
            .json(&policy)
            .send()
            .await?;
        anyhow::ensure!(
            put.status().is_success(),
            "policy for {user}: {}",
            put.status()
        );
        commands += 1;
    }
    let doomed = clusters[2]["id"].as_str().unwrap_or_default().to_owned();
    let current: Value = stack
        .query(&format!("/api/v1/clusters/{doomed}"))
        .send()
        .await?
        .json()
        .await?;
    let version = current["version"].as_u64().unwrap_or_default();
    let deleted = stack
        .command(Method::DELETE, &format!("/api/v1/clusters/{doomed}"))
        .header("if-match", format!("\"{version}\""))
        .send()
        .await?;
    anyhow::ensure!(
        deleted.status().is_success(),
        "cluster delete: {}",
        deleted.status()
    );
    commands += 1;
    settle(&stack).await?;

    let mut records = read_topic(&stack.brokers, &stack.topic());
    let recorded = records.len();
    append_stale_writer(&mut records)?;
    append_poison(&mut records)?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    platform::kafka::fixture::write(&mut file, &records)?;
    std::io::Write::flush(&mut file)?;
    println!(
        "{commands} commands → {recorded} records, plus {} appended, to {out}",
        records.len() - recorded
    );
    Ok(())
}

/// Sends one command as alice; refusals (409 while an operation runs) are fine, they
/// write nothing, but server errors end the recording.
async fn send(
    stack: &Stack,
    method: Method,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> anyhow::Result<Value> {
    let mut request = stack.command(method, path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await?;
    let status = response.status();
    anyhow::ensure!(!status.is_server_error(), "{path}: {status}");
    Ok(response.json().await.unwrap_or(Value::Null))
}

/// Advances the manual clock until every operation alice started is done.
async fn settle(stack: &Stack) -> anyhow::Result<()> {
    let done = eventually(Duration::from_secs(120), || async {
        stack.clock.advance(chrono::Duration::seconds(1));
        all_done(stack).await.unwrap_or(false)
    })
    .await;
    anyhow::ensure!(done, "operations did not finish");
    Ok(())
}

async fn all_done(stack: &Stack) -> anyhow::Result<bool> {
    let mut token = String::new();
    loop {
        let path = format!("/api/v1/operations?page_size=200&page_token={token}");
        let page: Value = stack.query(&path).send().await?.json().await?;
        let operations = page["operations"].as_array().cloned().unwrap_or_default();
        if operations.iter().any(|o| o["done"] != true) {
            return Ok(false);
        }
        match page["next_page_token"].as_str() {
            Some(next) => token = next.to_owned(),
            None => return Ok(true),
        }
    }
}

fn next_offset(records: &[LogEntry], partition: i32) -> i64 {
    records
        .iter()
        .filter(|r| r.partition == partition)
        .map(|r| r.offset + 1)
        .max()
        .unwrap_or(0)
}

/// The last batch of the partition with the most records, decoded.
fn last_batch(records: &[LogEntry]) -> anyhow::Result<(LogEntry, domain::record::Batch)> {
    let entry = records
        .iter()
        .rev()
        .find(|r| r.key.as_deref() != Some(b"claim".as_slice()))
        .ok_or_else(|| anyhow::anyhow!("no batch recorded"))?;
    match proto::decode_record(entry.value.as_deref().unwrap_or_default())? {
        Record::Batch(batch) => Ok((entry.clone(), batch)),
        Record::Claim(_) => anyhow::bail!("the last keyed record is a claim"),
    }
}

/// A zombie writer: a claim older than the current one, a batch under it continuing the
/// aggregate's versions, and a re-sent copy of an already applied batch under the current
/// claim. The validity rule ignores all three.
fn append_stale_writer(records: &mut Vec<LogEntry>) -> anyhow::Result<()> {
    let (entry, batch) = last_batch(records)?;
    let p = entry.partition;
    let stale = domain::log_validity::WriterClaim {
        epoch: 0,
        writer_id: "zombie-writer".into(),
    };
    let claim_value = records
        .iter()
        .find(|r| r.partition == p && r.key.as_deref() == Some(b"claim".as_slice()))
        .and_then(|r| r.value.clone())
        .ok_or_else(|| anyhow::anyhow!("partition {p} has no claim"))?;
    let Record::Claim(mut claim) = proto::decode_record(&claim_value)? else {
        anyhow::bail!("not a claim");
    };
    claim.claim = stale.clone();
    let claim_headers = records
        .iter()
        .find(|r| r.partition == p && r.key.as_deref() == Some(b"claim".as_slice()))
        .map(|r| r.headers.clone())
        .unwrap_or_default();
    let mut stale_batch = batch.clone();
    stale_batch.header.claim = stale;
    stale_batch.header.from_version = batch.header.from_version + batch.len();
    let resent = entry.value.clone();
    let appended = [
        (
            Some(b"claim".to_vec()),
            proto::encode_record(&Record::Claim(claim)),
            claim_headers,
        ),
        (
            entry.key.clone(),
            proto::encode_record(&Record::Batch(stale_batch)),
            entry.headers.clone(),
        ),
        (
            entry.key.clone(),
            resent.unwrap_or_default(),
            entry.headers.clone(),
        ),
    ];
    for (key, value, headers) in appended {
        let offset = next_offset(records, p);
        records.push(LogEntry {
            partition: p,
            offset,
            key,
            value: Some(value),
            headers,
            timestamp_ms: None,
        });
    }
    Ok(())
}

/// A poison record (not a record at all) for an aggregate, then that aggregate's next
/// batch, which must park behind it.
fn append_poison(records: &mut Vec<LogEntry>) -> anyhow::Result<()> {
    let (entry, batch) = last_batch(&records[..records.len() - 3])?;
    let p = entry.partition;
    let mut next = batch.clone();
    next.header.from_version = batch.header.from_version + batch.len();
    let appended = [
        b"\xff\xfe poison".to_vec(),
        proto::encode_record(&Record::Batch(next)),
    ];
    for value in appended {
        let offset = next_offset(records, p);
        records.push(LogEntry {
            partition: p,
            offset,
            key: entry.key.clone(),
            value: Some(value),
            headers: entry.headers.clone(),
            timestamp_ms: None,
        });
    }
    Ok(())
}
