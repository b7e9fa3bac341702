//! Node telemetry on the command side (features.md §2.6): samples are telemetry, not
//! commands, so they bypass the writer and go to their own topic `<prefix>metrics.samples`
//! through one publisher (`publish.rs`), fed by the simulator reconciler (`simulator.rs`,
//! pure series in `series.rs`) and by `POST /clusters/{id}/metrics`
//! (`routes/metrics.rs`). The reconcilers that judge load read recent samples from the
//! in-memory `window.rs`, fed from the same topic by `window_reader.rs`. Never appends to
//! `cluster-events`, never reads a read model.

pub mod publish;
pub mod series;
pub mod simulator;
pub mod window;
pub mod window_reader;

use domain::telemetry::load::{Demand, Profile};
use serde::Deserialize;

/// `[node_metrics]` of command-api's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct TelemetrySettings {
    /// Run the simulator (one sample per node and type every interval).
    pub enabled: bool,
    pub interval_seconds: u64,
    /// Seed of the simulator's RNG; with the node id and tick it fixes every reading.
    pub seed: u64,
    /// The demand of every cluster that has none set with `PUT /clusters/{id}/demand`.
    pub demand_level: u8,
    /// `calm`, `spike`, `leak` or `flapping`.
    pub demand_profile: String,
    /// The largest batch `POST /clusters/{id}/metrics` takes.
    pub max_batch: usize,
    /// How far in the future a pushed sample's `at` may be.
    pub clock_skew_seconds: i64,
    /// How far back the in-memory sample window reaches (autoscaler, diagnosis).
    pub window_seconds: i64,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self {
            enabled: true,
            interval_seconds: 10,
            seed: 42,
            demand_level: Demand::default().level,
            demand_profile: Profile::Calm.as_str().to_owned(),
            max_batch: 500,
            clock_skew_seconds: 30,
            window_seconds: 900,
        }
    }
}

impl TelemetrySettings {
    /// The configured demand; an unknown profile name is refused at start.
    pub fn demand(&self) -> anyhow::Result<Demand> {
        let profile = Profile::parse(&self.demand_profile).ok_or_else(|| {
            anyhow::anyhow!("node_metrics.demand_profile must be calm, spike, leak or flapping")
        })?;
        anyhow::ensure!(
            self.demand_level <= 100,
            "node_metrics.demand_level must be 0..=100"
        );
        Ok(Demand {
            level: self.demand_level,
            profile,
        })
    }
}

/// The live nodes of `cluster_id` (its droplets live in its partition): what the
/// simulator samples and what a pushed sample may name.
pub fn live_nodes(
    writer: &crate::writer::Writer,
    partition: i32,
    cluster_id: uuid::Uuid,
) -> Vec<uuid::Uuid> {
    writer
        .observe_partition::<domain::droplet::Droplet>(partition, &|d| {
            d.cluster_id() == Some(cluster_id) && d.is_live()
        })
        .into_iter()
        .map(|d| d.state.id)
        .collect()
}
