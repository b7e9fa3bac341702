//! One trace from click to read model (issue 10): a request sent with a chosen W3C
//! `traceparent` is answered with a `traceparent` of the same trace, and that trace id is
//! in the command record's Kafka headers, in command-api's access line and the
//! projector's per-record line as both services shipped them to `logs.<service>` on the
//! real broker, and in the entry log-consumer then pushed to Loki (structured metadata)
//! and wrote to `log_lines`. A test binary of its own: it installs the process's log subscriber with
//! shipping on, to the stack's topic prefix.

use std::time::Duration;

use devtools::stack::{Stack, StackOptions, TOKEN};
use log_consumer::loki::wire::{EntryAdapter, PushRequest};
use platform::config::{KafkaSettings, TelemetrySettings};
use platform::kafka::LogEntry;
use platform::testing::{eventually_some, shared_brokers, unique_suffix};
use serde_json::{Value, json};

/// Every record of `topic` (none while it does not exist yet), read off the runtime.
async fn records(brokers: &str, topic: &str) -> Vec<LogEntry> {
    let (brokers, topic) = (brokers.to_owned(), topic.to_owned());
    tokio::task::spawn_blocking(move || {
        if platform::kafka::partition_count(&brokers, &topic).is_err() {
            return Vec::new();
        }
        platform::testing::read_topic(&brokers, &topic)
    })
    .await
    .expect("the reader ran")
}

/// The shipped JSON lines of `service` in trace `trace_id`.
async fn shipped(stack: &Stack, service: &str, trace_id: &str) -> Vec<Value> {
    let topic = format!("{}logs.{service}", stack.prefix);
    records(&stack.brokers, &topic)
        .await
        .iter()
        .filter_map(|r| serde_json::from_slice::<Value>(r.value.as_deref()?).ok())
        .filter(|line| line["trace_id"] == trace_id)
        .collect()
}

fn header<'a>(record: &'a LogEntry, name: &str) -> Option<&'a str> {
    let (_, value) = record.headers.iter().find(|(k, _)| k == name)?;
    std::str::from_utf8(value).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_id_joins_the_request_the_record_and_the_shipped_log_lines() {
    let prefix = format!("t{}.", unique_suffix());
    let kafka = KafkaSettings {
        brokers: shared_brokers().to_owned(),
        topic_prefix: prefix.clone(),
        partitions: 4,
        replication_factor: 1,
    };
    let settings = TelemetrySettings {
        environment: "test".into(),
        ..TelemetrySettings::default()
    };
    let _telemetry = platform::telemetry::init_with(platform::telemetry::Options {
        service: "trace-test",
        default_filter: "info",
        settings: &settings,
        kafka: Some(&kafka),
    })
    .expect("telemetry");
    let stack = Stack::start(StackOptions {
        prefix: Some(prefix),
        provisioner: false,
        ..StackOptions::default()
    })
    .await
    .unwrap();

    let trace_id = uuid::Uuid::new_v4().simple().to_string();
    let traceparent = format!("00-{trace_id}-00f067aa0ba902b7-01");
    let response = stack
        .client
        .post(format!("{}/api/v1/droplets", stack.command_url))
        .bearer_auth(TOKEN)
        .header("traceparent", &traceparent)
        .json(&json!({"name": "traced-1", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let answered = response.headers()["traceparent"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        answered.contains(&trace_id),
        "the answer continues the trace: {answered}"
    );
    assert_ne!(answered, traceparent, "with the server's own span");
    let created: Value = response.json().await.unwrap();
    let droplet_id = created["droplet"]["id"].as_str().unwrap().to_owned();

    // The command record carries the trace in its Kafka headers (and its batch header).
    let log = records(&stack.brokers, &stack.topic()).await;
    let record = log
        .iter()
        .find(|r| r.key.as_deref() == Some(droplet_id.as_bytes()))
        .expect("the create record is in the log");
    let record_parent = header(record, "traceparent").expect("a traceparent header");
    assert!(record_parent.contains(&trace_id), "{record_parent}");

    let wait = Duration::from_secs(60);
    let access = eventually_some(wait, || async {
        shipped(&stack, "command-api", &trace_id)
            .await
            .into_iter()
            .find(|l| l["message"] == "request served")
    })
    .await
    .expect("command-api shipped its access line of the request");
    assert_eq!(access["route"], "/api/v1/droplets");
    assert_eq!(access["status"], 202);
    assert_eq!(access["service"], "command-api");
    assert_eq!(access["environment"], "test");
    assert_eq!(access["level"], "info");
    assert_eq!(access["log_schema_version"], 1);
    assert!(access["request_id"].is_string());

    let applied = eventually_some(wait, || async {
        shipped(&stack, "projector", &trace_id)
            .await
            .into_iter()
            .find(|l| l["message"] == "record applied" && l["aggregate_id"] == droplet_id.as_str())
    })
    .await
    .expect("the projector shipped the line of the record it applied");
    assert_eq!(applied["service"], "projector");
    assert!(
        applied["event_type"].as_str().unwrap().contains("droplet."),
        "{applied}"
    );
    assert_ne!(applied["span_id"], access["span_id"]);

    // The fourth hop: log-consumer, on the same topics, pushes the projector's line to a
    // Loki (a fake that keeps the decoded pushes) with the trace id as structured
    // metadata, and writes it to `log_lines`.
    let loki = FakeLoki::start();
    let (trigger, consumer) = start_log_consumer(&stack, &loki.url).await;
    let pushed = eventually_some(wait, || async {
        loki.entries().into_iter().find(|(labels, entry)| {
            // The trace holds the name reservation's record too: pick the droplet's.
            labels.contains("service=\"projector\"")
                && entry.line.contains(&droplet_id)
                && entry
                    .structured_metadata
                    .iter()
                    .any(|m| m.name == "trace_id" && m.value == trace_id)
        })
    })
    .await
    .expect("log-consumer pushed the projector's line of this trace to Loki");
    let (labels, entry) = pushed;
    assert!(
        !labels.contains("trace_id"),
        "ids are metadata, never labels: {labels}"
    );
    assert!(entry.line.contains("record applied"), "{}", entry.line);
    let pool = sqlx::MySqlPool::connect(&stack.database_url).await.unwrap();
    let row = eventually_some(wait, || async {
        sqlx::query_as::<_, (String, String)>(
            "SELECT service, message FROM log_lines WHERE trace_id = ? AND service = 'projector'",
        )
        .bind(&trace_id)
        .fetch_optional(&pool)
        .await
        .ok()
        .flatten()
    })
    .await
    .expect("log-consumer wrote the projector's line of this trace to log_lines");
    assert_eq!(row.1, "record applied");
    trigger.fire();
    consumer.await.unwrap().unwrap();
}

/// log-consumer in-process on the stack's topics and database, pushing to `loki_url`.
async fn start_log_consumer(
    stack: &Stack,
    loki_url: &str,
) -> (
    platform::shutdown::Trigger,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let mut settings = log_consumer::config::Settings::load().expect("embedded settings");
    settings.http.port = 0;
    settings.kafka.brokers = stack.brokers.clone();
    settings.kafka.topic_prefix = stack.prefix.clone();
    settings.database.url = stack.database_url.clone();
    settings.loki.url = loki_url.to_owned();
    settings.batch.max_wait_ms = 200;
    let app = log_consumer::startup::Application::build(settings)
        .await
        .expect("log-consumer builds");
    let (trigger, shutdown) = platform::shutdown::channel();
    (trigger, tokio::spawn(app.run_until_stopped(shutdown)))
}

/// A Loki push endpoint on port 0 that keeps every push, decoded from the real wire
/// format (snappy block + `logproto.PushRequest`).
struct FakeLoki {
    url: String,
    pushes: std::sync::Arc<std::sync::Mutex<Vec<PushRequest>>>,
}

impl FakeLoki {
    fn start() -> Self {
        let pushes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = actix_web::web::Data::from(std::sync::Arc::clone(&pushes));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(kept.clone())
                .route("/loki/api/v1/push", actix_web::web::post().to(keep_push))
                .route(
                    "/ready",
                    actix_web::web::get().to(actix_web::HttpResponse::Ok),
                )
        })
        .listen(listener)
        .unwrap()
        .workers(1)
        .disable_signals()
        .run();
        tokio::spawn(server);
        Self { url, pushes }
    }

    /// Every pushed entry with its stream's labels.
    fn entries(&self) -> Vec<(String, EntryAdapter)> {
        let pushes = self.pushes.lock().unwrap();
        pushes
            .iter()
            .flat_map(|p| p.streams.iter())
            .flat_map(|s| s.entries.iter().map(|e| (s.labels.clone(), e.clone())))
            .collect()
    }
}

async fn keep_push(
    kept: actix_web::web::Data<std::sync::Mutex<Vec<PushRequest>>>,
    body: actix_web::web::Bytes,
) -> actix_web::HttpResponse {
    use prost::Message;
    let Ok(raw) = snap::raw::Decoder::new().decompress_vec(&body) else {
        return actix_web::HttpResponse::BadRequest().finish();
    };
    let Ok(request) = PushRequest::decode(raw.as_slice()) else {
        return actix_web::HttpResponse::BadRequest().finish();
    };
    kept.lock().unwrap().push(request);
    actix_web::HttpResponse::NoContent().finish()
}
