//! The telemetry simulator (architecture.md §5): a reconciler that, once per tick of the
//! injected clock, reads the running clusters of the partitions this instance serves and
//! their live nodes (same partition) through the writer's typed reads, and publishes four
//! samples per node (`series.rs`) through the one publisher, under each cluster's demand
//! (`PUT /clusters/{id}/demand`, else `[node_metrics]`'s default). It issues no command and
//! keeps only the last tick it published per cluster; a tick published twice (a restart,
//! a retry) dedupes by sample id.

use std::collections::HashMap;
use std::time::Duration;

use domain::cluster::{Cluster, ClusterStatus};
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
    /// The demand of a cluster that has none set through the API.
    default_demand: Demand,
    /// The last tick published per cluster: a cluster that starts running mid-tick gets
    /// that tick too, and no cluster gets a tick twice from one process.
    published: HashMap<Uuid, u64>,
}

impl Simulator {
    pub fn new(
        writer: Writer,
        publisher: SamplePublisher,
        settings: TelemetrySettings,
    ) -> anyhow::Result<Self> {
        let default_demand = settings.demand()?;
        Ok(Self {
            writer,
            publisher,
            settings,
            default_demand,
            published: HashMap::new(),
        })
    }

    /// Looks every second (cheap: nothing is due between ticks), publishes each running
    /// cluster once a tick.
    pub async fn run(mut self, mut shutdown: Shutdown) {
        let mut ticks = tokio::time::interval(Duration::from_secs(1));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.wait() => return,
                _ = ticks.tick() => self.pass().await,
            }
        }
    }

    async fn pass(&mut self) {
        let tick = tick_of(self.writer.clock().now(), self.settings.interval_seconds);
        let running = self.running();
        self.published.retain(|id, _| running.contains_key(id));
        // Nodes are looked up only for the clusters due this tick (once per interval).
        let due: Vec<(Uuid, Demand, Vec<Uuid>)> = running
            .into_iter()
            .filter(|(id, _)| self.published.get(id) != Some(&tick))
            .map(|(id, (partition, demand))| {
                (id, demand, super::live_nodes(&self.writer, partition, id))
            })
            .collect();
        if due.is_empty() {
            return;
        }
        let samples: Vec<MetricSample> = due
            .iter()
            .flat_map(|(id, demand, nodes)| self.samples(*id, *demand, nodes, tick))
            .collect();
        match self.publisher.publish(&samples).await {
            Ok(()) => self
                .published
                .extend(due.into_iter().map(|(id, _, _)| (id, tick))),
            Err(error) => {
                tracing::warn!(%error, tick, "simulated samples not published; retrying");
            }
        }
    }

    /// The running clusters served here, each with its partition and its demand: the one
    /// set through the API (read fresh every pass, so a `PUT` shows from the next tick),
    /// else the configured default.
    fn running(&self) -> HashMap<Uuid, (i32, Demand)> {
        self.writer
            .observe::<Cluster>(|c| {
                c.exists()
                    && matches!(
                        c.status,
                        Some(ClusterStatus::Running | ClusterStatus::Degraded)
                    )
            })
            .into_iter()
            .map(|cluster| {
                let demand = cluster.state.demand.unwrap_or(self.default_demand);
                (cluster.state.id, (cluster.partition, demand))
            })
            .collect()
    }

    /// Every sample of one cluster at `tick`.
    fn samples(
        &self,
        cluster_id: Uuid,
        demand: Demand,
        nodes: &[Uuid],
        tick: u64,
    ) -> Vec<MetricSample> {
        let count = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        nodes
            .iter()
            .flat_map(|node_id| {
                node_samples(
                    self.settings.seed,
                    cluster_id,
                    *node_id,
                    count,
                    demand,
                    tick,
                    self.settings.interval_seconds,
                )
            })
            .collect()
    }
}
