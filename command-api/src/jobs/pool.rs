//! The worker pool (api.md §12.3), a reconciler over the jobs of the partitions this
//! instance serves. Each tick it sweeps running jobs whose lease ended, whose timeout
//! passed or whose cancel went unacknowledged too long (`JobCommand::Expire`: the job
//! decides which), moves due scheduled and retrying jobs to queued, and claims due
//! queued jobs of unpaused queues — highest priority first, then oldest `run_at` — into
//! at most `workers` attempts (`attempt.rs`), and purges dead jobs past their retention.
//! Like every reconciler it acts on state, so a restart resumes by itself: a job left
//! running by a dead instance is retried
//! once its lease ends.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::job::{Job, JobCommand, JobStatus, delay};
use domain::record::StoredResponse;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tracing::Instrument;
use uuid::Uuid;

use super::JobSettings;
use super::attempt;
use super::handlers::Cancel;
use super::metrics::JobMetrics;
use super::queues;
use crate::internal::InternalClient;
use crate::names::{Names, system};
use crate::reconcile::submit_all;
use crate::telemetry::window::SampleWindow;
use crate::workflows::jobs::release_key;
use crate::writer::{Command, Observed, Submission, Writer};
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::task::JoinSet;

/// What the pool and its attempts share.
/// How often (on the injected clock) dead jobs past their retention are looked for.
const PURGE_EVERY: chrono::Duration = chrono::Duration::minutes(1);

pub struct Shared {
    pub writer: Writer,
    /// Recent samples, for the `diagnose` job.
    pub window: SampleWindow,
    pub internal: InternalClient,
    pub names: Names,
    pub settings: JobSettings,
    pub metrics: JobMetrics,
    rng: Mutex<StdRng>,
    /// The attempts running here, by job id.
    running: Mutex<HashMap<Uuid, Cancel>>,
    claims: AtomicU64,
    /// Deleted jobs whose unique key this process already released.
    released: Mutex<HashSet<Uuid>>,
    /// When expired dead jobs were last looked for (a retention in days needs no 100 ms tick).
    last_purge: Mutex<Option<DateTime<Utc>>>,
}

impl Shared {
    /// The wait after the job's current attempt failed, with jitter from the seeded RNG.
    pub fn backoff(&self, job: &Job) -> chrono::Duration {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        delay(job.attempt.max(1), &job.retry, &mut || rng.random::<f64>())
    }

    pub fn finished(&self, id: Uuid) {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    fn busy(&self) -> usize {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    fn start(&self, id: Uuid, cancel: Cancel) {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, cancel);
    }
}

#[derive(Clone)]
pub struct WorkerPool {
    shared: Arc<Shared>,
}

impl WorkerPool {
    pub fn new(
        writer: Writer,
        window: SampleWindow,
        internal: InternalClient,
        names: Names,
        settings: JobSettings,
        metrics: JobMetrics,
    ) -> Self {
        let rng = StdRng::seed_from_u64(settings.seed);
        Self {
            shared: Arc::new(Shared {
                writer,
                window,
                internal,
                names,
                settings,
                metrics,
                rng: Mutex::new(rng),
                running: Mutex::new(HashMap::new()),
                claims: AtomicU64::new(0),
                released: Mutex::new(HashSet::new()),
                last_purge: Mutex::new(None),
            }),
        }
    }

    pub fn writer(&self) -> &Writer {
        &self.shared.writer
    }

    /// Workers in the pool.
    pub fn size(&self) -> usize {
        self.shared.settings.workers
    }

    /// Unfinished jobs a queue admits.
    pub fn queue_capacity(&self) -> usize {
        self.shared.settings.queue_capacity
    }

    /// Workers running an attempt now.
    pub fn busy(&self) -> usize {
        self.shared.busy()
    }

    /// Runs passes until shutdown. The attempts are children of this loop: when it
    /// ends (shutdown, or the process dying) they stop with it and report nothing, and
    /// their leases run out — exactly what a killed instance leaves behind.
    pub async fn run(self, mut shutdown: platform::shutdown::Shutdown) {
        let mut ticks =
            tokio::time::interval(Duration::from_millis(self.shared.settings.tick_ms.max(10)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut attempts = JoinSet::new();
        loop {
            tokio::select! {
                () = shutdown.wait() => return,
                _ = ticks.tick() => {
                    for attempt in self.pass().await {
                        attempts.spawn(attempt);
                    }
                    while attempts.try_join_next().is_some() {}
                }
            }
        }
    }

    /// One pass over every served partition; returns the attempts it claimed, to run.
    pub async fn pass(&self) -> Vec<BoxFuture<'static, ()>> {
        let shared = &self.shared;
        let writer = &shared.writer;
        let now = writer.clock().now();
        let jobs = writer.observe::<Job>(|j| j.occupies_queue());
        let sweeps: Vec<Submission> = jobs
            .iter()
            .filter(|o| !o.pending)
            .filter_map(|o| sweep(shared, &o.state, now))
            .collect();
        submit_all(writer, sweeps).await;
        self.purge_expired_dead(now).await;
        self.record_queues(&jobs, now);
        let claimed = self.claim(&jobs, now).await;
        self.release_deleted_keys().await;
        claimed
    }

    async fn claim(
        &self,
        jobs: &[Observed<Job>],
        now: DateTime<Utc>,
    ) -> Vec<BoxFuture<'static, ()>> {
        let shared = &self.shared;
        let mut claimed_jobs = Vec::new();
        let free = shared.settings.workers.saturating_sub(shared.busy());
        if free == 0 {
            return claimed_jobs;
        }
        let paused = queues::paused(&shared.writer);
        let mut due: Vec<&Job> = jobs
            .iter()
            .filter(|o| !o.pending && o.state.is_claimable(now))
            .map(|o| &o.state)
            .filter(|j| !paused.contains(&j.queue))
            .collect();
        due.sort_by_key(|j| (j.priority, j.run_at, j.created_at, j.id));
        for job in due.into_iter().take(free) {
            let n = shared.claims.fetch_add(1, Ordering::Relaxed);
            let worker_id = format!("{}-w{n}", shared.writer.writer_id());
            let command = JobCommand::Claim {
                worker_id: worker_id.clone(),
                at: now,
            };
            // The claim and everything the attempt does run in its span.
            let span = attempt::span(job);
            let submitted = shared
                .writer
                .submit(job_command(&shared.writer, job, command, "job.claim"))
                .instrument(span.clone())
                .await;
            let Some(job) = submitted.ok().and_then(|a| a.state::<Job>().cloned()) else {
                continue;
            };
            let cancel = Cancel::default();
            shared.start(job.id, cancel.clone());
            let attempt = attempt::run(Arc::clone(shared), job, worker_id, cancel);
            claimed_jobs.push(attempt.instrument(span).boxed());
        }
        claimed_jobs
    }

    fn record_queues(&self, jobs: &[Observed<Job>], now: DateTime<Utc>) {
        let mut per_queue: HashMap<&str, (u64, u64)> = HashMap::new();
        for job in jobs.iter().map(|o| &o.state) {
            let entry = per_queue.entry(job.queue.as_str()).or_default();
            if job.is_claimable(now) {
                entry.0 += 1;
            } else if job.status == Some(JobStatus::Running) {
                entry.1 += 1;
            }
        }
        let counts = per_queue.into_iter().map(|(q, (d, r))| (q, d, r));
        self.shared.metrics.queues(counts);
        let shared = &self.shared;
        shared
            .metrics
            .workers(shared.settings.workers, shared.busy());
    }

    /// Purges dead jobs past their retention (api.md §12.3: dead jobs are kept 30
    /// days), as `DELETE /jobs/{id}` would; their unique keys are released after.
    async fn purge_expired_dead(&self, now: DateTime<Utc>) {
        {
            let mut last = self
                .shared
                .last_purge
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|t| now - t < PURGE_EVERY) {
                return;
            }
            *last = Some(now);
        }
        let writer = &self.shared.writer;
        let kept = chrono::Duration::days(i64::from(self.shared.settings.dead_retention_days));
        let expired = writer.observe::<Job>(|j| {
            !j.deleted
                && j.status == Some(JobStatus::Dead)
                && j.finished_at.is_some_and(|t| t + kept <= now)
        });
        let purges = expired
            .iter()
            .filter(|o| !o.pending)
            .map(|o| {
                job_command(
                    writer,
                    &o.state,
                    JobCommand::Delete { at: now },
                    "job.purge",
                )
            })
            .collect();
        submit_all(writer, purges).await;
    }

    /// Releases the unique keys of deleted jobs whose release the delete did not finish.
    async fn release_deleted_keys(&self) {
        let shared = &self.shared;
        let done = shared
            .released
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let deleted = shared
            .writer
            .observe::<Job>(|j| j.deleted && j.unique_key.is_some() && !done.contains(&j.id));
        for job in deleted.iter().filter(|o| !o.pending) {
            release_key(&shared.names, &job.state).await;
            shared
                .released
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(job.state.id);
        }
    }
}

/// The sweep a running or waiting job needs now, if any.
fn sweep(shared: &Shared, job: &Job, now: DateTime<Utc>) -> Option<Submission> {
    let command = match job.status? {
        JobStatus::Running if overdue(job, now) => JobCommand::Expire {
            backoff: shared.backoff(job),
            at: now,
        },
        JobStatus::Scheduled | JobStatus::Retrying if job.run_at.is_none_or(|t| t <= now) => {
            JobCommand::MakeDue { at: now }
        }
        _ => return None,
    };
    Some(job_command(&shared.writer, job, command, "job.sweep"))
}

/// Whether a running job's lease ended, its timeout passed, or its cancel is overdue.
fn overdue(job: &Job, now: DateTime<Utc>) -> bool {
    let lease_ended = job.lease.as_ref().is_some_and(|l| l.expires_at < now);
    let timed_out = job.timeout_seconds > 0
        && job.current_attempt().is_some_and(|a| {
            a.started_at + chrono::Duration::seconds(i64::from(job.timeout_seconds)) <= now
        });
    let cancel_overdue = job
        .cancel_requested_at
        .filter(|_| job.cancel_requested)
        .is_some_and(|t| t + job.heartbeat_timeout() * 2 <= now);
    lease_ended || timed_out || cancel_overdue
}

/// A pool command on `job`, checked against the version the pool looked at.
pub fn job_command(
    writer: &Writer,
    job: &Job,
    command: JobCommand,
    name: &'static str,
) -> Submission {
    command_on(writer, job, command, name, Some(job.version))
}

/// A worker's report on `job`: guarded by the lease in the job, not by a version.
pub fn report_command(
    writer: &Writer,
    job: &Job,
    command: JobCommand,
    name: &'static str,
) -> Submission {
    command_on(writer, job, command, name, None)
}

fn command_on(
    writer: &Writer,
    job: &Job,
    command: JobCommand,
    name: &'static str,
    version: Option<u64>,
) -> Submission {
    Command::<Job>::new(job.id, command, writer.id_beside(&job.id), system(), name)
        .expecting(version)
        .respond(|_, _, _| StoredResponse {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        })
}
