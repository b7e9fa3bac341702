//! `loadgen demo`: the original product's demo generator — a weighted mix over the public
//! routes that exist today, sent through one API base URL (query-api, which relays
//! mutations) at a fixed rate by `-c` workers for `-duration`, spread over `-users`
//! simulated users, optionally with an `Idempotency-Key` per mutating request. It prints
//! p50/p95/p99 per route and per status (text or JSON) and fails on unexpected 5xx.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::Method;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::client::{Call, Conn};
use crate::open::schedule;
use crate::scenario::created_id;
use crate::stats::Recorder;
use crate::target::Target;

/// The knobs of the original demo.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// API base URL (query-api; it relays mutations to command-api).
    #[arg(long, default_value = "http://127.0.0.1:8081")]
    pub api: String,
    /// Concurrent workers (connections).
    #[arg(short = 'c', default_value_t = 20)]
    pub c: usize,
    /// Requests per second, open loop.
    #[arg(long, default_value_t = 200.0)]
    pub qps: f64,
    /// How long to run, e.g. 30s, 500ms, 2m.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Simulated users; each creates and acts on its own droplets.
    #[arg(long, default_value_t = 4)]
    pub users: usize,
    /// Bearer tokens, comma separated; user i uses token i mod n.
    #[arg(long, env = "CG_TOKEN", default_value = "cg-dev-admin-token-0000")]
    pub token: String,
    /// Send a fresh Idempotency-Key with every mutating request.
    #[arg(long)]
    pub idempotency: bool,
    /// Print JSON instead of the text table.
    #[arg(long)]
    pub json: bool,
}

/// Route, weight: the mix, in the proportions of a browsing user who sometimes acts.
const MIX: &[(&str, u32)] = &[
    ("GET /droplets", 25),
    ("GET /droplets/{id}", 25),
    ("POST /droplets", 12),
    ("PATCH /droplets/{id}", 8),
    ("POST /droplets/{id}/actions", 5),
    ("GET /clusters", 5),
    ("GET /operations", 10),
    ("GET /regions", 5),
    ("GET /sizes", 5),
];

type Shared = Arc<Vec<Mutex<Vec<Uuid>>>>;

pub async fn run(args: DemoArgs) -> anyhow::Result<bool> {
    let target = Target::parse(&args.api)?;
    let users: Shared = Arc::new(
        (0..args.users.max(1))
            .map(|_| Mutex::new(Vec::new()))
            .collect(),
    );
    let prefix = format!("demo-{}", &Uuid::new_v4().simple().to_string()[..8]);
    let (tx, rx) = mpsc::unbounded_channel::<Instant>();
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    let workers: Vec<_> = (0..args.c.max(1))
        .map(|w| {
            let (target, rx, users, args, prefix) = (
                target.clone(),
                Arc::clone(&rx),
                Arc::clone(&users),
                args.clone(),
                prefix.clone(),
            );
            tokio::spawn(async move { worker(w, &target, &rx, &users, &args, &prefix).await })
        })
        .collect();
    schedule(&tx, Instant::now(), args.qps, args.duration).await;
    drop(tx);
    let mut routes: BTreeMap<&'static str, Recorder> = BTreeMap::new();
    for task in workers {
        for (route, recorder) in task.await? {
            routes.entry(route).or_default().merge(&recorder);
        }
    }
    let report = report(&routes, args.duration.as_secs_f64());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_text(&routes, args.duration.as_secs_f64());
    }
    let unexpected: u64 = routes
        .values()
        .map(|r| r.summary(1.0).server_errors_5xx)
        .sum();
    Ok(unexpected == 0)
}

async fn worker(
    index: usize,
    target: &Target,
    rx: &tokio::sync::Mutex<mpsc::UnboundedReceiver<Instant>>,
    users: &Shared,
    args: &DemoArgs,
    prefix: &str,
) -> BTreeMap<&'static str, Recorder> {
    let mut conn = Conn::new(target);
    let mut rng = SmallRng::seed_from_u64(index as u64);
    let mut routes: BTreeMap<&'static str, Recorder> = BTreeMap::new();
    let tokens: Vec<&str> = args.token.split(',').collect();
    let mut n = 0u64;
    while let Some(due) = rx.lock().await.recv().await {
        n += 1;
        let user = rng.random_range(0..users.len());
        let call = pick(
            &mut rng,
            &users[user],
            prefix,
            user,
            index,
            n,
            args.idempotency,
        );
        let call = call.header(
            "authorization",
            format!("Bearer {}", tokens[user % tokens.len()]),
        );
        let recorder = routes.entry(call.route).or_default();
        match conn.send(&call).await {
            Ok((status, body)) => {
                recorder.status(status.as_u16(), due.elapsed());
                if let Some(id) = created_id(&body).filter(|_| call.route == "POST /droplets") {
                    users[user].lock().expect("not poisoned").push(id);
                }
            }
            Err(error) => recorder.error(&error),
        }
    }
    routes
}

fn pick(
    rng: &mut SmallRng,
    own: &Mutex<Vec<Uuid>>,
    prefix: &str,
    user: usize,
    worker: usize,
    n: u64,
    idempotency: bool,
) -> Call {
    let known = own.lock().expect("not poisoned").clone();
    let total: u32 = MIX.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    let mut route = MIX[0].0;
    for (name, weight) in MIX {
        if roll < *weight {
            route = name;
            break;
        }
        roll -= weight;
    }
    let id = (!known.is_empty()).then(|| known[rng.random_range(0..known.len())]);
    let call = match (route, id) {
        ("GET /droplets/{id}", Some(id)) => {
            Call::get(route_name(route), format!("/api/v1/droplets/{id}"))
        }
        ("PATCH /droplets/{id}", Some(id)) => Call::json(
            route_name(route),
            Method::PATCH,
            format!("/api/v1/droplets/{id}"),
            format!(r#"{{"tags":["demo:{}"]}}"#, n % 5),
        ),
        ("POST /droplets/{id}/actions", Some(id)) => {
            let action = ["power_off", "power_on", "reboot"][rng.random_range(0..3)];
            Call::json(
                route_name(route),
                Method::POST,
                format!("/api/v1/droplets/{id}/actions"),
                format!(r#"{{"type":"{action}"}}"#),
            )
        }
        ("GET /clusters", _) => Call::get("GET /clusters", "/api/v1/clusters?per_page=20".into()),
        ("GET /operations", _) => {
            Call::get("GET /operations", "/api/v1/operations?per_page=20".into())
        }
        ("GET /regions", _) => Call::get("GET /regions", "/api/v1/regions".into()),
        ("GET /sizes", _) => Call::get("GET /sizes", "/api/v1/sizes".into()),
        ("GET /droplets", _) => Call::get("GET /droplets", "/api/v1/droplets?per_page=20".into()),
        // A user without droplets yet, or a create: create one.
        _ => Call::json(
            "POST /droplets",
            Method::POST,
            "/api/v1/droplets".into(),
            format!(
                r#"{{"name":"{prefix}-u{user}-w{worker}-{n}","region":"nyc1","size":"s-1vcpu-1gb","image":"debian-12-x64"}}"#
            ),
        ),
    };
    if idempotency && call.method != Method::GET {
        return call.header("idempotency-key", Uuid::new_v4().to_string());
    }
    call
}

/// The static label of a MIX entry.
fn route_name(route: &str) -> &'static str {
    MIX.iter()
        .find(|(r, _)| *r == route)
        .map_or("other", |(r, _)| r)
}

fn report(routes: &BTreeMap<&'static str, Recorder>, seconds: f64) -> Value {
    let mut all = Recorder::default();
    let per_route: BTreeMap<&str, Value> = routes
        .iter()
        .map(|(route, r)| {
            all.merge(r);
            (*route, json!(r.summary(seconds)))
        })
        .collect();
    json!({"routes": per_route, "all": all.summary(seconds)})
}

fn print_text(routes: &BTreeMap<&'static str, Recorder>, seconds: f64) {
    println!(
        "{:<30} {:>7} {:>8} {:>9} {:>9} {:>9}  statuses",
        "route", "count", "req/s", "p50 ms", "p95 ms", "p99 ms"
    );
    let mut all = Recorder::default();
    for (route, r) in routes {
        all.merge(r);
        line(route, r, seconds);
    }
    line("all", &all, seconds);
}

fn line(route: &str, r: &Recorder, seconds: f64) {
    let s = r.summary(seconds);
    let statuses: Vec<String> = s.statuses.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    let errors = if s.transport_errors > 0 {
        format!(" errors:{}", s.transport_errors)
    } else {
        String::new()
    };
    println!(
        "{route:<30} {:>7} {:>8.1} {:>9.2} {:>9.2} {:>9.2}  {}{errors}",
        s.requests,
        s.responses_per_second,
        s.latency_ms.p50,
        s.latency_ms.p95,
        s.latency_ms.p99,
        statuses.join(" ")
    );
}

/// `30s`, `500ms`, `2m` or plain seconds.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let (number, unit) = raw
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((raw, "s"), |i| raw.split_at(i));
    let value: f64 = number
        .parse()
        .map_err(|_| format!("not a duration: {raw}"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("unknown unit in {raw} (ms, s, m)")),
    };
    Ok(Duration::from_secs_f64(seconds))
}
