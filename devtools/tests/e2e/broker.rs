//! What only a real broker can show: Apache Kafka killed with SIGKILL while commands are
//! in flight, and the whole stack restarted on its kept data. Each test runs on a
//! `PrivateBroker` of its own (the shared test broker must never be killed).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use devtools::stack::{Stack, StackOptions};
use domain::record::Record;
use platform::testing::{PrivateBroker, eventually, read_topic, table_checksums};
use proto::WireEvent;
use reqwest::Method;
use serde_json::{Value, json};

const TABLES: [&str; 2] = ["droplet", "projected_aggregate"];

/// What one create request got back.
#[derive(Debug, Clone)]
struct Outcome {
    key: String,
    name: String,
    status: u16,
    body: Value,
    token: Option<String>,
    retry_after: Option<String>,
}

async fn create(stack: &Stack, name: &str, key: &str) -> Outcome {
    let body =
        json!({"name": name, "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"});
    let response = stack
        .command(Method::POST, "/api/v1/droplets")
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .expect("command-api answers");
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (token, retry_after) = (header("consistency-token"), header("retry-after"));
    Outcome {
        key: key.to_owned(),
        name: name.to_owned(),
        status,
        body: response.json().await.unwrap_or(Value::Null),
        token,
        retry_after,
    }
}

/// Creates droplets from `clients` concurrent loops until `stop` is set; each loop
/// sends one more request that starts after it saw `stop`.
async fn create_until(stack: Arc<Stack>, clients: usize, stop: Arc<AtomicBool>) -> Vec<Outcome> {
    let loops = (0..clients).map(|client| {
        let (stack, stop) = (Arc::clone(&stack), Arc::clone(&stop));
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for n in 0.. {
                let last = stop.load(Ordering::SeqCst);
                let name = format!("crash-{client}-{n}");
                outcomes.push(create(&stack, &name, &format!("key-{name}")).await);
                if last {
                    break;
                }
            }
            outcomes
        })
    });
    let mut all = Vec::new();
    for outcomes in futures::future::join_all(loops).await {
        all.extend(outcomes.expect("client loop"));
    }
    all
}

/// Names of droplets per creation record in the log, counting duplicates.
fn created_names(stack: &Stack) -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    for entry in read_topic(&stack.brokers, &stack.topic()) {
        let Ok(Record::Batch(batch)) =
            proto::decode_record(entry.value.as_deref().unwrap_or_default())
        else {
            continue;
        };
        for event in &batch.events {
            if let Ok(domain::droplet::DropletEvent::CreationRequested(c)) =
                domain::droplet::DropletEvent::decode(
                    &event.event_type,
                    event.schema_version,
                    &event.payload,
                )
            {
                *names.entry(c.name.to_string()).or_default() += 1;
            }
        }
    }
    names
}

/// Waits until a create goes through again (the writer re-claimed its partitions).
async fn serving_again(stack: &Stack) -> bool {
    let attempt = std::sync::atomic::AtomicUsize::new(0);
    eventually(Duration::from_secs(120), || async {
        let n = attempt.fetch_add(1, Ordering::SeqCst);
        let name = format!("after-crash-{n}");
        create(stack, &name, &format!("key-{name}")).await.status == 202
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_commands_survive_a_broker_crash() {
    let broker = PrivateBroker::start();
    let stack = Stack::start(StackOptions {
        brokers: Some(broker.bootstrap_servers()),
        provisioner: false,
        ..StackOptions::default()
    })
    .await
    .expect("stack");
    let stack = Arc::new(stack);
    let stop = Arc::new(AtomicBool::new(false));
    let load = tokio::spawn(create_until(Arc::clone(&stack), 4, Arc::clone(&stop)));
    let accepted_before_kill = eventually(Duration::from_secs(60), || async {
        created_names(&stack).len() >= 20
    })
    .await;
    assert!(accepted_before_kill, "commands flow before the crash");
    broker.kill();
    stop.store(true, Ordering::SeqCst);
    let outcomes = load.await.expect("load");
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.status != 202).collect();
    assert!(
        failed.iter().all(|o| o.status == 503),
        "a crash yields 503s, nothing else: {failed:?}"
    );
    assert!(
        failed.len() >= 4,
        "every client sent a command into the crash"
    );
    assert!(
        failed
            .iter()
            .all(|o| o.body["code"] == "UNAVAILABLE" && o.retry_after.is_some()),
        "503s are UNAVAILABLE problems with Retry-After"
    );

    broker.launch();
    assert!(
        serving_again(&stack).await,
        "the writer re-claims and serves again"
    );

    // Every 2xx is in the log, once, and in the read model.
    let names = created_names(&stack);
    for accepted in outcomes.iter().filter(|o| o.status == 202) {
        assert_eq!(
            names.get(&accepted.name),
            Some(&1),
            "{} is in the log once",
            accepted.name
        );
        let id = accepted.body["droplet"]["id"].as_str().expect("id");
        let token = accepted.token.as_deref().expect("consistency token");
        let read = stack
            .query_after(&format!("/api/v1/droplets/{id}"), token)
            .send()
            .await
            .expect("query-api answers");
        assert_eq!(read.status(), 200, "{} is in the read model", accepted.name);
    }
    // A 503 is all or nothing: retried with its key it yields exactly one droplet.
    for refused in failed {
        let retry = create(&stack, &refused.name, &refused.key).await;
        assert_eq!(
            retry.status, 202,
            "the retry of {} is accepted",
            refused.name
        );
        assert_eq!(
            created_names(&stack).get(&refused.name),
            Some(&1),
            "{} was not half-applied",
            refused.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_stack_restarts_on_its_kept_log_and_read_models() {
    let broker = PrivateBroker::start();
    let mut stack = Stack::start(StackOptions {
        brokers: Some(broker.bootstrap_servers()),
        ..StackOptions::default()
    })
    .await
    .expect("stack");
    let mut last = None;
    for n in 0..6 {
        let outcome = create(&stack, &format!("kept-{n}"), &format!("key-kept-{n}")).await;
        assert_eq!(outcome.status, 202);
        last = outcome.token;
    }
    let token = last.expect("token");
    let list = |stack: &Stack| {
        let request = stack.query_after("/api/v1/droplets?order_by=name", &token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let before = list(&stack).await;
    assert_eq!(before["meta"]["total"], 6);

    stack.stop_services().await.expect("services stop cleanly");
    broker.stop();
    broker.launch();
    stack.start_services().await.expect("services start again");

    assert_eq!(
        list(&stack).await["droplets"],
        before["droplets"],
        "same rows after the restart"
    );
    // The write model was restored from the log: a versioned command still applies.
    let id = before["droplets"][0]["id"].as_str().unwrap();
    let version = before["droplets"][0]["version"].as_u64().unwrap();
    let delete = stack
        .command(Method::DELETE, &format!("/api/v1/droplets/{id}"))
        .header("If-Match", format!("\"{version}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(
        delete.status(),
        202,
        "the restored writer knows version {version}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn positions_resume_after_a_broker_restart_without_gaps_or_repeats() {
    let broker = PrivateBroker::start();
    let mut stack = Stack::start(StackOptions {
        brokers: Some(broker.bootstrap_servers()),
        provisioner: false,
        ..StackOptions::default()
    })
    .await
    .expect("stack");
    for n in 0..8 {
        assert_eq!(
            create(&stack, &format!("before-{n}"), &format!("kb-{n}"))
                .await
                .status,
            202
        );
    }
    broker.kill();
    broker.launch();
    assert!(
        serving_again(&stack).await,
        "command-api serves after the restart"
    );
    for n in 0..8 {
        let outcome = create(&stack, &format!("after-{n}"), &format!("ka-{n}")).await;
        assert_eq!(outcome.status, 202, "{outcome:?}");
    }
    let live = sqlx::MySqlPool::connect(&stack.database_url).await.unwrap();
    stack
        .wait_projected(&live)
        .await
        .expect("the live projector caught up");

    // Exactly once: every record of the log was counted once by the live projector.
    // Background work (the creates' name confirmations) may still append after the wait
    // above, so both sides are read again until they agree: a record applied twice would
    // keep the count above the log's for good, a skipped one below it.
    let agree = eventually(Duration::from_secs(30), || async {
        let counted = projector_records(&stack).await;
        counted == read_topic(&stack.brokers, &stack.topic()).len() as f64
    })
    .await;
    let records = read_topic(&stack.brokers, &stack.topic()).len();
    let counted = projector_records(&stack).await;
    assert!(
        agree,
        "no record re-applied or skipped: counted {counted} of {records}"
    );
    // And the rows equal a clean replay of the same log.
    let replay = stack.clean_replay().await.expect("clean replay");
    assert_eq!(
        table_checksums(&live, &TABLES).await,
        table_checksums(&replay, &TABLES).await
    );
}

/// The live projector's `clustergenie_projector_records_total`, summed over outcomes.
async fn projector_records(stack: &Stack) -> f64 {
    let text = reqwest::get(format!("{}/metrics", stack.projector_url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("clustergenie_projector_records_total"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn services_started_before_their_broker_become_ready_by_themselves() {
    let broker = PrivateBroker::start();
    broker.stop();
    let suffix = platform::testing::unique_suffix();
    let kafka = platform::config::KafkaSettings {
        brokers: broker.bootstrap_servers(),
        topic_prefix: format!("late{suffix}."),
        partitions: 2,
        replication_factor: 1,
    };
    let mut projector = projector::config::Settings::load().unwrap();
    projector.http.port = 0;
    projector.kafka = kafka.clone();
    projector.database.url = platform::testing::scratch_database().await;
    projector.redis.url = platform::testing::redis_url();
    projector.redis.key_prefix = format!("cg:test:{suffix}:");
    projector.projector.group_id = format!("projector-{suffix}");
    let mut command = command_api::config::Settings::load().unwrap();
    command.http.port = 0;
    command.kafka = kafka;
    command.redis.url = platform::testing::redis_url();
    command.redis.key_prefix = format!("cg:test:{suffix}:");
    command.writer.group_id = format!("command-api-{suffix}");
    let clock = std::sync::Arc::new(platform::clock::SystemClock);
    let projector = projector::startup::Application::build(projector)
        .await
        .unwrap();
    let command = command_api::startup::Application::build(command, clock)
        .await
        .unwrap();
    let urls = [
        format!("http://127.0.0.1:{}/readyz", projector.port()),
        format!("http://127.0.0.1:{}/readyz", command.port()),
    ];
    let (_trigger, shutdown) = platform::shutdown::channel();
    tokio::spawn(projector.run_until_stopped(shutdown.clone()));
    tokio::spawn(command.run_until_stopped(shutdown));

    for url in &urls {
        let reason = eventually(Duration::from_secs(30), || async {
            let body: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            body["checks"]["kafka"]["detail"]
                .as_str()
                .is_some_and(|d| d.contains("retrying"))
        })
        .await;
        assert!(reason, "{url} names Kafka as the reason it is not ready");
        assert_eq!(reqwest::get(url).await.unwrap().status(), 503);
    }
    broker.launch();
    for url in &urls {
        let ready = eventually(Duration::from_secs(90), || async {
            reqwest::get(url).await.is_ok_and(|r| r.status() == 200)
        })
        .await;
        assert!(ready, "{url} became ready once the broker arrived");
    }
}
