//! The open loop: requests are scheduled at a fixed rate whatever the service does, and
//! each latency is measured from its *scheduled* send time, so a stall shows up in every
//! request it delayed (no coordinated omission). A pool of worker connections takes the
//! due requests in order; when all are busy the queue grows and so do the latencies.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, mpsc};
use uuid::Uuid;

use crate::client::Conn;
use crate::fresh::Freshness;
use crate::scenario::{User, Workload};
use crate::stats::Recorder;
use crate::tally::Tally;
use crate::target::Target;

/// How long requests still queued at the end may take before they count as unsent.
const DRAIN: Duration = Duration::from_secs(10);

pub struct Outcome {
    pub recorder: Recorder,
    pub created: Vec<Uuid>,
    pub scheduled: u64,
    pub unsent: u64,
    pub elapsed: Duration,
}

pub async fn run(
    target: &Target,
    workload: &Workload,
    rate: f64,
    duration: Duration,
    fresh: Option<Arc<Freshness>>,
) -> Outcome {
    let (tx, rx) = mpsc::unbounded_channel::<Instant>();
    let rx = Arc::new(Mutex::new(rx));
    let started = Instant::now();
    let drain_until = started + duration + DRAIN;
    let workers: Vec<_> = (0..workload.users)
        .map(|index| {
            let (target, rx, fresh) = (target.clone(), Arc::clone(&rx), fresh.clone());
            let mut user = User::new(workload, index);
            tokio::spawn(async move { worker(&target, &mut user, &rx, drain_until, fresh).await })
        })
        .collect();
    let scheduled = schedule(&tx, started, rate, duration).await;
    drop(tx);
    let Tally { recorder, created } = Tally::gather(workers).await;
    let sent = recorder.responses() + recorder.errors;
    Outcome {
        recorder,
        created,
        scheduled,
        unsent: scheduled.saturating_sub(sent),
        // Rates are over the wall time until the last answer: an overloaded service that
        // drains the backlog after the schedule ended must not look as fast as the schedule.
        elapsed: started.elapsed().max(duration),
    }
}

/// Emits the send time of request i, `started + i / rate`, as soon as it is due. A late
/// wake-up emits every request that became due meanwhile, each with its own time.
pub async fn schedule(
    tx: &mpsc::UnboundedSender<Instant>,
    started: Instant,
    rate: f64,
    duration: Duration,
) -> u64 {
    let total = (rate * duration.as_secs_f64()).round() as u64;
    let period = Duration::from_secs_f64(1.0 / rate.max(1e-9));
    let mut i = 0;
    while i < total {
        let due = started + period.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let now = Instant::now();
        while i < total && started + period.mul_f64(i as f64) <= now {
            let _ = tx.send(started + period.mul_f64(i as f64));
            i += 1;
        }
    }
    total
}

async fn worker(
    target: &Target,
    user: &mut User,
    rx: &Mutex<mpsc::UnboundedReceiver<Instant>>,
    drain_until: Instant,
    fresh: Option<Arc<Freshness>>,
) -> Tally {
    let mut conn = Conn::new(target);
    let mut tally = Tally::default();
    loop {
        let next = rx.lock().await.recv().await;
        let Some(due) = next else { break };
        if Instant::now() > drain_until {
            continue;
        }
        let call = user.next_call();
        match conn.send(&call).await {
            Ok((status, body)) => {
                tally.recorder.status(status.as_u16(), due.elapsed());
                tally.answered(user, &call, (status, &body), fresh.as_ref());
            }
            Err(error) => tally.recorder.error(&error),
        }
    }
    tally
}
