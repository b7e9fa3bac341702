//! What one autoscaler tick reads (api.md §13.2 step 1), gathered from this instance's
//! write model and `SampleWindow`, shared by the reconciler and the `:evaluate` dry run so
//! both see the same inputs; and the policy id of a pool. Must never decide or act: it
//! only reads (the tick is `domain::autoscale::evaluate`).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use domain::autoscale::AutoscalingPolicy;
use domain::autoscale::tick::{NodeState, NodeView, Sample};
use domain::autoscale::{MetricKind, Policy};
use domain::cluster::{Cluster, NodePool, OperationScope};
use domain::droplet::{Droplet, DropletStatus};
use domain::job::{Job, JobStatus};
use domain::telemetry::MetricType;
use uuid::Uuid;

use crate::telemetry::window::SampleWindow;
use crate::writer::Writer;

/// Names the ids of autoscaling policies (UUIDv5 of the pool, see [`policy_id`]).
const NAMESPACE: Uuid = Uuid::from_u128(0x6a1d_1c0e_5e6f_4d7a_9f1b_a5c0_11ce_0001);

/// The policy id of pool `pool_id` of cluster `cluster_id`: the first UUIDv5 of
/// `"<pool_id>/<n>"` that falls in the cluster's partition. Deterministic (the partition
/// count never changes), so one pool has one policy id — a second create meets the
/// first policy (`409 ALREADY_EXISTS`) — and the policy lives beside its cluster, its
/// nodes and their state, which one writer then decides on together.
pub fn policy_id(writer: &Writer, cluster_id: Uuid, pool_id: Uuid) -> Uuid {
    let partition = writer.partition_of(&cluster_id);
    (0u32..)
        .map(|n| Uuid::new_v5(&NAMESPACE, format!("{pool_id}/{n}").as_bytes()))
        .find(|id| writer.partition_of(id) == partition)
        .expect("some n lands in every partition")
}

/// Metric values to use instead of samples (`:evaluate` with supplied metrics).
pub type Supplied = BTreeMap<String, f64>;

/// The owned inputs of one tick; `TickInput` borrows from it.
pub struct Gathered {
    pub pool_count: u32,
    pub nodes: Vec<NodeView>,
    pub pool_samples: Vec<Sample>,
    pub scale_in_flight: bool,
    pub price_monthly_micro: u64,
}

/// A node droplet as the autoscaler sees it; `None` for one that is gone.
fn node_state(node: &Droplet) -> Option<NodeState> {
    if node.draining {
        return Some(NodeState::Draining);
    }
    match node.status? {
        DropletStatus::New => Some(NodeState::Provisioning),
        DropletStatus::Active => Some(NodeState::Running),
        DropletStatus::Deleting => Some(NodeState::Deleting),
        DropletStatus::Off | DropletStatus::Error => Some(NodeState::Draining),
        DropletStatus::Deleted | DropletStatus::Purged => None,
    }
}

/// A sample's value in the policy's unit: utilizations are fractions, samples percent.
fn policy_sample(metric: MetricType, value: f64, at: DateTime<Utc>) -> Option<Sample> {
    let kind = match metric {
        MetricType::Cpu => MetricKind::CpuUtilization,
        MetricType::Memory => MetricKind::MemoryUtilization,
        MetricType::Disk | MetricType::Network => return None,
    };
    Some(Sample {
        metric: kind,
        value: value / 100.0,
        at,
    })
}

/// Gathers the tick's inputs for `policy` from what this instance holds now.
pub fn gather(
    writer: &Writer,
    window: &SampleWindow,
    state: &AutoscalingPolicy,
    cluster: &Cluster,
    pool: &NodePool,
    supplied: Option<&Supplied>,
    now: DateTime<Utc>,
) -> Gathered {
    let policy = state.policy.as_ref().expect("a live policy");
    let partition = writer.partition_of(&cluster.id);
    let droplets = writer.observe_partition::<Droplet>(partition, &|d: &Droplet| {
        d.node_of
            .is_some_and(|n| n.cluster_id == cluster.id && n.node_pool_id == pool.id)
    });
    let since = now - Duration::seconds(i64::from(policy.evaluation_interval_seconds) * 2);
    let latest = window.latest(cluster.id, since);
    let nodes = droplets
        .iter()
        .filter_map(|d| {
            let node = &d.state;
            let state = node_state(node)?;
            let samples = match supplied {
                Some(values) => supplied_samples(values, now),
                None => latest
                    .iter()
                    .filter(|l| l.node_id == node.id)
                    .filter_map(|l| policy_sample(l.metric, l.value, l.sampled_at))
                    .collect(),
            };
            Some(NodeView {
                state,
                ready_at: node.provisioned_at,
                samples,
            })
        })
        .collect();
    let scale_in_flight = state.scale_in_flight()
        || (cluster.pending_scope == Some(OperationScope::Pool(pool.id))
            && cluster
                .pending_operation
                .as_ref()
                .is_some_and(|p| p.op_type == "node_pool.scale"));
    Gathered {
        pool_count: pool.count,
        nodes,
        pool_samples: backlog(writer, policy, cluster.id, supplied, now),
        scale_in_flight,
        // The price in effect now: the cost limit buys nodes at what they bill today.
        price_monthly_micro: domain::billing::prices::monthly_price_at(&pool.size_slug, now, None)
            .unwrap_or(0),
    }
}

fn supplied_samples(values: &Supplied, now: DateTime<Utc>) -> Vec<Sample> {
    values
        .iter()
        .map(|(name, value)| Sample {
            metric: MetricKind::from_name(name),
            value: *value,
            at: now,
        })
        .collect()
}

/// `jobs_backlog_per_node`'s input: the cluster's queued jobs this instance can see (the
/// jobs of queues served elsewhere are not counted), as one pool-wide sample.
fn backlog(
    writer: &Writer,
    policy: &Policy,
    cluster_id: Uuid,
    supplied: Option<&Supplied>,
    now: DateTime<Utc>,
) -> Vec<Sample> {
    let kind = MetricKind::JobsBacklogPerNode;
    if !policy.metrics.iter().any(|m| m.kind == kind) {
        return Vec::new();
    }
    let value = match supplied.and_then(|s| s.get(kind.name())) {
        Some(value) => *value,
        None => writer
            .observe::<Job>(|j: &Job| {
                j.cluster_id() == Some(cluster_id)
                    && matches!(j.status, Some(JobStatus::Queued | JobStatus::Scheduled))
            })
            .len() as f64,
    };
    vec![Sample {
        metric: kind,
        value,
        at: now,
    }]
}
