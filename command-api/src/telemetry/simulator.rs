//! The telemetry simulator (architecture.md §5): a reconciler that, once per tick of the
//! injected clock, reads the running clusters of the partitions this instance serves and
//! their live nodes (same partition) through the writer's typed reads, and publishes four
//! samples per node (`series.rs`) through the one publisher. It issues no command and
//! keeps only the last tick it published; a tick published twice dedupes by sample id.

use std::collections::HashMap;
use std::time::Duration;

use domain::cluster::{Cluster, ClusterStatus};
use domain::droplet::Droplet;
use domain::telemetry::MetricSample;
use domain::telemetry::load::Demand;
use platform::shutdown::Shutdown;
use uuid::Uuid;

use super::TelemetrySettings;
use super::publish::SamplePublisher;
use super::series::{node_samples, tick_of};
use crate::writer::Writer;

pub struct Simulator {
    writer: Writer,
    publisher: SamplePublisher,
    settings: TelemetrySettings,
    demand: Demand,
    last_tick: Option<u64>,
}

impl Simulator {
    pub fn new(
        writer: Writer,
        publisher: SamplePublisher,
        settings: TelemetrySettings,
    ) -> anyhow::Result<Self> {
        let demand = settings.demand()?;
        Ok(Self {
            writer,
            publisher,
            settings,
            demand,
            last_tick: None,
        })
    }

    /// Looks every second (cheap: nothing happens between ticks), publishes once a tick.
    pub async fn run(mut self, mut shutdown: Shutdown) {
        let look = Duration::from_secs(1);
        let mut ticks = tokio::time::interval(look);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.wait() => return,
                _ = ticks.tick() => self.pass().await,
            }
        }
    }

    async fn pass(&mut self) {
        let interval = self.settings.interval_seconds;
        let tick = tick_of(self.writer.clock().now(), interval);
        if self.last_tick == Some(tick) {
            return;
        }
        let samples = self.samples(tick);
        match self.publisher.publish(&samples).await {
            Ok(()) => self.last_tick = Some(tick),
            Err(error) => tracing::warn!(%error, tick, "simulated samples not published; retrying"),
        }
    }

    /// Every sample of `tick` for the running clusters served here.
    pub fn samples(&self, tick: u64) -> Vec<MetricSample> {
        let clusters = self.writer.observe::<Cluster>(|c| {
            c.exists()
                && matches!(
                    c.status,
                    Some(ClusterStatus::Running | ClusterStatus::Degraded)
                )
        });
        let mut nodes: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for cluster in &clusters {
            let id = cluster.state.id;
            let of_cluster = self
                .writer
                .observe_partition::<Droplet>(cluster.partition, &|d| {
                    d.cluster_id() == Some(id) && d.is_live()
                });
            nodes.insert(id, of_cluster.into_iter().map(|d| d.state.id).collect());
        }
        nodes
            .into_iter()
            .flat_map(|(cluster_id, node_ids)| {
                let count = u32::try_from(node_ids.len()).unwrap_or(u32::MAX);
                node_ids.into_iter().flat_map(move |node_id| {
                    node_samples(
                        self.settings.seed,
                        cluster_id,
                        node_id,
                        count,
                        self.demand,
                        tick,
                        self.settings.interval_seconds,
                    )
                })
            })
            .collect()
    }
}
