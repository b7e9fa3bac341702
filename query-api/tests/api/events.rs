//! The audit feed: `/api/v1/events` (keyset pages, filters, owner scope) and
//! `/api/v1/events:stream` (live events woken by change notifications, heartbeats,
//! resumption with `Last-Event-ID` without loss or repeats, overflow of a slow client,
//! per-resource streams). Rows are written the way the projector's audit view writes
//! them, then made visible by a checkpoint and a notification.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use contract::audit::AuditEvent;
use contract::envelope::AuditEventPage;
use platform::testing::conforms;
use serde_json::Value;
use uuid::Uuid;
use views::audit::{AuditEventRow, COLUMNS, event_position};

use crate::test_app::{ADMIN, ALICE, BOB, TestApp, assert_problem, spawn_app, spawn_app_with};

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, second)
        .unwrap()
        .trunc_subsecs(6)
}

/// One audit row of `owner`'s aggregate, at `(partition, offset, index)`.
fn event(
    owner: &str,
    aggregate: (&str, Uuid),
    event_type: &str,
    place: (i32, i64, usize),
    second: u32,
) -> AuditEventRow {
    let (partition, offset, index) = place;
    AuditEventRow {
        event_id: Uuid::now_v7(),
        aggregate_type: aggregate.0.into(),
        aggregate_id: aggregate.1,
        event_type: event_type.into(),
        schema_version: 1,
        aggregate_version: index as u64 + 1,
        partition_id: partition,
        log_offset: offset,
        stream_position: event_position(offset, index),
        command_name: format!("{}.test", aggregate.0),
        principal: owner.into(),
        owner: owner.into(),
        correlation_id: "corr".into(),
        recorded_at: at(second),
        summary: "{}".into(),
    }
}

/// Inserts rows, then moves each of their partitions' checkpoints past them and
/// notifies, as a projector commit does.
async fn commit(app: &TestApp, rows: &[AuditEventRow]) {
    for row in rows {
        let sql = format!(
            "INSERT INTO audit_event ({}) VALUES ({})",
            COLUMNS.join(", "),
            platform::db::placeholders(COLUMNS.len())
        );
        row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&app.db)
            .await
            .expect("audit row inserts");
    }
    let mut ends: std::collections::BTreeMap<i32, i64> = Default::default();
    for row in rows {
        let end = ends.entry(row.partition_id).or_default();
        *end = (*end).max(row.log_offset + 1);
    }
    for (partition, next) in ends {
        app.checkpoint(partition, next).await;
        app.publish(partition, next, Uuid::nil()).await;
    }
}

async fn page(app: &TestApp, query: &str, token: &str) -> AuditEventPage {
    let response = app
        .get(&format!("/api/v1/events{query}"), token)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "{query}");
    conforms(&response.json::<Value>().await.expect("json"))
}

fn types(page: &AuditEventPage) -> Vec<String> {
    page.events.iter().map(|e| e.event_type.clone()).collect()
}

/// Alice's droplet (3 events), Alice's cluster (2) and Bob's droplet (1), one second
/// apart in that order.
async fn seed(app: &TestApp) -> (Uuid, Uuid, Uuid) {
    let (d, c, b) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    commit(
        app,
        &[
            event(
                "alice",
                ("droplet", d),
                "droplet.creation_requested",
                (0, 0, 0),
                1,
            ),
            event("alice", ("droplet", d), "droplet.provisioned", (0, 1, 0), 2),
            event("alice", ("droplet", d), "droplet.renamed", (0, 2, 0), 3),
            event("alice", ("cluster", c), "cluster.created", (1, 0, 0), 4),
            event(
                "alice",
                ("cluster", c),
                "cluster.became_running",
                (1, 0, 1),
                5,
            ),
            event(
                "bob",
                ("droplet", b),
                "droplet.creation_requested",
                (2, 0, 0),
                6,
            ),
        ],
    )
    .await;
    (d, c, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_pages_newest_first_and_filters_by_aggregate_type_and_time() {
    let app = spawn_app().await;
    let (droplet, _, _) = seed(&app).await;

    let mut seen = Vec::new();
    let mut query = "?page_size=2".to_owned();
    loop {
        let page = page(&app, &query, ALICE).await;
        assert_eq!(page.meta.total, 5);
        assert!(page.events.len() <= 2);
        seen.extend(types(&page));
        match page.next_page_token {
            Some(token) => query = format!("?page_size=2&page_token={token}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "cluster.became_running",
            "cluster.created",
            "droplet.renamed",
            "droplet.provisioned",
            "droplet.creation_requested"
        ]
    );

    let by_id = page(
        &app,
        &format!("?aggregate_id={droplet}&order_by=recorded_at"),
        ALICE,
    )
    .await;
    assert_eq!(
        types(&by_id),
        [
            "droplet.creation_requested",
            "droplet.provisioned",
            "droplet.renamed"
        ]
    );
    let filtered = page(
        &app,
        &format!("?filter=aggregate_id%3D%22{droplet}%22"),
        ALICE,
    )
    .await;
    assert_eq!(filtered.meta.total, 3);
    let clusters = page(&app, "?filter=aggregate_type%3D%22cluster%22", ALICE).await;
    assert_eq!(
        types(&clusters),
        ["cluster.became_running", "cluster.created"]
    );
    assert_eq!(
        page(&app, "?type=droplet.renamed", ALICE).await.meta.total,
        1
    );
    let window = page(
        &app,
        "?since=2026-12-01T10:00:02Z&until=2026-12-01T10:00:04Z&order_by=recorded_at",
        ALICE,
    )
    .await;
    assert_eq!(types(&window), ["droplet.provisioned", "droplet.renamed"]);
    let recent = page(
        &app,
        "?filter=recorded_at%3E%3D%222026-12-01T10:00:04Z%22",
        ALICE,
    )
    .await;
    assert_eq!(recent.meta.total, 2);
    let one = &by_id.events[0];
    assert_eq!(
        (
            one.aggregate.kind.as_str(),
            one.aggregate.id,
            one.partition,
            one.offset
        ),
        ("droplet", droplet, 0, 0)
    );

    let bad = app
        .get("/api/v1/events?filter=owner%3D%22bob%22", ALICE)
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400, "INVALID_FILTER").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_see_the_events_of_their_own_aggregates_and_admins_see_all() {
    let app = spawn_app().await;
    let (_, _, bobs) = seed(&app).await;
    assert_eq!(page(&app, "", ALICE).await.meta.total, 5);
    assert_eq!(page(&app, "", BOB).await.meta.total, 1);
    assert_eq!(page(&app, "", ADMIN).await.meta.total, 6);
    let peek = page(&app, &format!("?aggregate_id={bobs}"), ALICE).await;
    assert!(peek.events.is_empty() && peek.meta.total == 0);

    for path in ["/api/v1/events", "/api/v1/events:stream"] {
        let anonymous = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_problem(anonymous, 401, "UNAUTHENTICATED").await;
    }
}

/// One server-sent event.
#[derive(Debug)]
struct Message {
    event: String,
    id: Option<String>,
    data: String,
}

/// A reader of a `text/event-stream` response that counts heartbeat comments.
struct Sse {
    response: reqwest::Response,
    buffer: String,
    heartbeats: usize,
}

impl Sse {
    async fn open(app: &TestApp, token: &str, query: &str, last_id: Option<&str>) -> Self {
        let mut request = app.get(&format!("/api/v1/events:stream{query}"), token);
        if let Some(id) = last_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.expect("stream request");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        let mut sse = Self {
            response,
            buffer: String::new(),
            heartbeats: 0,
        };
        let ready = sse.next().await.expect("a ready event");
        assert_eq!(ready.event, "ready", "{ready:?}");
        sse
    }

    /// The next event (not comment), or `None` when the stream ends; fails after 20 s.
    async fn next(&mut self) -> Option<Message> {
        tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    if let Some(message) = self.parse(&block) {
                        return Some(message);
                    }
                    continue;
                }
                match self.response.chunk().await.expect("stream chunk") {
                    Some(bytes) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                    None => return None,
                }
            }
        })
        .await
        .expect("the stream answered in time")
    }

    fn parse(&mut self, block: &str) -> Option<Message> {
        let mut message = Message {
            event: "message".into(),
            id: None,
            data: String::new(),
        };
        let mut fields = 0;
        for line in block.lines() {
            if line.starts_with(": heartbeat") {
                self.heartbeats += 1;
            } else if let Some(v) = line.strip_prefix("event: ") {
                message.event = v.into();
                fields += 1;
            } else if let Some(v) = line.strip_prefix("id: ") {
                message.id = Some(v.into());
            } else if let Some(v) = line.strip_prefix("data: ") {
                message.data.push_str(v);
                fields += 1;
            }
        }
        (fields > 0).then_some(message)
    }

    /// The next `n` audit events, with the id after the last.
    async fn audits(&mut self, n: usize) -> (Vec<AuditEvent>, String) {
        let mut events = Vec::new();
        let mut last = String::new();
        while events.len() < n {
            let message = self.next().await.expect("the stream goes on");
            assert_eq!(message.event, "audit", "{message:?}");
            let body: Value = serde_json::from_str(&message.data).expect("JSON data");
            events.push(conforms::<AuditEvent>(&body));
            last = message.id.expect("every audit event has an id");
        }
        (events, last)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_sends_live_events_of_the_callers_aggregates_and_heartbeats() {
    let app = spawn_app_with(|s| {
        s.command_api_url = crate::test_app::spawn_upstream();
        s.events.heartbeat_ms = 100;
    })
    .await;
    assert!(app.subscribed().await);
    let mut all = Sse::open(&app, ALICE, "", None).await;
    let (droplet, cluster) = (Uuid::now_v7(), Uuid::now_v7());
    let bobs = event(
        "bob",
        ("droplet", Uuid::now_v7()),
        "droplet.creation_requested",
        (3, 0, 0),
        1,
    );
    commit(&app, &[bobs]).await;
    let alices = event(
        "alice",
        ("droplet", droplet),
        "droplet.creation_requested",
        (3, 1, 0),
        2,
    );
    commit(&app, &[alices]).await;
    commit(
        &app,
        &[event(
            "alice",
            ("cluster", cluster),
            "cluster.created",
            (4, 0, 0),
            3,
        )],
    )
    .await;
    // The cluster's own stream (it exists now), then its next event.
    let mut one = Sse::open(
        &app,
        ALICE,
        &format!("?filter=aggregate_id%3D%22{cluster}%22"),
        None,
    )
    .await;
    commit(
        &app,
        &[event(
            "alice",
            ("droplet", droplet),
            "droplet.provisioned",
            (3, 2, 0),
            4,
        )],
    )
    .await;
    commit(
        &app,
        &[event(
            "alice",
            ("cluster", cluster),
            "cluster.became_running",
            (4, 1, 0),
            5,
        )],
    )
    .await;

    let (events, _) = all.audits(4).await;
    // Order holds within a partition only; compare as a set.
    let got: BTreeSet<(String, Uuid, String)> = events
        .iter()
        .map(|e| (e.owner.clone(), e.aggregate.id, e.event_type.clone()))
        .collect();
    let alice = |id, kind: &str| ("alice".to_owned(), id, kind.to_owned());
    let expected = BTreeSet::from([
        alice(droplet, "droplet.creation_requested"),
        alice(cluster, "cluster.created"),
        alice(droplet, "droplet.provisioned"),
        alice(cluster, "cluster.became_running"),
    ]);
    assert_eq!(got, expected, "Bob's event never reaches Alice");
    let (only, _) = one.audits(1).await;
    assert_eq!(only[0].event_type, "cluster.became_running");

    // A resource's stream is a 404 for anyone who may not see it, as its GET is.
    for (token, status) in [(ALICE, 200), (BOB, 404), (ADMIN, 200)] {
        let response = app
            .get(
                &format!("/api/v1/events:stream?aggregate_id={cluster}"),
                token,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status);
    }
    let unknown = app
        .get(
            &format!("/api/v1/events:stream?aggregate_id={}", Uuid::now_v7()),
            ALICE,
        )
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 404, "NOT_FOUND").await;

    let before = all.heartbeats;
    let quiet = tokio::time::timeout(Duration::from_secs(10), async {
        while all.heartbeats < before + 2 {
            let chunk = all
                .response
                .chunk()
                .await
                .expect("chunk")
                .expect("still open");
            all.buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = all.buffer.find("\n\n") {
                let block: String = all.buffer.drain(..end + 2).collect();
                assert!(all.parse(&block).is_none(), "no event expected: {block}");
            }
        }
    })
    .await;
    assert!(quiet.is_ok(), "heartbeats arrive while nothing happens");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_stream_loses_and_repeats_nothing() {
    let app = spawn_app().await;
    assert!(app.subscribed().await);
    let aggregate = ("droplet", Uuid::now_v7());
    let mut stream = Sse::open(&app, ALICE, "", None).await;
    commit(
        &app,
        &[
            event("alice", aggregate, "e1", (5, 0, 0), 1),
            event("alice", aggregate, "e2", (5, 0, 1), 1),
        ],
    )
    .await;
    let (first, last_id) = stream.audits(2).await;
    drop(stream);

    // While the client is away: more events, on two partitions.
    commit(&app, &[event("alice", aggregate, "e3", (5, 1, 0), 2)]).await;
    commit(
        &app,
        &[event(
            "alice",
            ("cluster", Uuid::now_v7()),
            "e4",
            (6, 0, 0),
            3,
        )],
    )
    .await;
    let mut resumed = Sse::open(&app, ALICE, "", Some(&last_id)).await;
    let (missed, _) = resumed.audits(2).await;
    commit(&app, &[event("alice", aggregate, "e5", (5, 2, 0), 4)]).await;
    let (live, _) = resumed.audits(1).await;

    let names: Vec<String> = first
        .iter()
        .chain(&missed)
        .chain(&live)
        .map(|e| e.event_type.clone())
        .collect();
    assert_eq!(names, ["e1", "e2", "e3", "e4", "e5"]);
    let ids: BTreeSet<Uuid> = first
        .iter()
        .chain(&missed)
        .chain(&live)
        .map(|e| e.id)
        .collect();
    assert_eq!(ids.len(), 5, "no event twice");

    let bad = app
        .get("/api/v1/events:stream", ALICE)
        .header("Last-Event-ID", "99:1")
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400, "INVALID_ARGUMENT").await;
}

const BURST: usize = 100;

/// The sum of a series (over its labels) on query-api's `/metrics`.
async fn metric(app: &TestApp, series: &str) -> f64 {
    let body = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    body.lines()
        .filter(|line| line.starts_with(series))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_is_disconnected_with_overflow_and_resumes_without_loss() {
    let app = spawn_app_with(|s| {
        s.command_api_url = crate::test_app::spawn_upstream();
        s.events.client_buffer = 3;
    })
    .await;
    assert!(app.subscribed().await);
    let aggregate = ("droplet", Uuid::now_v7());
    let mut stream = Sse::open(&app, ALICE, "", None).await;
    let burst: Vec<AuditEventRow> = (0..BURST)
        .map(|i| event("alice", aggregate, &format!("e{i}"), (7, 0, i), 1))
        .collect();
    // One commit: the hub offers them all at once, far more than the buffer holds (the
    // client may take a few meanwhile, so only "fewer than all, then overflow" is certain).
    commit(&app, &burst).await;

    let mut received = Vec::new();
    let overflow = loop {
        let message = stream
            .next()
            .await
            .expect("an overflow event before the end");
        match message.event.as_str() {
            "audit" => received.push(conforms::<AuditEvent>(
                &serde_json::from_str(&message.data).unwrap(),
            )),
            "overflow" => break message,
            other => panic!("unexpected event {other}"),
        }
    };
    assert!(
        received.len() < BURST,
        "{} received before the overflow",
        received.len()
    );
    assert!(
        stream.next().await.is_none(),
        "the stream ends after overflow"
    );
    assert!(metric(&app, "clustergenie_event_stream_overflows_total").await >= 1.0);
    let resume_id = overflow.id.expect("overflow carries the cursor");

    let mut resumed = Sse::open(&app, ALICE, "", Some(&resume_id)).await;
    let (rest, _) = resumed.audits(BURST - received.len()).await;
    let names: Vec<String> = received
        .iter()
        .chain(&rest)
        .map(|e| e.event_type.clone())
        .collect();
    let expected: Vec<String> = (0..BURST).map(|i| format!("e{i}")).collect();
    assert_eq!(names, expected);
}
