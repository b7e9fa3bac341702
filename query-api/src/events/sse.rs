//! One client's `text/event-stream`: `ready` (with the starting cursor), then the events
//! it missed since its `Last-Event-ID` (read in pages, up to where the hub's live rows
//! begin), then live `audit` events as the hub offers them, a comment line after every
//! quiet `heartbeat_ms`, and — if its buffer overflowed — a final `overflow` event with
//! the cursor to resume from. Every event's `id:` is the cursor after it, so resuming
//! never loses or repeats an event.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::web::Bytes;
use views::audit::AuditEventRow;

use super::hub::Subscription;
use super::{EventHub, StreamCursor, StreamScope};

/// Events sent in one chunk at most, so a busy stream still yields to the socket.
const CHUNK: usize = 64;

pub fn respond(hub: &EventHub, scope: StreamScope, resume: Option<StreamCursor>) -> HttpResponse {
    let subscription = hub.subscribe(scope.clone());
    let cursor = match resume {
        Some(cursor) => cursor.or(&subscription.live_from),
        None => subscription.live_from.clone(),
    };
    let client = Client {
        hub: hub.clone(),
        scope,
        cursor,
        subscription,
        heartbeat: Duration::from_millis(hub.settings.heartbeat_ms.max(10)),
        phase: Phase::Ready,
    };
    let body = futures::stream::unfold(client, |mut client| async move {
        let chunk = client.next_chunk().await?;
        Some((Ok::<_, actix_web::Error>(chunk), client))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body)
}

enum Phase {
    Ready,
    CatchUp,
    Live,
    Done,
}

struct Client {
    hub: EventHub,
    scope: StreamScope,
    cursor: StreamCursor,
    subscription: Subscription,
    heartbeat: Duration,
    phase: Phase,
}

impl Client {
    async fn next_chunk(&mut self) -> Option<Bytes> {
        match self.phase {
            Phase::Ready => {
                self.phase = Phase::CatchUp;
                let data = serde_json::json!({ "cursor": self.cursor.to_string() });
                Some(Bytes::from(format!(
                    "retry: 2000\nevent: ready\nid: {}\ndata: {data}\n\n",
                    self.cursor
                )))
            }
            Phase::CatchUp => Some(self.catch_up().await),
            Phase::Live => Some(self.live().await),
            Phase::Done => None,
        }
    }

    /// The next page of missed events, or (when none are left) the switch to live.
    async fn catch_up(&mut self) -> Bytes {
        let behind: Vec<(i32, i64)> = self
            .subscription
            .live_from
            .partitions()
            .filter(|(p, live)| self.cursor.next(*p) < *live)
            .collect();
        for (partition, live) in behind {
            let start = self.cursor.next(partition);
            match self.hub.page(&self.scope, partition, start, live).await {
                Ok(rows) if rows.is_empty() => {
                    // Nothing of this client's below the live point: skip ahead.
                    self.cursor.pass_to(partition, live);
                }
                Ok(rows) => return self.send(rows.iter()),
                Err(error) => {
                    tracing::warn!(%error, "an event stream could not catch up");
                    self.phase = Phase::Done;
                    return Bytes::from_static(b"event: error\ndata: {\"retry\": true}\n\n");
                }
            }
        }
        self.phase = Phase::Live;
        Bytes::from_static(b": live\n\n")
    }

    async fn live(&mut self) -> Bytes {
        let rows = &mut self.subscription.rows;
        match tokio::time::timeout(self.heartbeat, rows.recv()).await {
            Err(_) => Bytes::from_static(b": heartbeat\n\n"),
            Ok(Some(first)) => {
                let mut batch = vec![first];
                while batch.len() < CHUNK {
                    match rows.try_recv() {
                        Ok(row) => batch.push(row),
                        Err(_) => break,
                    }
                }
                self.send(batch.iter().map(Arc::as_ref))
            }
            Ok(None) => {
                self.phase = Phase::Done;
                if self.subscription.overflowed.load(Ordering::SeqCst) {
                    let data =
                        serde_json::json!({ "cursor": self.cursor.to_string(), "resume": true });
                    Bytes::from(format!(
                        "event: overflow\nid: {}\ndata: {data}\n\n",
                        self.cursor
                    ))
                } else {
                    Bytes::new()
                }
            }
        }
    }

    /// `audit` events for the rows not sent yet, each with the cursor after it.
    fn send<'a>(&mut self, rows: impl Iterator<Item = &'a AuditEventRow>) -> Bytes {
        let mut out = String::new();
        for row in rows {
            if !self.cursor.is_new(row) {
                continue;
            }
            self.cursor.pass(row);
            let data = serde_json::to_string(&row.to_event()).unwrap_or_default();
            out.push_str(&format!(
                "event: audit\nid: {}\ndata: {data}\n\n",
                self.cursor
            ));
        }
        if out.is_empty() {
            // Only repeats: an empty comment keeps the stream moving.
            return Bytes::from_static(b":\n\n");
        }
        Bytes::from(out)
    }
}
