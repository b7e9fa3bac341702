//! Freshness: how long after a `202` a created droplet becomes visible through query-api's
//! `GET /api/v1/droplets/{id}` when polled plainly, without a consistency token. Every
//! k-th accepted create is tracked by its own polling task, polling every `poll` at first
//! and then every tenth of the time already waited, so the polls add a bounded, known load
//! rather than becoming the load.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hyper::StatusCode;
use serde::Serialize;
use uuid::Uuid;

use crate::client::{Call, Pool};
use crate::stats::{Percentiles, Recorder};
use crate::target::Target;

/// How long a droplet may take to appear before it counts as never seen.
const GIVE_UP: Duration = Duration::from_secs(10);

pub struct Freshness {
    pool: Pool,
    token: String,
    every: u64,
    poll: Duration,
    seen: AtomicU64,
    in_flight: AtomicUsize,
    timeouts: AtomicU64,
    polls: AtomicU64,
    recorder: Mutex<Recorder>,
}

/// What the freshness tracking found.
#[derive(Debug, Serialize)]
pub struct FreshnessReport {
    pub tracked: u64,
    pub visible: u64,
    pub never_visible: u64,
    pub polls: u64,
    /// The first (shortest) poll interval; later ones are a tenth of the wait so far.
    pub poll_interval_ms: f64,
    pub visible_after_ms: Percentiles,
}

impl Freshness {
    pub fn new(target: &Target, token: &str, every: u64, poll: Duration) -> Arc<Self> {
        Arc::new(Self {
            pool: Pool::new(target),
            token: token.to_owned(),
            every: every.max(1),
            poll,
            seen: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            timeouts: AtomicU64::new(0),
            polls: AtomicU64::new(0),
            recorder: Mutex::new(Recorder::default()),
        })
    }

    /// Called with every accepted create, the moment its `202` arrived.
    pub fn accepted(self: &Arc<Self>, id: Uuid, at: Instant) {
        if !self
            .seen
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(self.every)
        {
            return;
        }
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        let this = Arc::clone(self);
        tokio::spawn(async move {
            this.poll_until_visible(id, at).await;
            this.in_flight.fetch_sub(1, Ordering::Relaxed);
        });
    }

    async fn poll_until_visible(&self, id: Uuid, accepted: Instant) {
        let call = Call::get("get droplet", format!("/api/v1/droplets/{id}"))
            .header("authorization", format!("Bearer {}", self.token));
        loop {
            self.polls.fetch_add(1, Ordering::Relaxed);
            if let Ok((StatusCode::OK, _)) = self.pool.send(&call).await {
                let mut recorder = self.recorder.lock().expect("not poisoned");
                recorder.status(200, accepted.elapsed());
                return;
            }
            if accepted.elapsed() > GIVE_UP {
                self.timeouts.fetch_add(1, Ordering::Relaxed);
                return;
            }
            // A tenth of the time waited so far: the error stays under ~10 % while a long
            // wait costs tens of polls, not thousands, so polling does not become the load.
            tokio::time::sleep(self.poll.max(accepted.elapsed() / 10)).await;
        }
    }

    /// Waits for the polls still running (each gives up after `GIVE_UP`), then reports.
    pub async fn finish(&self) -> FreshnessReport {
        let deadline = Instant::now() + GIVE_UP + Duration::from_secs(2);
        while self.in_flight.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let recorder = self.recorder.lock().expect("not poisoned");
        let visible = recorder.responses();
        let timeouts = self.timeouts.load(Ordering::Relaxed);
        FreshnessReport {
            tracked: visible + timeouts,
            visible,
            never_visible: timeouts,
            polls: self.polls.load(Ordering::Relaxed),
            poll_interval_ms: self.poll.as_secs_f64() * 1000.0,
            visible_after_ms: Percentiles::of(&recorder.latency),
        }
    }
}
