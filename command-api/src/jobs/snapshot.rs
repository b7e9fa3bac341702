//! The worker pool as `/observability/workers` shows it: size, busy workers, the leases
//! this instance's workers hold, and the first jobs waiting to be claimed, in the order
//! the pool would claim them. Read from the write model; it never claims or changes a job.

use contract::observability::{WorkerLease, WorkerPool as PoolSnapshot};
use domain::job::Job;

use super::pool::WorkerPool;

/// How many waiting job ids a snapshot lists.
const FIRST_QUEUED: usize = 10;

impl WorkerPool {
    /// This instance's pool right now.
    pub fn snapshot(&self) -> PoolSnapshot {
        let writer = self.writer();
        let now = writer.clock().now();
        let mine = format!("{}-w", writer.writer_id());
        let jobs = writer.observe::<Job>(|j| j.occupies_queue());
        let leases = jobs
            .iter()
            .filter_map(|o| {
                let lease = o.state.lease.as_ref()?;
                lease.worker_id.starts_with(&mine).then(|| WorkerLease {
                    job_id: o.state.id.to_string(),
                    queue: o.state.queue.clone(),
                    lease_until: lease.expires_at.to_rfc3339(),
                })
            })
            .collect();
        let mut waiting: Vec<&Job> = jobs
            .iter()
            .map(|o| &o.state)
            .filter(|j| j.is_claimable(now))
            .collect();
        waiting.sort_by_key(|j| (j.priority, j.run_at, j.created_at, j.id));
        PoolSnapshot {
            instance: writer.writer_id().to_owned(),
            size: u32::try_from(self.size()).unwrap_or(u32::MAX),
            busy: u32::try_from(self.busy()).unwrap_or(u32::MAX),
            queue_capacity: u32::try_from(self.queue_capacity()).unwrap_or(u32::MAX),
            leases,
            first_queued: waiting
                .iter()
                .take(FIRST_QUEUED)
                .map(|j| j.id.to_string())
                .collect(),
            published_at: chrono::Utc::now().to_rfc3339(),
        }
    }
}
