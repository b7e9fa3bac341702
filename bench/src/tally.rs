//! What virtual users bring back from a run, shared by the closed and the open loop: their
//! recorders and the ids of the droplets they created (each handed to freshness tracking
//! when that runs). It records nothing on its own: each loop decides what a latency is.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use hyper::StatusCode;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::client::Call;
use crate::fresh::Freshness;
use crate::scenario::User;
use crate::stats::Recorder;

#[derive(Default)]
pub struct Tally {
    pub recorder: Recorder,
    pub created: Vec<Uuid>,
}

impl Tally {
    /// Lets `user` see an answer; a droplet it created is kept (and tracked for freshness).
    pub fn answered(
        &mut self,
        user: &mut User,
        call: &Call,
        (status, body): (StatusCode, &Bytes),
        fresh: Option<&Arc<Freshness>>,
    ) {
        if let Some(id) = user.observe(call, status, body) {
            self.created.push(id);
            if let Some(fresh) = fresh {
                fresh.accepted(id, Instant::now());
            }
        }
    }

    /// Waits for every user and merges what they brought back.
    pub async fn gather(users: Vec<JoinHandle<Tally>>) -> Tally {
        let mut all = Tally::default();
        for user in users {
            if let Ok(tally) = user.await {
                all.recorder.merge(&tally.recorder);
                all.created.extend(tally.created);
            }
        }
        all
    }
}
