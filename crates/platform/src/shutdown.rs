//! Graceful shutdown: one `Shutdown` handle per task, all woken by the same signal (Ctrl-C,
//! SIGTERM, or a test dropping its trigger). Tasks must reach a safe point (a committed
//! transaction, a finished reply) before they return.

use tokio::sync::watch;

/// Fires the shutdown of every `Shutdown` cloned from it.
#[derive(Debug, Clone)]
pub struct Trigger(watch::Sender<bool>);

/// Resolves once shutdown has been requested.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

pub fn channel() -> (Trigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (Trigger(tx), Shutdown(rx))
}

impl Trigger {
    pub fn fire(&self) {
        let _ = self.0.send(true);
    }
}

impl Shutdown {
    pub fn is_requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until shutdown is requested or the trigger is gone.
    pub async fn wait(&mut self) {
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

/// Fires `trigger` on Ctrl-C or SIGTERM.
pub fn fire_on_signals(trigger: Trigger) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler can be installed");
        #[cfg(unix)]
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutdown requested");
        trigger.fire();
    });
}
