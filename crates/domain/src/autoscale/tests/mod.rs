//! Tests of the evaluation tick on an injected clock: the worked examples of api.md §13.3
//! (`examples.rs`), each gate and mode (`gates.rs`) and the properties that must hold for
//! any input (`properties.rs`). Test-only; shares the builders below.

mod examples;
mod gates;
mod properties;

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::policy::{MetricKind, Policy, Target};
use super::tick::{
    NodeState, NodeView, Recommendation, Sample, ScaleEvent, ScaleStatus, TickInput,
};

/// The injected clock: second `s` of a fixed morning.
pub fn at(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
        .single()
        .expect("valid time")
        + Duration::seconds(s)
}

/// "Now" in every test: an hour into the morning, so histories fit before it.
pub const NOW: i64 = 3600;

pub fn policy(min: u32, max: u32) -> Policy {
    Policy::new(
        Target {
            cluster_id: Uuid::from_u128(1),
            node_pool_id: Uuid::from_u128(2),
        },
        min,
        max,
    )
}

/// A warm running node whose CPU was `cpu` five seconds ago.
pub fn node(cpu: f64) -> NodeView {
    NodeView {
        state: NodeState::Running,
        ready_at: Some(at(0)),
        samples: vec![Sample {
            metric: MetricKind::CpuUtilization,
            value: cpu,
            at: at(NOW - 5),
        }],
    }
}

/// The same nodes with every sample taken at second `s`.
pub fn sampled_at(mut nodes: Vec<NodeView>, s: i64) -> Vec<NodeView> {
    for sample in nodes.iter_mut().flat_map(|n| n.samples.iter_mut()) {
        sample.at = at(s);
    }
    nodes
}

pub fn nodes(count: usize, cpu: f64) -> Vec<NodeView> {
    vec![node(cpu); count]
}

/// A running node that became ready `seconds_ago` (warm after 60 s by default).
pub fn ready_node(seconds_ago: i64, cpu: f64) -> NodeView {
    NodeView {
        ready_at: Some(at(NOW - seconds_ago)),
        ..node(cpu)
    }
}

pub fn recommendations(counts: &[(i64, u32)]) -> Vec<Recommendation> {
    counts
        .iter()
        .map(|&(s, count)| Recommendation { at: at(s), count })
        .collect()
}

/// A scale from `from` to `to` that started at `start` and ended `status` at `end`.
pub fn scaled(from: u32, to: u32, start: i64, end: i64, status: ScaleStatus) -> ScaleEvent {
    ScaleEvent {
        from,
        to,
        started_at: at(start),
        finished_at: Some(at(end)),
        status,
    }
}

/// A tick at `NOW` with no history, no scale in flight and a $24 node.
pub fn tick<'a>(policy: &'a Policy, nodes: &'a [NodeView]) -> TickInput<'a> {
    TickInput {
        policy,
        pool_count: u32::try_from(nodes.len()).expect("small pool"),
        nodes,
        pool_samples: &[],
        scale_in_flight: false,
        recommendations: &[],
        scale_events: &[],
        now: at(NOW),
        price_monthly_micro: 24_000_000,
    }
}
