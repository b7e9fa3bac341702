//! The reconcilers (architecture.md §5): level-triggered loops over the write model of
//! the partitions this instance serves, each issuing ordinary commands through the same
//! write path as the API. Because they act on state, not on replayed events, a restart
//! never acts twice and work left in flight resumes by itself.
//!
//! - `droplets`: provisioning, deletion, purge, and releasing names droplets gave up;
//! - `node_pools`: drives each pool's node droplets toward its count, drains and
//!   removes nodes, derives the cluster's status, and releases cluster names;
//! - `autoscaler` (+ `autoscale_input`, shared with `:evaluate`): the node-pool
//!   autoscaler's ticks, acting through the cluster's `AutoscalePool` command;
//! - `reservations`: settles name reservations whose holder never confirmed them.

pub mod addresses;
pub mod autoscale_input;
pub mod autoscaler;
pub mod droplets;
pub mod node_pools;
pub mod reservations;

use std::future::Future;
use std::time::Duration;

use platform::shutdown::Shutdown;

/// Calls `pass` every `tick` until shutdown. A pass that is slow delays the next one
/// rather than overlapping it.
pub async fn every<F, Fut>(tick: Duration, mut shutdown: Shutdown, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut ticks = tokio::time::interval(tick.max(Duration::from_millis(10)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.wait() => return,
            _ = ticks.tick() => pass().await,
        }
    }
}

/// Submits every command of one pass concurrently; refusals are expected (another
/// pass or a user got there first) and only logged.
pub async fn submit_all(
    writer: &crate::writer::Writer,
    submissions: Vec<crate::writer::Submission>,
) {
    let results =
        futures::future::join_all(submissions.into_iter().map(|s| writer.submit(s))).await;
    for error in results.into_iter().filter_map(Result::err) {
        tracing::debug!(%error, "reconciler command not accepted; will look again next pass");
    }
}
