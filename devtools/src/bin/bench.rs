//! `make bench`: drives droplet creation over HTTP against an in-process stack for a
//! fixed time and prints commands/s, p50/p99 command latency and p50/p99 freshness
//! (accepted → visible through query-api with the consistency token), next to an actix
//! hello-world's req/s measured in the same run as the baseline. Not a test: it asserts
//! nothing and is never part of `make test`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use devtools::stack::{Stack, StackOptions, TOKEN};
use serde_json::json;
use tokio::sync::Mutex;

const CLIENTS: usize = 16;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let duration = Duration::from_secs(seconds);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS * 2)
        .build()?;

    let hello = hello_world_baseline(&client, duration).await?;
    let stack = Stack::start(StackOptions {
        partitions: 12,
        provisioner: false,
        ..StackOptions::default()
    })
    .await?;
    let run = drive_creates(&stack, &client, duration).await;

    let commands_per_second = run.latencies.len() as f64 / duration.as_secs_f64();
    println!(
        "ClusterGenie bench: {seconds} s per phase, {CLIENTS} concurrent clients, 12 partitions, debug={}",
        cfg!(debug_assertions)
    );
    println!(
        "  broker    {} at {}",
        std::env::var("CG_BENCH_BROKER_KIND").unwrap_or_else(|_| "Apache Kafka".into()),
        stack.brokers
    );
    println!(
        "  baseline  actix hello-world           {:>10.0} req/s   p50 {:>7.2} ms  p99 {:>7.2} ms",
        hello.per_second,
        ms(&hello.latencies, 0.50),
        ms(&hello.latencies, 0.99)
    );
    println!(
        "  commands  POST /api/v1/droplets       {:>10.0} cmd/s   p50 {:>7.2} ms  p99 {:>7.2} ms",
        commands_per_second,
        ms(&run.latencies, 0.50),
        ms(&run.latencies, 0.99)
    );
    println!(
        "  freshness accepted -> visible (token)                      p50 {:>7.2} ms  p99 {:>7.2} ms",
        ms(&run.freshness, 0.50),
        ms(&run.freshness, 0.99)
    );
    println!(
        "  ratios    commands/s ÷ hello req/s = {:.3};  command p50 ÷ hello p50 = {:.1}",
        commands_per_second / hello.per_second,
        ms(&run.latencies, 0.5) / ms(&hello.latencies, 0.5).max(0.001)
    );
    println!(
        "  errors    {} non-202 answers, {} stale reads",
        run.errors, run.stale
    );
    Ok(())
}

struct Phase {
    per_second: f64,
    latencies: Vec<Duration>,
}

async fn hello_world_baseline(
    client: &reqwest::Client,
    duration: Duration,
) -> anyhow::Result<Phase> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://127.0.0.1:{}/hello", listener.local_addr()?.port());
    let server = HttpServer::new(|| {
        App::new().route(
            "/hello",
            web::get().to(|| async { HttpResponse::Ok().body("hello") }),
        )
    })
    .listen(listener)?
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + duration;
    let workers = (0..CLIENTS).map(|_| {
        let (client, url, latencies) = (client.clone(), url.clone(), latencies.clone());
        tokio::spawn(async move {
            while Instant::now() < deadline {
                let started = Instant::now();
                if client
                    .get(&url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 200)
                {
                    latencies.lock().await.push(started.elapsed());
                }
            }
        })
    });
    futures::future::join_all(workers).await;
    handle.stop(true).await;
    let latencies = Arc::try_unwrap(latencies)
        .map_err(|_| anyhow::anyhow!("workers still running"))?
        .into_inner();
    Ok(Phase {
        per_second: latencies.len() as f64 / duration.as_secs_f64(),
        latencies,
    })
}

#[derive(Default)]
struct Run {
    latencies: Vec<Duration>,
    freshness: Vec<Duration>,
    errors: usize,
    stale: usize,
}

async fn drive_creates(stack: &Stack, client: &reqwest::Client, duration: Duration) -> Run {
    let run = Arc::new(Mutex::new(Run::default()));
    let deadline = Instant::now() + duration;
    let workers = (0..CLIENTS).map(|worker| {
        let (client, run) = (client.clone(), run.clone());
        let (command_url, query_url) = (stack.command_url.clone(), stack.query_url.clone());
        tokio::spawn(async move {
            let mut probes = Vec::new();
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let body = json!({"name": format!("bench-{worker}-{n}"), "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"});
                let started = Instant::now();
                let request = client.post(format!("{command_url}/api/v1/droplets")).bearer_auth(TOKEN).json(&body);
                let response = match request.send().await {
                    Ok(r) if r.status() == 202 => r,
                    _ => {
                        run.lock().await.errors += 1;
                        continue;
                    }
                };
                let accepted = Instant::now();
                run.lock().await.latencies.push(accepted - started);
                let token = response.headers()["consistency-token"].to_str().unwrap_or_default().to_owned();
                let location = response.headers()["location"].to_str().unwrap_or_default().to_owned();
                let (client, run, query_url) = (client.clone(), run.clone(), query_url.clone());
                probes.push(tokio::spawn(async move {
                    let read = client
                        .get(format!("{query_url}{location}"))
                        .bearer_auth(TOKEN)
                        .header("X-Min-Consistency-Token", token)
                        .header("Prefer", "wait=10")
                        .send()
                        .await;
                    let visible = accepted.elapsed();
                    let mut run = run.lock().await;
                    match read {
                        Ok(r) if r.status() == 200 && r.headers().get("x-consistency").is_none() => run.freshness.push(visible),
                        _ => run.stale += 1,
                    }
                }));
            }
            futures::future::join_all(probes).await;
        })
    });
    futures::future::join_all(workers).await;
    Arc::try_unwrap(run)
        .map(Mutex::into_inner)
        .unwrap_or_default()
}

fn ms(samples: &[Duration], quantile: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let index = ((sorted.len() as f64 - 1.0) * quantile).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}
