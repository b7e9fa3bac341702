//! `bench-log`: the log-side tools of `make bench`. `synth` fills a fresh topic with N
//! valid droplet-create records exactly as command-api writes them (a claim per partition,
//! then batches stamped with it), for the projector catch-up and command-api restore
//! phases; `upsert` writes the same N rows straight into MariaDB, the catch-up baseline;
//! `count` checks the projection; `acks` measures one acknowledged append, the floor
//! under a command's latency. Never part of `make test`; it asserts nothing.
//!
//! Usage: `bench-log synth BROKERS TOPIC_PREFIX N PARTITIONS OUT.json`,
//! `bench-log upsert DATABASE_URL N PARTITIONS OUT.json`, `bench-log count DATABASE_URL`,
//! `bench-log acks BROKERS TOPIC_PREFIX N OUT.json`.

mod acks;
mod rows;
mod synth;
mod upsert;

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .cloned()
            .with_context(|| format!("missing argument {i}; see the module docs for usage"))
    };
    let report = match arg(0)?.as_str() {
        "synth" => {
            let n = arg(3)?.parse()?;
            let partitions = arg(4)?.parse()?;
            let report = synth::run(&arg(1)?, &arg(2)?, n, partitions).await?;
            std::fs::write(arg(5)?, serde_json::to_string_pretty(&report)? + "\n")?;
            report
        }
        "upsert" => {
            let report = upsert::run(&arg(1)?, arg(2)?.parse()?, arg(3)?.parse()?).await?;
            std::fs::write(arg(4)?, serde_json::to_string_pretty(&report)? + "\n")?;
            report
        }
        "count" => upsert::count(&arg(1)?).await?,
        "acks" => {
            let report = acks::run(&arg(1)?, &arg(2)?, arg(3)?.parse()?).await?;
            std::fs::write(arg(4)?, serde_json::to_string_pretty(&report)? + "\n")?;
            report
        }
        other => anyhow::bail!("unknown command {other}: synth, upsert, count or acks"),
    };
    println!("{report}");
    Ok(())
}
