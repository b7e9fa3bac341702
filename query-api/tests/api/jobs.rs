//! Job reads (api.md §11): the list with filters and owner scoping (deleted jobs gone),
//! one job with its ETag, attempts, paged log lines by attempt, the SSE tail (existing
//! lines, then new ones once the projector's change arrives, then `end`), and queues.
//! Rows are written the way the projector writes them, from the domain's own fold.

use std::time::Duration;

use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use contract::job::{Job as JobBody, JobAttemptPage, JobPage, LogLinePage, QueueList};
use domain::Aggregate;
use domain::job::{EnqueueJob, Job, JobArgs, JobEvent, RetryPolicy};
use platform::testing::conforms;
use serde_json::Value;
use uuid::Uuid;
use views::StateRow;
use views::job::JobRow;
use views::job::attempt::{self, JobAttemptRow};
use views::job::log::{self, NewLogLine};

use crate::test_app::{ALICE, BOB, TestApp, assert_problem, spawn_app};

fn at(second: i64) -> DateTime<Utc> {
    (Utc.with_ymd_and_hms(2026, 1, 3, 9, 0, 0)
        .single()
        .expect("time")
        + chrono::Duration::seconds(second))
    .trunc_subsecs(6)
}

fn enqueued(owner: &str, queue: &str, priority: u8, second: i64) -> JobEvent {
    JobEvent::Enqueued(EnqueueJob {
        id: Uuid::now_v7(),
        owner: owner.into(),
        args: JobArgs::Sleep {
            seconds: 1,
            steps: 1,
        },
        queue: queue.into(),
        priority,
        run_at: at(second),
        timeout_seconds: 0,
        heartbeat_timeout_seconds: 30,
        retry: RetryPolicy::default(),
        unique_key: None,
        trace_id: None,
        at: at(second),
    })
}

fn claimed(second: i64) -> JobEvent {
    JobEvent::Claimed {
        worker_id: "w1".into(),
        lease_until: at(second + 30),
        at: at(second),
    }
}

fn succeeded(second: i64) -> JobEvent {
    JobEvent::Succeeded {
        result: "{\"ok\":true}".into(),
        lines: vec![],
        at: at(second),
    }
}

fn row(history: &[JobEvent]) -> JobRow {
    JobRow::from_state(&Job::replay(history)).expect("a created job")
}

impl TestApp {
    async fn put_job(&self, row: &JobRow) {
        let sql = format!(
            "REPLACE INTO job ({}) VALUES ({})",
            views::row::column_list::<JobRow>(),
            platform::db::placeholders(JobRow::COLUMNS.len())
        );
        row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&self.db)
            .await
            .expect("job row");
    }

    async fn put_attempt(&self, row: &JobAttemptRow) {
        let sql = format!(
            "REPLACE INTO job_attempt ({}) VALUES ({})",
            attempt::COLUMNS.join(", "),
            platform::db::placeholders(attempt::COLUMNS.len())
        );
        row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&self.db)
            .await
            .expect("attempt row");
    }

    async fn put_line(&self, job: Uuid, attempt: u32, message: &str) {
        let line = NewLogLine {
            service: log::WORKER_SERVICE.into(),
            level: "info".into(),
            ts: at(1),
            message: message.into(),
            job_id: Some(job),
            attempt: Some(attempt),
            trace_id: None,
            owner: Some("alice".into()),
            source_key: Some(Uuid::now_v7().to_string()),
        };
        let sql = format!(
            "INSERT INTO log_lines ({}) VALUES ({})",
            log::INSERT_COLUMNS.join(", "),
            platform::db::placeholders(log::INSERT_COLUMNS.len())
        );
        line.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&self.db)
            .await
            .expect("log line");
    }

    async fn json(&self, path: &str, token: &str) -> Value {
        let response = self.get(path, token).send().await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.expect("json")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_list_filters_and_scopes_and_deleted_jobs_are_gone() {
    let app = spawn_app().await;
    let queued = row(&[enqueued("alice", "default", 5, 1)]);
    let urgent = row(&[enqueued("alice", "ops", 0, 2)]);
    let mut done_history = vec![enqueued("alice", "default", 5, 3), claimed(4), succeeded(5)];
    let done = row(&done_history);
    done_history.push(JobEvent::Deleted { at: at(6) });
    let deleted = row(&done_history);
    let bobs = row(&[enqueued("bob", "default", 5, 7)]);
    for r in [&queued, &urgent, &deleted, &bobs] {
        app.put_job(r).await;
    }
    let page: JobPage = conforms(&app.json("/api/v1/jobs", ALICE).await);
    let ids: Vec<Uuid> = page.jobs.iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![urgent.job_id, queued.job_id]);
    let filtered: JobPage = conforms(
        &app.json(
            "/api/v1/jobs?filter=queue%3D%22ops%22%20AND%20priority%3D%220%22",
            ALICE,
        )
        .await,
    );
    assert_eq!(filtered.jobs.len(), 1);
    assert_eq!(filtered.jobs[0].id, urgent.job_id);
    let by_status: JobPage =
        conforms(&app.json("/api/v1/jobs?status=queued&type=sleep", BOB).await);
    assert_eq!(by_status.jobs.len(), 1);
    assert_eq!(by_status.jobs[0].id, bobs.job_id);
    let path = format!("/api/v1/jobs/{}", queued.job_id);
    let response = app.get(&path, ALICE).send().await.expect("request");
    assert_eq!(response.headers()["etag"], "\"1\"");
    let job: JobBody = conforms(&response.json::<Value>().await.expect("json"));
    assert_eq!(
        (job.status.as_str(), job.job_type.as_str()),
        ("queued", "sleep")
    );
    let unchanged = app
        .get(&path, ALICE)
        .header("If-None-Match", "\"1\"")
        .send()
        .await
        .expect("request");
    assert_eq!(unchanged.status(), 304);
    assert_problem(
        app.get(&path, BOB).send().await.expect("request"),
        404,
        "NOT_FOUND",
    )
    .await;
    let gone = format!("/api/v1/jobs/{}", done.job_id);
    assert_problem(
        app.get(&gone, ALICE).send().await.expect("request"),
        404,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempts_and_logs_page_by_attempt() {
    let app = spawn_app().await;
    let history = vec![enqueued("alice", "default", 5, 1), claimed(2), succeeded(3)];
    let job = Job::replay(&history);
    app.put_job(&row(&history)).await;
    app.put_attempt(&JobAttemptRow::new(job.id, "alice", &job.attempts[0]))
        .await;
    for n in 0..3 {
        app.put_line(job.id, 1, &format!("first {n}")).await;
    }
    app.put_line(job.id, 2, "second").await;
    let attempts: JobAttemptPage = conforms(
        &app.json(&format!("/api/v1/jobs/{}/attempts", job.id), ALICE)
            .await,
    );
    assert_eq!(attempts.attempts.len(), 1);
    assert_eq!(attempts.attempts[0].outcome.as_deref(), Some("succeeded"));
    let first: LogLinePage = conforms(
        &app.json(
            &format!("/api/v1/jobs/{}/logs?attempt=1&page_size=2", job.id),
            ALICE,
        )
        .await,
    );
    assert_eq!(first.meta.total, 3);
    let messages: Vec<&str> = first.lines.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(messages, vec!["first 0", "first 1"]);
    let next = first.links.next.expect("a next page");
    let rest: LogLinePage = conforms(&app.json(&next, ALICE).await);
    assert_eq!(rest.lines.len(), 1);
    assert_eq!(rest.lines[0].message, "first 2");
    assert!(rest.next_page_token.is_none());
    let all: LogLinePage = conforms(
        &app.json(&format!("/api/v1/jobs/{}/logs", job.id), ALICE)
            .await,
    );
    assert_eq!(all.meta.total, 4);
    let bad = app
        .get(
            &format!("/api/v1/jobs/{}/logs?page_token=zz", job.id),
            ALICE,
        )
        .send()
        .await
        .expect("request");
    assert_problem(bad, 400, "INVALID_PAGE_TOKEN").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_tail_sends_lines_as_they_are_projected_and_ends_with_the_job() {
    let app = spawn_app().await;
    assert!(app.subscribed().await);
    let mut history = vec![enqueued("alice", "default", 5, 1), claimed(2)];
    let job = Job::replay(&history);
    app.put_job(&row(&history)).await;
    app.put_line(job.id, 1, "before").await;
    let mut response = app
        .get(&format!("/api/v1/jobs/{}/logs:stream", job.id), ALICE)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let mut text = String::new();
    let read_until = async |response: &mut reqwest::Response, text: &mut String, wanted: &str| {
        let found = tokio::time::timeout(Duration::from_secs(20), async {
            while !text.contains(wanted) {
                match response.chunk().await.expect("stream") {
                    Some(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
                    None => break,
                }
            }
        })
        .await;
        assert!(
            found.is_ok() && text.contains(wanted),
            "no {wanted:?} in {text:?}"
        );
    };
    read_until(&mut response, &mut text, "before").await;
    app.put_line(job.id, 1, "after").await;
    history.push(succeeded(3));
    app.put_job(&row(&history)).await;
    let partition = app.partition_of(job.id);
    app.checkpoint(partition, 10).await;
    app.publish(partition, 10, job.id).await;
    read_until(&mut response, &mut text, "event: end").await;
    assert!(text.contains("after"), "{text}");
    assert!(text.contains("succeeded"), "{text}");

    // A client reconnecting with the id of the first line gets only what followed it.
    let first_id = text
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .expect("lines carry ids")
        .to_owned();
    let mut resumed = app
        .get(&format!("/api/v1/jobs/{}/logs:stream", job.id), ALICE)
        .header("Last-Event-ID", &first_id)
        .send()
        .await
        .expect("request");
    assert_eq!(resumed.status(), 200);
    let mut again = String::new();
    read_until(&mut resumed, &mut again, "event: end").await;
    assert!(
        again.contains("after") && !again.contains("before"),
        "{again}"
    );
    let bad = app
        .get(&format!("/api/v1/jobs/{}/logs:stream", job.id), ALICE)
        .header("Last-Event-ID", "yesterday")
        .send()
        .await
        .expect("request");
    assert_eq!(bad.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queues_report_depth_running_and_age() {
    let app = spawn_app().await;
    app.put_job(&row(&[enqueued("alice", "default", 5, 1)]))
        .await;
    app.put_job(&row(&[enqueued("bob", "default", 5, 2)])).await;
    app.put_job(&row(&[enqueued("alice", "default", 5, 3), claimed(4)]))
        .await;
    app.put_job(&row(&[
        enqueued("alice", "ops", 5, 5),
        claimed(6),
        succeeded(7),
    ]))
    .await;
    let list: QueueList = conforms(&app.json("/api/v1/queues", ALICE).await);
    assert_eq!(
        list.queues.len(),
        1,
        "finished queues with nothing left are not listed"
    );
    let default = &list.queues[0];
    assert_eq!(
        (
            default.name.as_str(),
            default.depth,
            default.running,
            default.capacity,
            default.paused
        ),
        ("default", 2, 1, 100, false),
        "the default capacity while no command-api has published its own"
    );
    assert!(default.oldest_queued_age_seconds.is_some_and(|s| s > 0.0));

    let pool = contract::observability::WorkerPool {
        instance: "writer-a".into(),
        size: 2,
        busy: 1,
        queue_capacity: 7,
        leases: Vec::new(),
        first_queued: Vec::new(),
        published_at: "2026-12-02T10:00:00+00:00".into(),
    };
    platform::status::StatusBoard::new(app.redis.clone(), &app.prefix)
        .publish("workers", "writer-a", &pool, Duration::from_secs(60))
        .await
        .expect("publish");
    let list: QueueList = conforms(&app.json("/api/v1/queues", ALICE).await);
    assert_eq!(
        list.queues[0].capacity, 7,
        "the capacity command-api enforces"
    );
}
