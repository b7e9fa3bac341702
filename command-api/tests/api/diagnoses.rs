//! Diagnoses through command-api (api.md §15): `POST /clusters/{id}/diagnoses` runs the
//! rule engine over the write model and the sample window and records the diagnosis —
//! `202` with operation `cluster.diagnose` already succeeded, insights that reflect the
//! hot samples just pushed, a recommendation whose `job_request` the jobs route accepts;
//! 404 for unknown and foreign clusters; an Idempotency-Key replays the same diagnosis;
//! the `diagnose` job records one too, and the `monitor` job stores the cluster's health; the `diagnoses` policy answers 429 past its burst;
//! with the LLM path on, a local fake model's insights are recorded, and the rule engine's
//! when it answers garbage, names a foreign object or is late.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use command_api::diagnosis::llm::LlmSettings;
use contract::diagnosis::{DiagnosisAccepted, Insight};
use domain::diagnosis::{Diagnosis, Trigger};
use domain::job::{Job, JobStatus};
use platform::clock::Clock;
use platform::testing::{assert_problem, conforms, eventually_some};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Log, MEMBER, OTHER, TestApp, settings, spawn_with};

async fn app(log: &Log, limited: bool) -> TestApp {
    let mut s = settings(log, true);
    s.node_metrics.enabled = false;
    s.jobs.tick_ms = 20;
    if limited {
        s.rate_limit.quota_scale = None;
    }
    spawn_with(s).await
}

/// A running cluster of one pool of two nodes: (cluster, pool, nodes).
async fn running_cluster(app: &TestApp, name: &str) -> (Uuid, Uuid, Vec<Uuid>) {
    let (id, accepted) = app.create_cluster(name, &[2]).await;
    app.running_with(id, 2).await;
    let nodes = app.live_nodes(id).into_iter().map(|d| d.id).collect();
    (id, accepted.cluster.node_pools[0].id, nodes)
}

/// Pushes cpu at `cpu` % and calm memory and disk for every node, and waits until the
/// window holds them.
async fn push_load(app: &TestApp, cluster: Uuid, nodes: &[Uuid], cpu: f64) {
    let at = app.clock.now().to_rfc3339();
    let samples: Vec<Value> = nodes
        .iter()
        .flat_map(|node| {
            [("cpu", cpu), ("memory", 40.0), ("disk", 20.0)].map(|(metric, value)| {
                json!({"sample_id": Uuid::now_v7(), "node_id": node, "type": metric,
                    "unit": "%", "value": value, "at": at})
            })
        })
        .collect();
    let response = app
        .post(&format!("/api/v1/clusters/{cluster}/metrics"), MEMBER)
        .json(&json!({ "samples": samples }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let since = app.clock.now() - chrono::Duration::minutes(1);
    eventually_some(Duration::from_secs(30), || async {
        (app.window.latest(cluster, since).len() == nodes.len() * 3).then_some(())
    })
    .await
    .expect("the pushed samples reach the window");
}

async fn diagnose(
    app: &TestApp,
    cluster: Uuid,
    token: &str,
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = app.post(&format!("/api/v1/clusters/{cluster}/diagnoses"), token);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

/// Enqueues a job of `job_type` on `cluster` as the member; returns its id.
async fn enqueue(app: &TestApp, job_type: &str, cluster: Uuid) -> Uuid {
    let response = app
        .post("/api/v1/jobs", MEMBER)
        .json(&json!({"type": job_type, "args": {"cluster_id": cluster}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Job `id` once it has succeeded.
async fn succeeded(app: &TestApp, id: Uuid) -> Job {
    eventually_some(Duration::from_secs(30), || async {
        app.writer
            .observe::<Job>(|j| j.id == id && j.status == Some(JobStatus::Succeeded))
            .into_iter()
            .next()
            .map(|o| o.state)
    })
    .await
    .expect("the job succeeds")
}

fn find<'a>(insights: &'a [Insight], check: &str) -> &'a Insight {
    insights
        .iter()
        .find(|i| i.check == check)
        .unwrap_or_else(|| {
            panic!(
                "{check} in {:?}",
                insights.iter().map(|i| &i.check).collect::<Vec<_>>()
            )
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_diagnosis_flags_the_hot_pool_and_its_recommendation_is_an_accepted_job() {
    let log = Log::start();
    let app = app(&log, false).await;
    let (id, pool, nodes) = running_cluster(&app, "diag-hot").await;

    push_load(&app, id, &nodes, 30.0).await;
    let calm: DiagnosisAccepted = conforms(
        &diagnose(&app, id, MEMBER, None)
            .await
            .json::<Value>()
            .await
            .unwrap(),
    );
    assert!(
        calm.diagnosis
            .insights
            .iter()
            .all(|i| i.check != "pool_cpu_saturation")
    );

    app.clock.advance(chrono::Duration::minutes(11));
    push_load(&app, id, &nodes, 95.0).await;
    let response = diagnose(&app, id, MEMBER, None).await;
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: DiagnosisAccepted = conforms(&response.json::<Value>().await.unwrap());
    let diagnosis = body.diagnosis;
    assert_eq!(
        location,
        format!("/api/v1/clusters/{id}/diagnoses/{}", diagnosis.id)
    );
    assert_eq!(
        (diagnosis.cluster_id, diagnosis.source.as_str()),
        (id, "rules")
    );
    let operation = body.operation.expect("an operation");
    assert_eq!(operation.operation_type, "cluster.diagnose");
    assert_eq!(
        (operation.status.as_str(), operation.done),
        ("succeeded", true)
    );
    assert_eq!(
        (operation.target.kind.as_str(), operation.target.id),
        ("diagnosis", diagnosis.id)
    );
    assert_eq!(diagnosis.operation_id, Some(operation.id));

    let hot = find(&diagnosis.insights, "pool_cpu_saturation");
    assert_eq!((hot.severity.as_str(), hot.object.id), ("warning", pool));
    let evidence = hot.evidence.as_ref().expect("evidence");
    assert_eq!(
        (evidence.metric.as_str(), evidence.value, evidence.threshold),
        ("cpu", 95.0, 80.0)
    );
    assert_eq!(evidence.window, "10m");
    let hint = hot
        .recommendation
        .request_hint
        .as_ref()
        .expect("a request hint");
    assert_eq!(hint.method, "PATCH");
    assert_eq!(
        hint.path,
        format!("/api/v1/clusters/{id}/node_pools/{pool}")
    );
    // Two nodes at 95 % carry 2.4 nodes' worth at 80 %: three nodes.
    assert_eq!(hint.body, json!({ "count": 3 }));
    assert_eq!(
        find(&diagnosis.insights, "health_warning").severity,
        "warning"
    );

    let job_request = hot
        .recommendation
        .job_request
        .clone()
        .expect("a job request");
    let response = app
        .post("/api/v1/jobs", MEMBER)
        .json(&job_request)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        201,
        "the jobs route accepts the job request"
    );
    let job: Value = response.json().await.unwrap();
    assert_eq!(job["type"], "scale");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_foreign_clusters_are_not_found_and_a_key_replays_the_same_diagnosis() {
    let log = Log::start();
    let app = app(&log, false).await;
    let (id, _, _) = running_cluster(&app, "diag-keys").await;
    for (cluster, token) in [(Uuid::now_v7(), MEMBER), (id, OTHER)] {
        let response = diagnose(&app, cluster, token, None).await;
        assert_problem(response, 404, "NOT_FOUND").await;
    }
    let response = app
        .post("/api/v1/clusters/not-a-uuid/diagnoses", MEMBER)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);

    let first: Value = diagnose(&app, id, MEMBER, Some("diag-key-1"))
        .await
        .json()
        .await
        .unwrap();
    let again: Value = diagnose(&app, id, MEMBER, Some("diag-key-1"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first, again, "a retried key answers the first diagnosis");
    let other: Value = diagnose(&app, id, MEMBER, Some("diag-key-2"))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(other["diagnosis"]["id"], first["diagnosis"]["id"]);
    let recorded = app.writer.observe::<Diagnosis>(|d| d.cluster_id == id);
    assert_eq!(recorded.len(), 2, "one diagnosis per key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_diagnose_job_records_a_diagnosis_of_its_cluster() {
    let log = Log::start();
    let app = app(&log, false).await;
    let (id, _, _) = running_cluster(&app, "diag-job").await;
    let job_id = enqueue(&app, "diagnose", id).await;
    let recorded = eventually_some(Duration::from_secs(30), || async {
        app.writer
            .observe::<Diagnosis>(|d| d.trigger == Some(Trigger::Job { job_id }))
            .into_iter()
            .next()
    })
    .await
    .expect("the job records a diagnosis");
    assert_eq!(recorded.state.cluster_id, id);
    // No samples were pushed: every pool is flagged as unobserved, not judged.
    assert!(
        recorded
            .state
            .insights
            .iter()
            .any(|i| i.check == "pool_telemetry_missing")
    );
    succeeded(&app, job_id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitor_job_stores_the_health_of_its_cluster() {
    let log = Log::start();
    let app = app(&log, false).await;
    let (id, _, nodes) = running_cluster(&app, "monitor-job").await;
    push_load(&app, id, &nodes, 95.0).await;
    let job_id = enqueue(&app, "monitor", id).await;
    let done = succeeded(&app, job_id).await;
    let result: contract::telemetry::ClusterHealth =
        serde_json::from_str(done.result.as_deref().expect("a result")).unwrap();
    assert_eq!(result.cluster_id, id);
    assert_eq!(
        result.status, "warning",
        "cpu at 95 % is over the 80 % warning line"
    );
    let hot: Vec<_> = result.issues.iter().filter(|i| i.metric == "cpu").collect();
    assert_eq!(
        hot.len(),
        nodes.len(),
        "one cpu issue per node: {:?}",
        result.issues
    );
    assert!(
        result.issues.iter().all(|i| i.metric == "cpu"),
        "memory and disk are calm"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_diagnoses_policy_admits_its_burst_then_answers_429() {
    let log = Log::start();
    let app = app(&log, true).await;
    let (id, _, _) = running_cluster(&app, "diag-limit").await;
    // 12 per 60 s with a burst of 4: five at once, the sixth is limited.
    for n in 0..5 {
        assert_eq!(
            diagnose(&app, id, MEMBER, None).await.status(),
            202,
            "request {n}"
        );
    }
    let limited = diagnose(&app, id, MEMBER, None).await;
    assert!(limited.headers().contains_key("retry-after"));
    let problem = assert_problem(limited, 429, "RATE_LIMITED").await;
    assert_eq!(problem["violated-policies"], json!(["diagnoses"]));
}

/// What the fake model answers: the message content, and how long it takes.
#[derive(Clone, Default)]
struct Script {
    content: Arc<Mutex<String>>,
    delay_ms: Arc<AtomicU64>,
}

/// A local OpenAI-compatible chat-completions endpoint playing `script`; it answers 401
/// to any key but `test-key`. Returns its API root.
fn fake_model(script: Script) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = actix_web::HttpServer::new(move || {
        let script = script.clone();
        actix_web::App::new().route(
            "/v1/chat/completions",
            actix_web::web::post().to(move |req: actix_web::HttpRequest| {
                let script = script.clone();
                async move {
                    let key = req.headers().get("authorization").and_then(|v| v.to_str().ok());
                    if key != Some("Bearer test-key") {
                        return actix_web::HttpResponse::Unauthorized().finish();
                    }
                    // Simulates a slow model; not synchronisation.
                    let delay = script.delay_ms.load(Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                    let content = script.content.lock().unwrap().clone();
                    actix_web::HttpResponse::Ok().json(json!({
                        "choices": [{ "index": 0, "message": { "role": "assistant", "content": content } }]
                    }))
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}/v1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_llm_path_records_the_models_insights_and_falls_back_to_the_rules() {
    let log = Log::start();
    let script = Script::default();
    let mut s = settings(&log, true);
    s.node_metrics.enabled = false;
    s.diagnosis = LlmSettings {
        api_key: "test-key".into(),
        base_url: fake_model(script.clone()),
        model: "fake".into(),
        timeout_ms: 500,
    };
    let app = spawn_with(s).await;
    let (id, pool, nodes) = running_cluster(&app, "diag-llm").await;
    push_load(&app, id, &nodes, 95.0).await;
    *script.content.lock().unwrap() = json!({"insights": [{
        "check": "pool_cpu_saturation", "category": "capacity", "severity": "warning",
        "title": "Hot pool", "message": "The model agrees: pool p0 is hot.",
        "object_kind": "node_pool", "object_id": pool,
        "metric": "cpu", "value": 95.0, "threshold": 80.0, "window": "10m"
    }]})
    .to_string();
    let body: DiagnosisAccepted = conforms(
        &diagnose(&app, id, MEMBER, None)
            .await
            .json::<Value>()
            .await
            .unwrap(),
    );
    assert_eq!(body.diagnosis.source, "llm");
    let [insight] = &body.diagnosis.insights[..] else {
        panic!("one insight: {:?}", body.diagnosis.insights)
    };
    assert_eq!(insight.message, "The model agrees: pool p0 is hot.");
    let hint = insight
        .recommendation
        .request_hint
        .as_ref()
        .expect("the rule's change");
    assert_eq!(
        hint.body,
        json!({ "count": 3 }),
        "the change is the rule engine's, never the model's"
    );

    let object_elsewhere = json!({"insights": [{"check": "x", "severity": "error", "title": "t",
        "message": "m", "object_kind": "node_pool", "object_id": Uuid::now_v7()}]});
    for content in [
        "not json".to_owned(),
        json!({"insights": []}).to_string(),
        object_elsewhere.to_string(),
    ] {
        *script.content.lock().unwrap() = content.clone();
        let body: DiagnosisAccepted = conforms(
            &diagnose(&app, id, MEMBER, None)
                .await
                .json::<Value>()
                .await
                .unwrap(),
        );
        assert_eq!(body.diagnosis.source, "rules", "{content}");
        find(&body.diagnosis.insights, "pool_cpu_saturation");
    }
    script.delay_ms.store(3_000, Ordering::SeqCst);
    let body: DiagnosisAccepted = conforms(
        &diagnose(&app, id, MEMBER, None)
            .await
            .json::<Value>()
            .await
            .unwrap(),
    );
    assert_eq!(
        body.diagnosis.source, "rules",
        "a late model is not waited for"
    );
}
