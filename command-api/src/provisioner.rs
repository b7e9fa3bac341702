//! The provisioner reconciler (architecture.md §5): level-triggered over the write model
//! of the partitions this instance serves. A droplet `new` for longer than the simulated
//! provisioning time becomes `active` with an address (or `error`, at the configured
//! failure rate, drawn from a seeded RNG); a droplet `deleting` long enough becomes
//! `deleted`. It acts only through ordinary commands, so a restart never acts twice.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::catalog;
use domain::droplet::{Droplet, DropletCommand, DropletStatus};
use platform::auth::{Principal, Role};
use platform::shutdown::Shutdown;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::ProvisionerSettings;
use crate::writer::{Observed, StoredResponse, Submission, Writer};

pub struct Provisioner {
    writer: Writer,
    settings: ProvisionerSettings,
    rng: StdRng,
}

impl Provisioner {
    pub fn new(writer: Writer, settings: ProvisionerSettings) -> Self {
        let rng = StdRng::seed_from_u64(settings.seed);
        Self {
            writer,
            settings,
            rng,
        }
    }

    pub async fn run(mut self, mut shutdown: Shutdown) {
        let mut tick = tokio::time::interval(Duration::from_millis(self.settings.tick_ms.max(10)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.wait() => return,
                _ = tick.tick() => { self.reconcile_once().await; }
            }
        }
    }

    /// One pass over the write model; returns how many commands were issued.
    pub async fn reconcile_once(&mut self) -> usize {
        let now = self.writer.clock().now();
        let due: Vec<Submission> = self
            .writer
            // Only locked droplets (`new`, `deleting`) have simulated work outstanding.
            .observe_droplets(|d| d.locked())
            .into_iter()
            .filter(|o| !o.pending)
            .filter_map(|o| self.next_command(&o, now))
            .map(|(droplet, command, name)| system_submission(&droplet, command, name))
            .collect();
        let issued = due.len();
        let results =
            futures::future::join_all(due.into_iter().map(|s| self.writer.submit(s))).await;
        for error in results.into_iter().filter_map(Result::err) {
            tracing::debug!(%error, "reconciler command not accepted; will look again next tick");
        }
        issued
    }

    fn next_command(
        &mut self,
        observed: &Observed,
        now: DateTime<Utc>,
    ) -> Option<(Droplet, DropletCommand, &'static str)> {
        let droplet = &observed.droplet;
        let since = droplet.updated_at?;
        let elapsed_ms = (now - since).num_milliseconds();
        match droplet.status? {
            DropletStatus::New if elapsed_ms >= self.settings.provisioning_delay_ms as i64 => {
                let command = self.provision(observed.partition, droplet, now);
                Some((droplet.clone(), command, "droplet.provisioned"))
            }
            DropletStatus::Deleting if elapsed_ms >= self.settings.deletion_delay_ms as i64 => {
                Some((
                    droplet.clone(),
                    DropletCommand::CompleteDeletion { at: now },
                    "droplet.deleted",
                ))
            }
            _ => None,
        }
    }

    fn provision(
        &mut self,
        partition: i32,
        droplet: &Droplet,
        now: DateTime<Utc>,
    ) -> DropletCommand {
        if self
            .rng
            .random_bool(self.settings.failure_rate.clamp(0.0, 1.0))
        {
            return DropletCommand::MarkProvisioningFailed {
                reason: "simulated provisioning failure".into(),
                at: now,
            };
        }
        let region_index = catalog::region(&droplet.region).map_or(0, |r| r.index);
        match self.writer.allocate_address(partition, region_index) {
            Some(ipv4) => DropletCommand::MarkProvisioned { ipv4, at: now },
            None => DropletCommand::MarkProvisioningFailed {
                reason: "address pool exhausted".into(),
                at: now,
            },
        }
    }
}

fn system_submission(droplet: &Droplet, command: DropletCommand, name: &'static str) -> Submission {
    Submission {
        aggregate_id: droplet.id,
        command,
        principal: Principal {
            id: "system:provisioner".into(),
            role: Role::Admin,
        },
        command_name: name,
        expected_version: Some(droplet.version),
        idempotency: None,
        respond: Box::new(|_, _| StoredResponse {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        }),
        correlation_id: None,
        traceparent: None,
    }
}
