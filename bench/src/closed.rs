//! The closed loop: N virtual users, each on its own keep-alive connection, sending its
//! next request as soon as the previous one is answered. It finds the maximum sustained
//! rate; its latencies are service times under that load, not user-facing latencies at a
//! given rate (that is the open loop's job).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::client::Conn;
use crate::fresh::Freshness;
use crate::scenario::{User, Workload};
use crate::stats::Recorder;
use crate::tally::Tally;
use crate::target::Target;

/// When a closed-loop run stops, and what it leaves out.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub duration: Duration,
    /// Stop after this many requests in all (0: no limit).
    pub requests: u64,
    /// The first requests, not recorded (connection set-up, caches, JIT-like warm-up).
    pub warmup: u64,
}

pub struct Outcome {
    pub recorder: Recorder,
    pub created: Vec<Uuid>,
    pub elapsed: Duration,
}

pub async fn run(
    target: &Target,
    workload: &Workload,
    limits: Limits,
    fresh: Option<Arc<Freshness>>,
) -> Outcome {
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + limits.duration + warmup_allowance(limits);
    let tasks: Vec<_> = (0..workload.users)
        .map(|index| {
            let (target, counter, fresh) = (target.clone(), Arc::clone(&counter), fresh.clone());
            let mut user = User::new(workload, index);
            tokio::spawn(async move {
                user_loop(&target, &mut user, limits, deadline, &counter, fresh).await
            })
        })
        .collect();
    let Tally { recorder, created } = Tally::gather(tasks).await;
    Outcome {
        recorder,
        created,
        elapsed: started.elapsed(),
    }
}

/// A count-limited run (the latency phase) is not cut short by the duration.
fn warmup_allowance(limits: Limits) -> Duration {
    if limits.requests > 0 {
        Duration::from_secs(3600)
    } else {
        Duration::ZERO
    }
}

async fn user_loop(
    target: &Target,
    user: &mut User,
    limits: Limits,
    deadline: Instant,
    counter: &AtomicU64,
    fresh: Option<Arc<Freshness>>,
) -> Tally {
    let mut conn = Conn::new(target);
    let mut tally = Tally::default();
    while Instant::now() < deadline {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        if limits.requests > 0 && n >= limits.requests + limits.warmup {
            break;
        }
        let call = user.next_call();
        let sent = Instant::now();
        match conn.send(&call).await {
            Ok((status, body)) => {
                let took = sent.elapsed();
                if n >= limits.warmup {
                    tally.recorder.status(status.as_u16(), took);
                }
                tally.answered(user, &call, (status, &body), fresh.as_ref());
            }
            Err(error) => {
                tally.recorder.error(&error);
                // A refused connection would otherwise spin the loop.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    tally
}
