//! `loadgen`: the load generator of `make bench`, a separate process from the services.
//! `run` drives one workload closed-loop (`-c` users) or open-loop (`--rate`, latency from
//! the scheduled time) and writes one JSON summary; `demo` is the original weighted-mix
//! demo. It reports what it saw and never judges it (apart from demo's 5xx exit code).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bench::closed::{self, Limits};
use bench::demo::{self, DemoArgs};
use bench::fresh::Freshness;
use bench::open;
use bench::scenario::{Kind, Workload};
use bench::target::Target;
use clap::{Parser, Subcommand};
use serde_json::json;
use uuid::Uuid;

#[derive(Parser)]
#[command(about = "HTTP load generator for ClusterGenie's benchmark")]
struct Cli {
    /// Tokio worker threads (1: a current-thread runtime, the leanest).
    #[arg(long, default_value_t = 1, global = true)]
    threads: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Drive one workload and write a JSON summary.
    Run(RunArgs),
    /// The demo mix (`-api`, `-c`, `-qps`, `-duration`, `-users`, `-idempotency`).
    Demo(DemoArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// Base URL of the service, e.g. http://127.0.0.1:8080
    #[arg(long)]
    url: String,
    #[arg(long, value_enum)]
    kind: Kind,
    /// Connections (closed loop: virtual users; open loop: workers).
    #[arg(short = 'c', long, default_value_t = 32)]
    connections: usize,
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Closed loop only: stop after this many recorded requests (ignores --seconds).
    #[arg(long, default_value_t = 0)]
    requests: u64,
    /// Closed loop only: unrecorded requests first.
    #[arg(long, default_value_t = 0)]
    warmup: u64,
    /// Open loop at this many requests per second (absent: closed loop).
    #[arg(long)]
    rate: Option<f64>,
    #[arg(long, env = "CG_TOKEN", default_value = "")]
    token: String,
    /// Prefix of droplet names (unique per run).
    #[arg(long)]
    prefix: Option<String>,
    /// Droplet ids to read or act on, one per line.
    #[arg(long)]
    ids: Option<PathBuf>,
    /// Where to append the ids of created droplets.
    #[arg(long)]
    ids_out: Option<PathBuf>,
    /// query-api base URL: track freshness of created droplets there.
    #[arg(long)]
    fresh_url: Option<String>,
    /// Track every k-th accepted create.
    #[arg(long, default_value_t = 5)]
    fresh_every: u64,
    #[arg(long, default_value_t = 1.0)]
    poll_ms: f64,
    /// Write the JSON summary here (default: stdout).
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse_from(go_style_flags(std::env::args()));
    let runtime = if cli.threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(cli.threads)
            .enable_all()
            .build()?
    };
    match cli.command {
        Command::Run(args) => runtime.block_on(run(args)),
        Command::Demo(args) => {
            if !runtime.block_on(demo::run(args))? {
                eprintln!("unexpected 5xx responses");
                std::process::exit(1);
            }
            Ok(())
        }
    }
}

/// Accepts the original demo's Go-style flags (`-api`, `-qps`, `-duration`, …).
fn go_style_flags(args: impl Iterator<Item = String>) -> Vec<String> {
    const LONG: &[&str] = &[
        "-api",
        "-qps",
        "-duration",
        "-users",
        "-idempotency",
        "-json",
    ];
    args.map(|a| {
        let name = a.split('=').next().unwrap_or_default();
        if LONG.contains(&name) {
            format!("-{a}")
        } else {
            a
        }
    })
    .collect()
}

async fn run(args: RunArgs) -> anyhow::Result<()> {
    let target = Target::parse(&args.url)?;
    let ids = match &args.ids {
        Some(path) => read_ids(path)?,
        None => Vec::new(),
    };
    anyhow::ensure!(
        args.kind != Kind::Get || !ids.is_empty(),
        "--kind get needs --ids with at least one id"
    );
    let workload = Workload {
        kind: args.kind,
        token: args.token.clone(),
        prefix: args
            .prefix
            .clone()
            .unwrap_or_else(|| format!("b{}", &Uuid::new_v4().simple().to_string()[..8])),
        ids: Arc::new(ids),
        users: args.connections.max(1),
    };
    let fresh = match &args.fresh_url {
        Some(url) => Some(Freshness::new(
            &Target::parse(url)?,
            &args.token,
            args.fresh_every,
            Duration::from_secs_f64(args.poll_ms / 1000.0),
        )),
        None => None,
    };
    let duration = Duration::from_secs_f64(args.seconds);
    let (recorder, created, elapsed, scheduled, unsent) = match args.rate {
        Some(rate) => {
            let o = open::run(&target, &workload, rate, duration, fresh.clone()).await;
            (
                o.recorder,
                o.created,
                o.elapsed,
                Some(o.scheduled),
                Some(o.unsent),
            )
        }
        None => {
            let limits = Limits {
                duration,
                requests: args.requests,
                warmup: args.warmup,
            };
            let o = closed::run(&target, &workload, limits, fresh.clone()).await;
            (o.recorder, o.created, o.elapsed, None, None)
        }
    };
    let freshness = match &fresh {
        Some(f) => Some(f.finish().await),
        None => None,
    };
    if let Some(path) = &args.ids_out {
        let lines: String = created.iter().map(|id| format!("{id}\n")).collect();
        std::fs::write(path, lines).with_context(|| format!("writing {}", path.display()))?;
    }
    let summary = json!({
        "kind": args.kind,
        "mode": if args.rate.is_some() { "open" } else { "closed" },
        "url": args.url,
        "connections": args.connections,
        "rate": args.rate,
        "seconds": elapsed.as_secs_f64(),
        "scheduled": scheduled,
        "unsent": unsent,
        "created": created.len(),
        "summary": recorder.summary(elapsed.as_secs_f64()),
        "freshness": freshness,
    });
    let text = serde_json::to_string_pretty(&summary)?;
    match &args.out {
        Some(path) => std::fs::write(path, text + "\n")?,
        None => println!("{text}"),
    }
    Ok(())
}

fn read_ids(path: &PathBuf) -> anyhow::Result<Vec<Uuid>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().parse().with_context(|| format!("not an id: {l}")))
        .collect()
}
