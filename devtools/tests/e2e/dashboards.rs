//! Dashboards and rules proven against live data (issue 10 item 7): a real Prometheus
//! (the `prometheus` binary `scripts/ensure-deps.sh` installs) scrapes this stack's
//! command-api, query-api and projector and loads `monitoring/rules`; a short scenario
//! (a create and its idempotent replay, a read behind a consistency token, a job that
//! succeeds and one that fails, a rate-limited burst) feeds them; then every PromQL
//! expression of every dashboard panel and every rule is evaluated through the HTTP API.
//! Any expression Prometheus refuses fails the test, and so does an empty result for a
//! panel marked `"cg_always_populated": true` (see monitoring/README.md). LogQL panels are
//! linted by `monitoring/lint_dashboards.py` (no Loki here). This file never edits the
//! dashboards it reads.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use devtools::stack::{ADMIN_TOKEN, OTHER_TOKEN, Stack, StackOptions};
use platform::testing::{eventually, eventually_some};
use reqwest::{Method, Url};
use serde_json::{Value, json};
use uuid::Uuid;

/// The deadline for scrapes and rule evaluations to show the scenario.
const SETTLE: Duration = Duration::from_secs(90);

fn monitoring() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .join("monitoring")
}

/// A Prometheus of the test's own, killed when dropped.
struct Prometheus {
    child: Child,
    url: String,
    _dir: TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

fn host_port(url: &str) -> &str {
    url.trim_start_matches("http://")
}

/// Starts Prometheus scraping `stack` every second with the repository's rules.
fn start_prometheus(stack: &Stack) -> Prometheus {
    let dir = std::env::temp_dir().join(format!("cg-prometheus-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let rules = monitoring().join("rules/clustergenie.rules.yml");
    let jobs = [
        ("command-api", &stack.command_url),
        ("query-api", &stack.query_url),
        ("projector", &stack.projector_url),
    ];
    let scrape: String = jobs
        .iter()
        .map(|(job, url)| {
            format!(
                "  - job_name: {job}\n    static_configs:\n      - targets: [\"{}\"]\n",
                host_port(url)
            )
        })
        .collect();
    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\nscrape_configs:\n{scrape}",
        rules.display()
    );
    let config_file = dir.join("prometheus.yml");
    std::fs::write(&config_file, config).expect("the config is written");
    let port = free_port();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", config_file.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus is installed (scripts/ensure-deps.sh installs Debian's prometheus)");
    Prometheus {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _dir: TempDir(dir),
    }
}

/// The scenario: writes, a replay, a consistent read, two jobs, a limited burst.
async fn scenario(stack: &Stack) {
    let create = json!({"name": "dash-e2e", "region": "nyc1",
        "node_pools": [{"name": "workers", "size": "s-2vcpu-4gb", "count": 1}]});
    let mut token = String::new();
    for _ in 0..2 {
        let response = stack
            .command(Method::POST, "/api/v1/clusters")
            .header("Idempotency-Key", "dashboards-e2e-create")
            .json(&create)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202, "{:?}", response.text().await);
        token = response.headers()["consistency-token"]
            .to_str()
            .unwrap()
            .to_owned();
    }
    let read = stack
        .query_after("/api/v1/clusters", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);

    let sleep = json!({"type": "sleep", "args": {"seconds": 1, "steps": 1}});
    let fail = json!({"type": "fail", "args": {"retryable": false, "fail_attempts": 1}});
    let jobs = [
        (enqueue(stack, &sleep).await, "succeeded"),
        (enqueue(stack, &fail).await, "failed"),
    ];
    for (id, wanted) in jobs {
        let reached = eventually(Duration::from_secs(60), || async move {
            stack.clock.advance(chrono::Duration::milliseconds(250));
            let path = format!("/api/v1/jobs/{id}");
            let job: Option<Value> = match stack.query(&path).send().await {
                Ok(r) if r.status() == 200 => r.json().await.ok(),
                _ => None,
            };
            job.is_some_and(|j| j["status"] == wanted)
        })
        .await;
        assert!(reached, "job {id} did not reach {wanted}");
    }

    // bob gets a policy of 2 requests an hour: his third read onwards is limited.
    let strict = json!({"policies": [{"name": "strict", "quota": 2, "window_seconds": 3600}]});
    let put = stack
        .client
        .put(format!(
            "{}/api/v1/users/bob/rate_limit_policy",
            stack.query_url
        ))
        .bearer_auth(ADMIN_TOKEN)
        .header("if-match", "\"0\"")
        .json(&strict)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200, "{:?}", put.text().await);
    let mut limited = 0;
    for _ in 0..8 {
        let response = stack
            .client
            .get(format!("{}/api/v1/regions", stack.query_url))
            .bearer_auth(OTHER_TOKEN)
            .send()
            .await
            .unwrap();
        limited += usize::from(response.status() == 429);
    }
    assert!(limited >= 5, "the burst was limited {limited} times");
}

async fn enqueue(stack: &Stack, body: &Value) -> Uuid {
    let response = stack
        .command(Method::POST, "/api/v1/jobs")
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let job: Value = response.json().await.unwrap();
    job["id"].as_str().unwrap().parse().unwrap()
}

/// One panel query, with Grafana's variables replaced by what a viewer would send:
/// intervals by fixed durations, every template variable by "All" (`.*`; the lint
/// requires `=~` wherever one is used).
fn substitute(expr: &str) -> String {
    let fixed = [
        ("$__rate_interval", "30s"),
        ("$__interval", "15s"),
        ("$__range", "5m"),
        ("$__auto", "15s"),
    ];
    let mut expr = expr.to_owned();
    for (var, value) in fixed {
        expr = expr.replace(var, value);
    }
    let mut out = String::with_capacity(expr.len());
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'{') {
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
            }
        } else {
            while chars
                .peek()
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                chars.next();
            }
        }
        out.push_str(".*");
    }
    out
}

/// A Prometheus panel query and whether it must return data.
struct PanelQuery {
    name: String,
    expr: String,
    populated: bool,
}

fn panel_queries() -> Vec<PanelQuery> {
    let mut found = Vec::new();
    let dir = monitoring().join("grafana/dashboards");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the dashboards directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for file in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{file:?}: {e}"));
        let uid = doc["uid"].as_str().unwrap_or_default().to_owned();
        let panels = doc["panels"].as_array().cloned().unwrap_or_default();
        let nested = panels.iter().flat_map(|p| {
            p["panels"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
        });
        let all: Vec<Value> = panels.iter().cloned().chain(nested).collect();
        for panel in all
            .iter()
            .filter(|p| p["datasource"]["type"] == "prometheus")
        {
            for target in panel["targets"].as_array().into_iter().flatten() {
                found.push(PanelQuery {
                    name: format!("{uid} / {} / {}", panel["title"], target["refId"]),
                    expr: substitute(target["expr"].as_str().unwrap_or_default()),
                    populated: panel["cg_always_populated"] == true,
                });
            }
        }
    }
    found
}

/// The API's answer to an instant query: `Err` = Prometheus refused the expression.
async fn query(client: &reqwest::Client, prometheus: &str, expr: &str) -> Result<usize, String> {
    let url = Url::parse_with_params(&format!("{prometheus}/api/v1/query"), [("query", expr)])
        .expect("a query URL");
    let body: Value = client
        .get(url)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    if body["status"] != "success" {
        return Err(format!("{}: {}", body["errorType"], body["error"]));
    }
    let result = &body["data"]["result"];
    Ok(result.as_array().map_or(1, Vec::len))
}

/// Every rule Prometheus loaded, once each has been evaluated: (name, query, health, error).
async fn rules(
    client: &reqwest::Client,
    prometheus: &str,
) -> Vec<(String, String, String, String)> {
    let body: Value = client
        .get(format!("{prometheus}/api/v1/rules"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let groups = body["data"]["groups"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    groups
        .iter()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .map(|r| {
            let text = |key: &str| r[key].as_str().unwrap_or_default().to_owned();
            (
                text("name"),
                text("query"),
                text("health"),
                text("lastError"),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_panel_and_rule_evaluates_on_live_data() {
    let stack = Stack::start(StackOptions::default()).await.unwrap();
    let prometheus = start_prometheus(&stack);
    let client = stack.client.clone();
    scenario(&stack).await;

    let up = eventually(SETTLE, || async {
        query(&client, &prometheus.url, "sum(up) == 3").await == Ok(1)
    })
    .await;
    assert!(up, "Prometheus did not scrape the three services");

    let panels = panel_queries();
    assert!(
        panels.iter().filter(|p| p.populated).count() >= 20,
        "the dashboards lost their markers"
    );
    for panel in &panels {
        if let Err(error) = query(&client, &prometheus.url, &panel.expr).await {
            panic!(
                "{}: Prometheus refused `{}`: {error}",
                panel.name, panel.expr
            );
        }
    }
    // Scrapes arrive every second: wait (with a deadline) until every marked panel has data.
    let empty = eventually_some(SETTLE, || async {
        let mut empty = Vec::new();
        for panel in panels.iter().filter(|p| p.populated) {
            if query(&client, &prometheus.url, &panel.expr).await != Ok(0) {
                continue;
            }
            empty.push(format!("{}: {}", panel.name, panel.expr));
        }
        empty.is_empty().then_some(())
    })
    .await;
    if empty.is_none() {
        let mut still = Vec::new();
        for panel in panels.iter().filter(|p| p.populated) {
            if query(&client, &prometheus.url, &panel.expr).await == Ok(0) {
                still.push(format!("{}: {}", panel.name, panel.expr));
            }
        }
        panic!("panels marked always-populated have no data: {still:#?}");
    }

    let evaluated = eventually_some(SETTLE, || async {
        let loaded = rules(&client, &prometheus.url).await;
        let done = !loaded.is_empty() && loaded.iter().all(|r| r.2 != "unknown");
        done.then_some(loaded)
    })
    .await
    .expect("Prometheus evaluated every rule");
    for (name, expr, health, error) in &evaluated {
        assert_eq!(health, "ok", "rule {name} failed to evaluate: {error}");
        if let Err(error) = query(&client, &prometheus.url, expr).await {
            panic!("rule {name}: Prometheus refused `{expr}`: {error}");
        }
    }
    assert!(evaluated.len() >= 24, "{} rules loaded", evaluated.len());
}

#[test]
fn variables_become_all_and_intervals_fixed_durations() {
    assert_eq!(
        substitute(r#"sum(rate(x{a=~"$policy", b=~"${route:regex}"}[$__rate_interval]))"#),
        r#"sum(rate(x{a=~".*", b=~".*"}[30s]))"#
    );
}
