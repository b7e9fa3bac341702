//! The droplet reconciler (architecture.md §5): level-triggered over the droplets of the
//! partitions this instance serves. A droplet `new` for longer than the simulated
//! provisioning time becomes `active` with an address (or `error`, at the configured
//! failure rate, drawn from a seeded RNG); one `deleting` long enough becomes `deleted`;
//! one deleted past its purge time is purged; names and provider slots it gave up are
//! released (release, then a droplet event recording it: a crash between the two only
//! repeats an idempotent release). It acts only through ordinary commands, so a restart
//! never acts twice.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::catalog;
use domain::droplet::{Droplet, DropletCommand, DropletStatus};
use domain::record::StoredResponse;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::addresses::AddressBook;
use super::submit_all;
use crate::config::ProvisionerSettings;
use crate::names::{Names, system};
use crate::providers::Providers;
use crate::writer::{Command, Observed, Submission, Writer};

pub struct DropletReconciler {
    writer: Writer,
    names: Names,
    providers: Providers,
    settings: ProvisionerSettings,
    rng: StdRng,
    /// Address books per partition, with the assignment generation they were built for.
    books: HashMap<i32, (u64, AddressBook)>,
}

impl DropletReconciler {
    pub fn new(
        writer: Writer,
        names: Names,
        providers: Providers,
        settings: ProvisionerSettings,
    ) -> Self {
        let rng = StdRng::seed_from_u64(settings.seed);
        Self {
            writer,
            names,
            providers,
            settings,
            rng,
            books: HashMap::new(),
        }
    }

    pub async fn run(mut self, mut shutdown: platform::shutdown::Shutdown) {
        let tick = std::time::Duration::from_millis(self.settings.tick_ms.max(10));
        let mut ticks = tokio::time::interval(tick);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.wait() => return,
                _ = ticks.tick() => { self.pass().await; }
            }
        }
    }

    /// One pass over the write model; returns how many commands were issued.
    pub async fn pass(&mut self) -> usize {
        let now = self.writer.clock().now();
        // An unsettled droplet is exactly one with work left: provisioning, deletion or
        // purge to do, or a name or a provider slot to give back (`Droplet::unsettled`).
        let observed = self.writer.observe_unsettled::<Droplet>(|_| true);
        let mut due = Vec::new();
        let mut releases = Vec::new();
        let mut slots = Vec::new();
        for o in observed.iter().filter(|o| !o.pending) {
            due.extend(self.next_command(o, now));
            for name in &o.state.names_to_release {
                releases.push((o.state.clone(), name.clone()));
            }
            for provider in &o.state.providers_to_release {
                slots.push((o.state.clone(), provider.clone()));
            }
        }
        let issued = due.len() + releases.len() + slots.len();
        submit_all(&self.writer, due).await;
        self.release_names(releases).await;
        self.release_slots(slots).await;
        issued
    }

    fn next_command(
        &mut self,
        observed: &Observed<Droplet>,
        now: DateTime<Utc>,
    ) -> Option<Submission> {
        let droplet = &observed.state;
        let elapsed_ms = (now - droplet.updated_at?).num_milliseconds();
        let (command, name) = match droplet.status? {
            DropletStatus::New if elapsed_ms >= self.settings.provisioning_delay_ms as i64 => (
                self.provision(observed.partition, droplet, now),
                "droplet.provisioned",
            ),
            DropletStatus::Deleting if elapsed_ms >= self.settings.deletion_delay_ms as i64 => (
                DropletCommand::CompleteDeletion { at: now },
                "droplet.deleted",
            ),
            DropletStatus::Deleted if droplet.purge_time.is_some_and(|t| now >= t) => {
                (DropletCommand::Purge { at: now }, "droplet.purged")
            }
            _ => return None,
        };
        Some(system_command(&self.writer, droplet, command, name))
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
        let region_index = catalog::find_region(&droplet.region).map_or(0, |r| r.index);
        match self.book(partition).allocate(region_index) {
            Some(ipv4) => DropletCommand::MarkProvisioned { ipv4, at: now },
            None => DropletCommand::MarkProvisioningFailed {
                reason: "address pool exhausted".into(),
                at: now,
            },
        }
    }

    /// The partition's address book, rebuilt from its droplets after a (re)assignment.
    fn book(&mut self, partition: i32) -> &mut AddressBook {
        let generation = self.writer.generation(partition);
        let fresh = self
            .books
            .get(&partition)
            .is_none_or(|(g, _)| *g != generation);
        if fresh {
            let mut book = AddressBook::new(partition);
            for o in self
                .writer
                .observe_partition::<Droplet>(partition, &|d: &Droplet| d.ipv4.is_some())
            {
                book.observe(o.state.ipv4.unwrap_or(std::net::Ipv4Addr::UNSPECIFIED));
            }
            self.books.insert(partition, (generation, book));
        }
        &mut self.books.get_mut(&partition).expect("just inserted").1
    }

    /// Releases each name a droplet gave up, then records that it did.
    async fn release_names(&self, releases: Vec<(Droplet, domain::name::ResourceName)>) {
        let now = self.writer.clock().now();
        let work = releases.into_iter().map(|(droplet, name)| async move {
            self.names
                .release(&droplet.owner, "droplet", &name, droplet.id)
                .await?;
            let command = DropletCommand::MarkNameReleased { name, at: now };
            self.writer
                .submit(system_command(
                    &self.writer,
                    &droplet,
                    command,
                    "droplet.name_released",
                ))
                .await
        });
        for error in futures::future::join_all(work)
            .await
            .into_iter()
            .filter_map(Result::err)
        {
            tracing::debug!(%error, "releasing a droplet's name failed; will retry next pass");
        }
    }
}

impl DropletReconciler {
    /// Releases each provider slot a droplet gave up, then records that it did.
    async fn release_slots(&self, slots: Vec<(Droplet, String)>) {
        let now = self.writer.clock().now();
        let work = slots.into_iter().map(|(droplet, provider)| async move {
            self.providers.release(&provider, droplet.id).await?;
            let command = DropletCommand::MarkCapacityReleased { provider, at: now };
            self.writer
                .submit(system_command(
                    &self.writer,
                    &droplet,
                    command,
                    "droplet.capacity_released",
                ))
                .await
        });
        for error in futures::future::join_all(work)
            .await
            .into_iter()
            .filter_map(Result::err)
        {
            tracing::debug!(%error, "releasing a droplet's provider slot failed; will retry next pass");
        }
    }
}

/// A reconciler's command on `droplet`, checked against the version it looked at.
pub fn system_command(
    writer: &Writer,
    droplet: &Droplet,
    command: DropletCommand,
    name: &'static str,
) -> Submission {
    Command::<Droplet>::new(
        droplet.id,
        command,
        writer.id_beside(&droplet.id),
        system(),
        name,
    )
    .expecting(Some(droplet.version))
    .respond(|_, _, _| StoredResponse {
        status: 204,
        headers: Vec::new(),
        body: Vec::new(),
    })
}
