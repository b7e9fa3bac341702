//! Job commands over HTTP (api.md §11, §12.3) against a real command-api on Apache
//! Kafka: enqueue and its validation, roles, owner scoping, `unique_key` under a race,
//! `QUEUE_FULL`, cancel (queued and running), retry and delete; and the worker pool
//! running `sleep` and `fail` jobs on the manual clock. Conditions are awaited with a
//! deadline; time moves only when the test moves the clock.

use chrono::{DateTime, Utc};
use command_api::config::Settings;
use command_api::writer::Peek;
use contract::job::Job as JobBody;
use domain::job::{Job, JobEvent, JobStatus, Next, Outcome};
use platform::testing::{assert_problem, conforms, eventually_some};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Log, MEMBER, OTHER, TestApp, VIEWER, settings, spawn_with};
use crate::support::{WAIT, header};

fn job_settings(log: &Log, pool: bool, heartbeat_s: u32) -> Settings {
    let mut settings = settings(log, false);
    settings.node_pools.enabled = false;
    settings.jobs.enabled = pool;
    settings.jobs.tick_ms = 20;
    settings.jobs.heartbeat_timeout_s = heartbeat_s;
    settings
}

async fn enqueue(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.post("/api/v1/jobs", token)
        .json(body)
        .send()
        .await
        .expect("request")
}

/// Enqueues as alice, expecting `201`; returns the job's id.
async fn enqueued(app: &TestApp, body: &Value) -> Uuid {
    let response = enqueue(app, MEMBER, body).await;
    let status = response.status().as_u16();
    let location = header(response.headers(), "location");
    let etag = header(response.headers(), "etag");
    let text = response.text().await.expect("body");
    assert_eq!(status, 201, "{text}");
    let job: JobBody = conforms(&serde_json::from_str::<Value>(&text).expect("json"));
    assert_eq!(location, Some(format!("/api/v1/jobs/{}", job.id)));
    assert_eq!(etag, Some(format!("\"{}\"", job.version)));
    job.id
}

async fn verb(app: &TestApp, id: Uuid, verb: &str, token: &str) -> reqwest::Response {
    app.post(&format!("/api/v1/jobs/{id}:{verb}"), token)
        .send()
        .await
        .expect("request")
}

/// The job as the write model knows it, once it satisfies `wanted`; the clock moves by
/// `step` at each look, so time-driven transitions happen while the test waits.
async fn job_when(
    app: &TestApp,
    id: Uuid,
    step: chrono::Duration,
    wanted: impl Fn(&Job) -> bool,
) -> Job {
    let found = eventually_some(WAIT, || {
        let job = match app.writer.peek::<Job>(&id) {
            Peek::Present(job) => Some(job).filter(|j| wanted(j)),
            _ => None,
        };
        app.clock.advance(step);
        async move { job }
    })
    .await;
    found.expect("the job reached the expected state in time")
}

fn sleep_job(seconds: u32) -> Value {
    json!({"type": "sleep", "args": {"seconds": seconds, "steps": 2}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enqueued_job_is_created_at_once_with_its_defaults() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, false, 30)).await;
    let response = enqueue(&app, MEMBER, &sleep_job(5)).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    let job: JobBody = conforms(&body);
    assert_eq!(
        (
            job.status.as_str(),
            job.queue.as_str(),
            job.priority,
            job.attempt
        ),
        ("queued", "default", 5, 0)
    );
    assert_eq!(job.retry_policy.max_attempts, 5);
    assert_eq!(job.args, json!({"seconds": 5, "steps": 2}));
    let later = json!({"type": "diagnose", "args": {"cluster_id": Uuid::now_v7()},
        "run_at": "2030-01-01T00:00:00Z", "priority": 0, "queue": "ops"});
    let response = enqueue(&app, MEMBER, &later).await;
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "scheduled", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_jobs_are_422_with_pointers_and_roles_apply() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, false, 30)).await;
    let bad = json!({"type": "scale", "args": {"cluster_id": "x"}, "priority": 12,
        "queue": "no spaces", "retry_policy": {"max_attempts": 30}, "id": "mine"});
    let body = assert_problem(enqueue(&app, MEMBER, &bad).await, 422, "VALIDATION_FAILED").await;
    let mut pointers: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["pointer"].as_str())
        .collect();
    pointers.sort_unstable();
    assert_eq!(
        pointers,
        vec![
            "#/args/cluster_id",
            "#/args/desired",
            "#/args/node_pool_id",
            "#/id",
            "#/priority",
            "#/queue",
            "#/retry_policy/max_attempts",
        ]
    );
    let unknown = json!({"type": "explode"});
    let body = assert_problem(
        enqueue(&app, MEMBER, &unknown).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["errors"][0]["pointer"], "#/type");
    assert_problem(
        enqueue(&app, VIEWER, &sleep_job(1)).await,
        403,
        "PERMISSION_DENIED",
    )
    .await;
    let anonymous = app
        .client
        .post(format!("{}/api/v1/jobs", app.address))
        .json(&sleep_job(1))
        .send()
        .await
        .expect("request");
    assert_problem(anonymous, 401, "UNAUTHENTICATED").await;
    let id = enqueued(&app, &sleep_job(1)).await;
    assert_problem(verb(&app, id, "cancel", OTHER).await, 404, "NOT_FOUND").await;
    assert_problem(
        verb(&app, id, "cancel", VIEWER).await,
        403,
        "PERMISSION_DENIED",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_ten_concurrent_enqueues_with_one_unique_key_exactly_one_is_created() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, false, 30)).await;
    let body = json!({"type": "sleep", "args": {"seconds": 1}, "unique_key": "nightly-1"});
    let responses = futures::future::join_all((0..10).map(|_| enqueue(&app, MEMBER, &body))).await;
    let mut created = Vec::new();
    let mut duplicates = Vec::new();
    for response in responses {
        match response.status().as_u16() {
            201 => created.push(response.json::<Value>().await.expect("json")),
            409 => duplicates.push(assert_problem(response, 409, "DUPLICATE_JOB").await),
            other => panic!(
                "unexpected {other}: {}",
                response.text().await.unwrap_or_default()
            ),
        }
    }
    assert_eq!((created.len(), duplicates.len()), (1, 9));
    let id = created[0]["id"].as_str().expect("id");
    for duplicate in &duplicates {
        assert_eq!(duplicate["metadata"]["existing_job_id"], id, "{duplicate}");
    }
    // Another owner may use the same key.
    assert_eq!(enqueue(&app, OTHER, &body).await.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_503_with_retry_after() {
    let log = Log::start();
    let mut settings = job_settings(&log, false, 30);
    settings.jobs.queue_capacity = 2;
    let app = spawn_with(settings).await;
    enqueued(&app, &sleep_job(1)).await;
    enqueued(&app, &sleep_job(1)).await;
    let response = enqueue(&app, MEMBER, &sleep_job(1)).await;
    assert!(header(response.headers(), "retry-after").is_some());
    let body = assert_problem(response, 503, "QUEUE_FULL").await;
    assert_eq!(body["metadata"]["capacity"], 2);
    // Another queue has room.
    let other = json!({"type": "sleep", "queue": "batch"});
    assert_eq!(enqueue(&app, MEMBER, &other).await.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_retry_and_delete_follow_the_state_machine() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, false, 30)).await;
    let id = enqueued(&app, &sleep_job(1)).await;
    let gone = app
        .delete(&format!("/api/v1/jobs/{id}"), MEMBER)
        .send()
        .await
        .expect("request");
    assert_problem(gone, 409, "INVALID_STATE_TRANSITION").await;
    assert_problem(
        verb(&app, id, "retry", MEMBER).await,
        409,
        "INVALID_STATE_TRANSITION",
    )
    .await;
    let response = verb(&app, id, "cancel", MEMBER).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "cancelled");
    let response = verb(&app, id, "retry", MEMBER).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        (body["status"].as_str(), body["attempt"].as_u64()),
        (Some("queued"), Some(0))
    );
    assert_eq!(verb(&app, id, "cancel", MEMBER).await.status(), 200);
    let deleted = app
        .delete(&format!("/api/v1/jobs/{id}"), MEMBER)
        .send()
        .await
        .expect("request");
    assert_eq!(deleted.status(), 204);
    assert_problem(verb(&app, id, "retry", MEMBER).await, 404, "NOT_FOUND").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_job_gives_its_unique_key_back() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, false, 30)).await;
    let body = json!({"type": "sleep", "unique_key": "once"});
    let id = enqueued(&app, &body).await;
    assert_problem(enqueue(&app, MEMBER, &body).await, 409, "DUPLICATE_JOB").await;
    assert_eq!(verb(&app, id, "cancel", MEMBER).await.status(), 200);
    let deleted = app
        .delete(&format!("/api/v1/jobs/{id}"), MEMBER)
        .send()
        .await
        .expect("request");
    assert_eq!(deleted.status(), 204);
    enqueued(&app, &body).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sleep_job_runs_to_success_reporting_progress_and_lines() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, true, 30)).await;
    let id = enqueued(&app, &sleep_job(2)).await;
    let step = chrono::Duration::milliseconds(100);
    let job = job_when(&app, id, step, |j| j.status == Some(JobStatus::Succeeded)).await;
    assert_eq!(job.progress.percent, 100);
    assert_eq!(job.attempts.len(), 1);
    assert_eq!(job.attempts[0].outcome, Some(Outcome::Succeeded));
    assert!(
        job.result
            .as_deref()
            .is_some_and(|r| r.contains("slept_seconds"))
    );
    let lines: Vec<String> = job_events(&log, id)
        .iter()
        .flat_map(|e| e.lines().iter().map(|l| l.message.clone()))
        .collect();
    assert!(lines.iter().any(|l| l.contains("step 2 of 2")), "{lines:?}");
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("clustergenie_jobs_finished_total{")
                && l.contains("outcome=\"succeeded\"")
                && l.contains("job_type=\"sleep\"")),
        "{metrics}"
    );
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("clustergenie_jobs_enqueued_total{")
                && l.contains("job_type=\"sleep\"")
                && l.ends_with(" 1")),
        "one enqueue counted: {metrics}"
    );
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("clustergenie_workers ")),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_over_its_timeout_is_timed_out() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, true, 30)).await;
    let body = json!({"type": "sleep", "args": {"seconds": 600, "steps": 1},
        "timeout_seconds": 5, "retry_policy": {"max_attempts": 1}});
    let id = enqueued(&app, &body).await;
    let zero = chrono::Duration::zero();
    job_when(&app, id, zero, |j| j.status == Some(JobStatus::Running)).await;
    app.clock.advance(chrono::Duration::seconds(6));
    let dead = job_when(&app, id, zero, |j| j.status == Some(JobStatus::Dead)).await;
    assert_eq!(dead.attempts[0].outcome, Some(Outcome::TimedOut));
    assert_eq!(
        dead.last_error.map(|e| e.code),
        Some("TIMED_OUT".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_retries_with_backoff_then_dies() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, true, 30)).await;
    let body = json!({"type": "fail", "args": {"message": "no luck"},
        "retry_policy": {"max_attempts": 3}});
    let id = enqueued(&app, &body).await;
    let step = chrono::Duration::milliseconds(200);
    let job = job_when(&app, id, step, |j| j.status == Some(JobStatus::Dead)).await;
    assert_eq!(job.attempts.len(), 3);
    assert!(
        job.attempts
            .iter()
            .all(|a| a.outcome == Some(Outcome::Failed))
    );
    assert_eq!(
        job.last_error.as_ref().map(|e| e.code.as_str()),
        Some("DEMO_FAILURE")
    );
    let waits: Vec<(DateTime<Utc>, DateTime<Utc>)> = job_events(&log, id)
        .iter()
        .filter_map(|e| match e {
            JobEvent::AttemptFailed {
                next: Next::Retry(run_at),
                at,
                ..
            } => Some((*at, *run_at)),
            _ => None,
        })
        .collect();
    assert_eq!(waits.len(), 2, "two retries before the third attempt dies");
    for (n, (failed, due)) in waits.iter().enumerate() {
        let expected = 2_000.0 * 2f64.powi(n as i32);
        let waited = (*due - *failed).num_milliseconds() as f64;
        assert!(
            (expected * 0.8..=expected * 1.2).contains(&waited),
            "wait after attempt {}: {waited} ms",
            n + 1
        );
    } // A dead job is kept 30 days, then purged as a DELETE would.
    let died = job.finished_at.expect("a dead job has finished");
    app.clock.advance(chrono::Duration::days(30));
    let deleted_at = eventually_some(WAIT, || {
        let at = job_events(&log, id).iter().find_map(|e| match e {
            JobEvent::Deleted { at } => Some(*at),
            _ => None,
        });
        async move { at }
    })
    .await;
    assert!(deleted_at.is_some_and(|at| at >= died + chrono::Duration::days(30)));
    assert!(matches!(app.writer.peek::<Job>(&id), Peek::Absent));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_job_is_cancelled_when_its_worker_acknowledges() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, true, 1)).await;
    let id = enqueued(&app, &sleep_job(600)).await;
    let zero = chrono::Duration::zero();
    job_when(&app, id, zero, |j| j.status == Some(JobStatus::Running)).await;
    let response = verb(&app, id, "cancel", MEMBER).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        (body["status"].as_str(), body["cancel_requested"].as_bool()),
        (Some("running"), Some(true))
    );
    let job = job_when(&app, id, zero, |j| j.status == Some(JobStatus::Cancelled)).await;
    assert_eq!(job.attempts[0].outcome, Some(Outcome::Cancelled));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_job_is_retried_from_attempt_zero() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, true, 30)).await;
    let body = json!({"type": "fail", "args": {"retryable": false, "fail_attempts": 1}});
    let id = enqueued(&app, &body).await;
    let zero = chrono::Duration::zero();
    let failed = job_when(&app, id, zero, |j| j.status == Some(JobStatus::Failed)).await;
    assert_eq!(failed.attempt, 1);
    let response = verb(&app, id, "retry", MEMBER).await;
    assert_eq!(response.status(), 200);
    // fail_attempts counts within a run: the retried run fails again on its attempt 1.
    let again = job_when(&app, id, zero, |j| {
        j.attempts.len() == 2 && j.status == Some(JobStatus::Failed)
    })
    .await;
    assert_eq!((again.attempt, again.attempts[1].attempt), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_its_dead_worker_never_acknowledges_is_forced() {
    let log = Log::start();
    let first = spawn_with(job_settings(&log, true, 1)).await;
    let id = enqueued(&first, &sleep_job(600)).await;
    let zero = chrono::Duration::zero();
    job_when(&first, id, zero, |j| j.status == Some(JobStatus::Running)).await;
    // The instance dies with the attempt in flight: nobody will acknowledge a cancel.
    drop(first);
    let second = spawn_with(job_settings(&log, true, 1)).await;
    let running = job_when(&second, id, zero, |j| j.status.is_some()).await;
    assert_eq!(
        running.status,
        Some(JobStatus::Running),
        "the lease still holds"
    );
    let response = verb(&second, id, "cancel", MEMBER).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["cancel_requested"], true);
    // Time passes with no heartbeat and no acknowledgement: the sweep forces the cancel.
    let step = chrono::Duration::milliseconds(500);
    let job = job_when(&second, id, step, |j| {
        j.status == Some(JobStatus::Cancelled)
    })
    .await;
    assert_eq!(
        job.attempts.len(),
        1,
        "a job asked to stop is never retried"
    );
    assert_eq!(job.attempts[0].outcome, Some(Outcome::LeaseExpired));
    let forced = job_events(&log, id)
        .iter()
        .any(|e| matches!(e, JobEvent::Cancelled { forced: true, .. }));
    assert!(forced, "the cancel is recorded as forced");
}

fn job_events(log: &Log, id: Uuid) -> Vec<JobEvent> {
    log.batches_of(&id.to_string())
        .iter()
        .flat_map(|b| proto::decode_events::<JobEvent>(&b.events).expect("job events"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_queue_keeps_its_jobs_until_resumed() {
    let log = Log::start();
    let mut settings = job_settings(&log, true, 30);
    settings
        .auth
        .tokens
        .push_str(";admin-token-zzzzzzzz=root:admin");
    let app = spawn_with(settings).await;
    let admin = "admin-token-zzzzzzzz";
    assert_problem(
        app.post("/api/v1/queues/default:pause", MEMBER)
            .send()
            .await
            .expect("request"),
        403,
        "PERMISSION_DENIED",
    )
    .await;
    let paused = app
        .post("/api/v1/queues/default:pause", admin)
        .send()
        .await
        .expect("request");
    assert_eq!(paused.status(), 200);
    let body: Value = paused.json().await.expect("json");
    assert_eq!(body["paused"], true);
    let held = enqueued(&app, &sleep_job(600)).await;
    let other = enqueued(
        &app,
        &json!({"type": "sleep", "args": {"seconds": 600}, "queue": "other"}),
    )
    .await;
    let zero = chrono::Duration::zero();
    job_when(&app, other, zero, |j| j.status == Some(JobStatus::Running)).await;
    let waiting = job_when(&app, held, zero, |_| true).await;
    assert_eq!(
        waiting.status,
        Some(JobStatus::Queued),
        "a paused queue's job is not claimed"
    );
    let resumed = app
        .post("/api/v1/queues/default:resume", admin)
        .send()
        .await
        .expect("request");
    assert_eq!(resumed.status(), 200);
    job_when(&app, held, zero, |j| j.status == Some(JobStatus::Running)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_enqueues_never_overfill_a_queue() {
    let log = Log::start();
    let mut settings = job_settings(&log, false, 30);
    settings.jobs.queue_capacity = 3;
    let app = spawn_with(settings).await;
    let body = sleep_job(1);
    let responses = futures::future::join_all((0..10).map(|_| enqueue(&app, MEMBER, &body))).await;
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [vec![201; 3], vec![503; 7]].concat());
}

/// `/observability/workers` is fed from here: while a job runs, the instance's snapshot on
/// the status board shows the pool's size, one busy worker and that job's lease.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_pool_publishes_its_busy_workers_and_leases() {
    let log = Log::start();
    let app = spawn_with(job_settings(&log, true, 30)).await;
    let id = enqueued(&app, &sleep_job(600)).await;
    job_when(&app, id, chrono::Duration::zero(), |j| {
        j.status == Some(JobStatus::Running)
    })
    .await;
    let pool = platform::redis::pool(&platform::config::RedisSettings {
        url: platform::testing::redis_url(),
        key_prefix: log.redis_prefix.clone(),
    })
    .expect("redis pool");
    let board = platform::status::StatusBoard::new(pool, &log.redis_prefix);
    let seen = eventually_some(WAIT, || async {
        let pools: Vec<contract::observability::WorkerPool> =
            board.read("workers").await.unwrap_or_default();
        pools
            .into_iter()
            .find(|p| p.busy == 1 && p.leases.iter().any(|l| l.job_id == id.to_string()))
    })
    .await
    .expect("the pool's snapshot shows the running job");
    assert_eq!(seen.instance, app.writer.writer_id());
    assert_eq!(seen.size, 4, "the default pool size");
    assert_eq!(seen.leases[0].queue, "default");
}
