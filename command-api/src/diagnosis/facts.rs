//! The facts the rule engine judges, gathered for one cluster: its pools with their live
//! nodes (droplets in the cluster's partition), health from the newest samples of those
//! nodes (`domain::telemetry::health::evaluate`), per-pool means of cpu/memory/disk over
//! the means window, and its queued and dead jobs among the jobs this instance serves.
//! Reads only; every number comes from the write model or the sample window.

use chrono::{DateTime, Duration, Utc};
use domain::cluster::Cluster;
use domain::diagnosis::{ClusterFacts, NodeFacts, PoolFacts, PoolMeans};
use domain::droplet::Droplet;
use domain::job::{Job, JobStatus};
use domain::telemetry::MetricType;
use domain::telemetry::health;
use uuid::Uuid;

use crate::telemetry::window::SampleWindow;
use crate::writer::Writer;

/// Samples older than this do not count for health (query-api's health window).
pub const HEALTH_WINDOW: Duration = Duration::minutes(5);
/// The window pool means cover (api.md §15's example; within the 15 min sample window).
pub const MEANS_WINDOW: Duration = Duration::minutes(10);

pub fn gather(
    writer: &Writer,
    window: &SampleWindow,
    cluster: &Cluster,
    now: DateTime<Utc>,
) -> ClusterFacts {
    let partition = writer.partition_of(&cluster.id);
    let nodes: Vec<(Uuid, NodeFacts)> = writer
        .observe_partition::<Droplet>(partition, &|d| {
            d.cluster_id() == Some(cluster.id) && d.is_live()
        })
        .into_iter()
        .filter_map(|d| {
            let pool = d.state.node_of?.node_pool_id;
            Some((
                pool,
                NodeFacts {
                    id: d.state.id,
                    name: d.state.name.to_string(),
                },
            ))
        })
        .collect();
    let live = |id: Uuid| nodes.iter().any(|(_, n)| n.id == id);
    let latest: Vec<health::Latest> = window
        .latest(cluster.id, now - HEALTH_WINDOW)
        .into_iter()
        .filter(|l| live(l.node_id))
        .collect();
    let samples = |metric| window.samples(cluster.id, metric, now - MEANS_WINDOW);
    let (cpu, memory, disk) = (
        samples(MetricType::Cpu),
        samples(MetricType::Memory),
        samples(MetricType::Disk),
    );
    let pools = cluster
        .pools
        .iter()
        .map(|pool| {
            let members: Vec<NodeFacts> = nodes
                .iter()
                .filter(|(p, _)| *p == pool.id)
                .map(|(_, n)| n.clone())
                .collect();
            let mean = |samples: &[domain::telemetry::MetricSample]| {
                let values: Vec<f64> = samples
                    .iter()
                    .filter(|s| members.iter().any(|n| n.id == s.node_id))
                    .map(|s| s.value)
                    .collect();
                (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
            };
            PoolFacts {
                id: pool.id,
                name: pool.name.to_string(),
                size_slug: pool.size_slug.clone(),
                count: pool.count,
                auto_scale: pool.auto_scale,
                min_nodes: pool.min_nodes,
                max_nodes: pool.max_nodes,
                means: PoolMeans {
                    cpu: mean(&cpu),
                    memory: mean(&memory),
                    disk: mean(&disk),
                },
                nodes: members,
            }
        })
        .collect();
    let (queued_jobs, dead_jobs) = jobs(writer, cluster.id);
    ClusterFacts {
        cluster_id: cluster.id,
        cluster_name: cluster.name.to_string(),
        region: cluster.region.clone(),
        pools,
        health: health::evaluate(&latest, now, HEALTH_WINDOW),
        health_window: HEALTH_WINDOW,
        means_window: MEANS_WINDOW,
        queued_jobs,
        dead_jobs,
        // The autoscaler is wired separately; its decisions join the facts here.
        autoscaler: None,
    }
}

/// (waiting, dead) jobs about the cluster in the partitions served here (jobs live in
/// their queue's partition, not the cluster's).
fn jobs(writer: &Writer, cluster_id: Uuid) -> (u32, u32) {
    let about =
        writer.observe::<Job>(|j| j.args.as_ref().and_then(|a| a.cluster_id()) == Some(cluster_id));
    let count = |wanted: &[JobStatus]| {
        about
            .iter()
            .filter(|j| j.state.status.is_some_and(|s| wanted.contains(&s)))
            .count() as u32
    };
    (
        count(&[JobStatus::Queued, JobStatus::Scheduled, JobStatus::Retrying]),
        count(&[JobStatus::Dead]),
    )
}
