//! Supervised background tasks: a service's log reader, reconcilers and pollers run under
//! one `Supervisor`. A task that ends before shutdown was asked for — with an error, a
//! panic or even `Ok` — turns `/readyz` red under its name and makes `run` return an
//! error, so the process exits non-zero instead of serving into timeouts. It never
//! restarts a task itself: the process supervisor (systemd, Kubernetes, `make dev`) does.

use std::future::Future;
use std::time::Duration;

use anyhow::anyhow;
use tokio::task::JoinSet;

use crate::health::Readiness;
use crate::shutdown::{self, Shutdown, Trigger};

/// How long tasks get to reach a safe point after shutdown before they are aborted.
const GRACE: Duration = Duration::from_secs(10);

pub struct Supervisor {
    tasks: JoinSet<(&'static str, anyhow::Result<()>)>,
    readiness: Readiness,
    /// Fired on external shutdown and when a task fails, so the others stop too.
    stop: Trigger,
    stopping: Shutdown,
}

impl Supervisor {
    pub fn new(readiness: Readiness) -> Self {
        let (stop, stopping) = shutdown::channel();
        Self {
            tasks: JoinSet::new(),
            readiness,
            stop,
            stopping,
        }
    }

    /// The signal supervised tasks watch: fired on shutdown and when a sibling fails.
    pub fn shutdown(&self) -> Shutdown {
        self.stopping.clone()
    }

    /// Runs `task` under supervision. It should watch [`Supervisor::shutdown`] and
    /// return `Ok` once it has reached a safe point.
    pub fn spawn<F>(&mut self, name: &'static str, task: F)
    where
        F: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        self.tasks.spawn(async move { (name, task.await) });
    }

    /// Waits for shutdown or for the first task to end. Returns `Ok` after an orderly
    /// shutdown, or the failure of the task that ended first.
    pub async fn run(mut self, mut shutdown: Shutdown) -> anyhow::Result<()> {
        if self.tasks.is_empty() {
            shutdown.wait().await;
            return Ok(());
        }
        let failure = tokio::select! {
            () = shutdown.wait() => None,
            ended = self.tasks.join_next() => ended.map(|joined| self.failure(joined)),
        };
        self.stop.fire();
        self.drain().await;
        match failure {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn failure(
        &self,
        joined: Result<(&'static str, anyhow::Result<()>), tokio::task::JoinError>,
    ) -> anyhow::Error {
        let (name, error) = match joined {
            Ok((name, Ok(()))) => (name, anyhow!("task {name} ended unexpectedly")),
            Ok((name, Err(error))) => (name, error.context(format!("task {name} failed"))),
            Err(join) => ("task", anyhow!("a supervised task panicked: {join}")),
        };
        tracing::error!(
            task = name,
            error = format!("{error:#}"),
            "supervised task ended; the service stops"
        );
        self.readiness.down(name, format!("{error:#}"));
        error
    }

    /// Gives the remaining tasks the grace period, then aborts them.
    async fn drain(&mut self) {
        let all_done = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(GRACE, all_done).await.is_err() {
            tracing::warn!("tasks did not stop within the grace period; aborting them");
            self.tasks.abort_all();
            while self.tasks.join_next().await.is_some() {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failing_task_turns_readiness_red_and_stops_the_service() {
        let readiness = Readiness::default();
        let (_trigger, shutdown) = crate::shutdown::channel();
        let mut supervisor = Supervisor::new(readiness.clone());
        let mut idle = supervisor.shutdown();
        supervisor.spawn("reader", async { Err(anyhow!("the broker went away")) });
        supervisor.spawn("reconciler", async move {
            idle.wait().await;
            Ok(())
        });
        let outcome = supervisor.run(shutdown).await;
        assert!(format!("{:#}", outcome.expect_err("the reader failed")).contains("broker"));
        assert!(!readiness.snapshot()["reader"].up);
    }

    #[tokio::test]
    async fn shutdown_ends_every_task_in_order() {
        let (trigger, shutdown) = crate::shutdown::channel();
        let mut supervisor = Supervisor::new(Readiness::default());
        let mut waiting = supervisor.shutdown();
        supervisor.spawn("loop", async move {
            waiting.wait().await;
            Ok(())
        });
        trigger.fire();
        supervisor.run(shutdown).await.expect("orderly shutdown");
    }
}
