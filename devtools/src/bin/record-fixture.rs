//! Records the replay fixture of `projector/tests/fixtures/droplets.records.jsonl`: runs a
//! fixed droplet scenario through a real command-api (Apache Kafka, manual clock) and dumps
//! every record of the topic exactly as command-api produced it, in the record file format
//! (`platform::kafka::fixture`, the one the CLI's export/import use too).
//! Usage: `cargo run -p devtools --bin record-fixture -- <out-file>`. Re-recording changes
//! ids, so the projector's snapshot of the replayed rows must be re-accepted with it.

use std::time::Duration;

use devtools::stack::{Stack, StackOptions};
use platform::testing::{eventually, read_topic};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: record-fixture <out-file>"))?;
    let stack = Stack::start(StackOptions {
        partitions: 4,
        provisioner: true,
        ..StackOptions::default()
    })
    .await?;
    let web1 = create(&stack, "web-1", "nyc1", "s-1vcpu-1gb", "k-web-1").await?;
    let web2 = create(&stack, "web-2", "ams3", "s-1vcpu-2gb", "k-web-2").await?;
    let db1 = create(&stack, "db-1", "fra1", "s-2vcpu-4gb", "k-db-1").await?;
    create(&stack, "web-1", "nyc1", "s-1vcpu-1gb", "k-web-1").await?; // an idempotent retry: no record
    stack.clock.advance(chrono::Duration::seconds(3));
    anyhow::ensure!(
        wait_for_batches(&stack, 6).await,
        "provisioning did not happen"
    );
    for (id, action) in [
        (&web2, json!({"type": "power_off"})),
        (&web2, json!({"type": "power_on"})),
        (&web1, json!({"type": "reboot"})),
        (&db1, json!({"type": "rename", "name": "db-primary"})),
        (&db1, json!({"type": "power_on"})), // refused: nothing is written
    ] {
        stack
            .command(Method::POST, &format!("/api/v1/droplets/{id}/actions"))
            .json(&action)
            .send()
            .await?;
    }
    stack
        .command(Method::DELETE, &format!("/api/v1/droplets/{web1}"))
        .send()
        .await?;
    stack.clock.advance(chrono::Duration::seconds(2));
    anyhow::ensure!(
        wait_for_batches(&stack, 12).await,
        "deletion did not complete"
    );
    let records = read_topic(&stack.brokers, &stack.topic());
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    platform::kafka::fixture::write(&mut file, &records)?;
    std::io::Write::flush(&mut file)?;
    println!("recorded {} records to {out}", records.len());
    Ok(())
}

async fn create(
    stack: &Stack,
    name: &str,
    region: &str,
    size: &str,
    key: &str,
) -> anyhow::Result<String> {
    let body = json!({"name": name, "region": region, "size": size, "image": "ubuntu-24-04-x64", "tags": ["env:fixture"]});
    let request = stack
        .command(Method::POST, "/api/v1/droplets")
        .header("Idempotency-Key", key)
        .json(&body);
    let created: Value = request.send().await?.json().await?;
    Ok(created["droplet"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

async fn wait_for_batches(stack: &Stack, expected: usize) -> bool {
    eventually(Duration::from_secs(20), || async {
        let records = read_topic(&stack.brokers, &stack.topic());
        records
            .iter()
            .filter(|r| r.key.as_deref() != Some(b"claim".as_slice()))
            .count()
            >= expected
    })
    .await
}
