//! The rule engine: `diagnose(facts)` runs every rule over one cluster's facts and returns
//! its insights, worst severity first and, within a severity, in rule order then pool name
//! order, so the same facts always give the same list. Thresholds of the utilisation rules
//! are the health thresholds (`telemetry::health::threshold`), never restated here.
//!
//! Rules (features.md §2.5 baseline, then extensions):
//! `no_nodes`, `single_node`, `few_nodes`, `health_critical`, `health_warning`,
//! `pool_cpu_saturation`, `pool_memory_pressure`, `pool_disk_pressure`, `configuration_ok`;
//! `pool_telemetry_missing` (a pool with nodes but no sample in the window: every load rule
//! is blind there, so say so instead of staying silent), `dead_jobs` (dead-lettered jobs
//! about the cluster need a human), `jobs_backlog` (queued jobs per node above a limit).

use chrono::Duration;

use super::facts::{ClusterFacts, PoolFacts};
use super::{Change, Evidence, Insight, ObjectRef, Recommendation, Severity};
use crate::catalog::{self, Size};
use crate::telemetry::MetricType;
use crate::telemetry::health::{self, Severity as Health};

/// Fewer live nodes than this is no redundancy (one failure takes everything down).
const REDUNDANT_NODES: usize = 2;
/// Below this many nodes, a suggestion to grow (the original's rule).
const COMFORTABLE_NODES: usize = 5;
/// Queued jobs per live node above which the backlog is worth a suggestion.
const BACKLOG_PER_NODE: f64 = 10.0;
/// The first pool of a cluster that has none.
const FIRST_POOL_SIZE: &str = "s-2vcpu-4gb";
const FIRST_POOL_COUNT: u32 = 3;

/// Every insight about the cluster; `configuration_ok` alone when no rule matched.
pub fn diagnose(facts: &ClusterFacts) -> Vec<Insight> {
    let mut found = Vec::new();
    node_count_rules(facts, &mut found);
    health_rules(facts, &mut found);
    let mut pools: Vec<&PoolFacts> = facts.pools.iter().collect();
    pools.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    for pool in pools {
        pool_rules(facts, pool, &mut found);
    }
    job_rules(facts, &mut found);
    if found.is_empty() {
        found.push(configuration_ok(facts));
    }
    // Stable: rule order and pool order survive within one severity.
    found.sort_by_key(|i| i.severity);
    found
}

/// `10m` for whole minutes, `90s` otherwise.
pub fn window_label(window: Duration) -> String {
    let seconds = window.num_seconds();
    if seconds > 0 && seconds % 60 == 0 {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

const NOW: &str = "now";

fn evidence(metric: &str, value: f64, threshold: f64, window: &str) -> Option<Evidence> {
    Some(Evidence {
        metric: metric.to_owned(),
        value,
        threshold,
        window: window.to_owned(),
    })
}

fn cluster_object(facts: &ClusterFacts) -> ObjectRef {
    ObjectRef {
        kind: "cluster".into(),
        id: facts.cluster_id,
        name: facts.cluster_name.clone(),
    }
}

fn pool_object(pool: &PoolFacts) -> ObjectRef {
    ObjectRef {
        kind: "node_pool".into(),
        id: pool.id,
        name: pool.name.clone(),
    }
}

fn recommend(action: &str, change: Option<Change>) -> Recommendation {
    Recommendation {
        action: action.to_owned(),
        change,
    }
}

/// Grow `pool` to `to` nodes: its count for a manual pool, its ceiling when the
/// autoscaler owns the count (a `PATCH` of `count` would be refused then).
fn grow(pool: &PoolFacts, to: u32) -> Recommendation {
    if pool.auto_scale {
        let max_nodes = to.max(pool.max_nodes + 1);
        recommend(
            "raise_autoscale_max",
            Some(Change::RaiseMaxNodes {
                pool_id: pool.id,
                max_nodes,
            }),
        )
    } else {
        recommend(
            "scale_node_pool",
            Some(Change::ScalePool {
                pool_id: pool.id,
                count: to.max(pool.count + 1),
            }),
        )
    }
}

/// The pool to grow for a cluster-wide shortage: the one with the fewest nodes (by name
/// on a tie), where one more node adds the most redundancy.
fn thinnest(facts: &ClusterFacts) -> Option<&PoolFacts> {
    facts
        .pools
        .iter()
        .min_by(|a, b| a.nodes.len().cmp(&b.nodes.len()).then(a.name.cmp(&b.name)))
}

/// The next size up in the catalog (sizes are listed by price) offered in `region`.
fn larger_size(current: &str, region: &str) -> Option<&'static Size> {
    let at = catalog::SIZES.iter().position(|s| s.slug == current)?;
    catalog::SIZES[at + 1..]
        .iter()
        .find(|s| s.offered_in(region))
}

/// A pool of the next size beside `pool`, as many nodes as it wants now.
fn larger_pool(facts: &ClusterFacts, pool: &PoolFacts, fallback: &str) -> Recommendation {
    match larger_size(&pool.size_slug, &facts.region) {
        Some(size) => recommend(
            "use_larger_size",
            Some(Change::AddPool {
                name: format!("{}-{}", pool.name, size.slug),
                size: size.slug.to_owned(),
                count: pool.count.max(1),
            }),
        ),
        None => recommend(fallback, None),
    }
}

fn node_count_rules(facts: &ClusterFacts, found: &mut Vec<Insight>) {
    let nodes = facts.node_count();
    let count = nodes as f64;
    let object = cluster_object(facts);
    let name = &facts.cluster_name;
    if nodes == 0 {
        let recommendation = match thinnest(facts) {
            Some(pool) => grow(pool, pool.count + 1),
            None => recommend(
                "add_node_pool",
                Some(Change::AddPool {
                    name: "default".into(),
                    size: FIRST_POOL_SIZE.into(),
                    count: FIRST_POOL_COUNT,
                }),
            ),
        };
        found.push(Insight {
            check: "no_nodes".into(),
            category: "capacity".into(),
            severity: Severity::Error,
            title: format!("Cluster {name} has no nodes"),
            message: format!(
                "Cluster {name} has no live node, so nothing can run on it. Create a node pool or add nodes."
            ),
            evidence: evidence("node_count", 0.0, 1.0, NOW),
            object,
            recommendation,
        });
        return;
    }
    let Some(pool) = thinnest(facts) else { return };
    let one_more = grow(pool, pool.count + 1);
    if nodes < REDUNDANT_NODES {
        found.push(Insight {
            check: "single_node".into(),
            category: "redundancy".into(),
            severity: Severity::Suggestion,
            title: format!("Cluster {name} has a single node"),
            message: format!(
                "Cluster {name} runs on {nodes} node; one failure stops everything. Add nodes for redundancy."
            ),
            evidence: evidence("node_count", count, REDUNDANT_NODES as f64, NOW),
            object,
            recommendation: one_more,
        });
    } else if nodes < COMFORTABLE_NODES {
        // At one node `single_node` already asks for more: one insight per shortage.
        found.push(Insight {
            check: "few_nodes".into(),
            category: "capacity".into(),
            severity: Severity::Suggestion,
            title: format!("Cluster {name} has few nodes"),
            message: format!(
                "Cluster {name} runs on {nodes} nodes (fewer than {COMFORTABLE_NODES}); scale pool {} up for headroom.",
                pool.name
            ),
            evidence: evidence("node_count", count, COMFORTABLE_NODES as f64, NOW),
            object,
            recommendation: one_more,
        });
    }
}

fn health_rules(facts: &ClusterFacts, found: &mut Vec<Insight>) {
    let Some(worst) = facts.health.issues.first() else {
        return;
    };
    let window = window_label(facts.health_window);
    let metric = worst.metric.as_str();
    let (value, threshold) = (worst.value, worst.threshold);
    let owner = facts.pool_of(worst.node_id);
    let object = match owner {
        Some((_, node)) => ObjectRef {
            kind: "node".into(),
            id: node.id,
            name: node.name.clone(),
        },
        None => cluster_object(facts),
    };
    let issues = facts.health.issues.len();
    let (check, severity, title, advice, recommendation) = match facts.health.status {
        Health::Critical => (
            "health_critical",
            Severity::Error,
            "Cluster health is critical",
            "scale the pool up, and check and replace failed nodes",
            owner.map_or(recommend("replace_failed_nodes", None), |(pool, _)| {
                grow(pool, pool.count + 1)
            }),
        ),
        Health::Warning => (
            "health_warning",
            Severity::Warning,
            "Cluster health is degraded",
            "move to a larger size and keep watching the metrics",
            owner.map_or(recommend("add_monitoring", None), |(pool, _)| {
                larger_pool(facts, pool, "add_monitoring")
            }),
        ),
        Health::Healthy => return,
    };
    found.push(Insight {
        check: check.into(),
        category: "health".into(),
        severity,
        title: format!("{title} on {}", facts.cluster_name),
        message: format!(
            "{issues} health issue(s) in the last {window}; the worst: {metric} at {value:.0} % on {} (threshold {threshold:.0} %). Advice: {advice}.",
            object.name
        ),
        evidence: evidence(metric, value, threshold, &window),
        object,
        recommendation,
    });
}

fn pool_rules(facts: &ClusterFacts, pool: &PoolFacts, found: &mut Vec<Insight>) {
    let window = window_label(facts.means_window);
    let means = pool.means;
    if !pool.nodes.is_empty()
        && means.cpu.is_none()
        && means.memory.is_none()
        && means.disk.is_none()
    {
        found.push(Insight {
            check: "pool_telemetry_missing".into(),
            category: "observability".into(),
            severity: Severity::Warning,
            title: format!("No telemetry from pool {}", pool.name),
            message: format!(
                "Pool {} has {} live node(s) but sent no sample in the last {window}; load rules cannot judge it. Check the nodes' metrics agents.",
                pool.name,
                pool.nodes.len()
            ),
            evidence: evidence("samples", 0.0, 1.0, &window),
            object: pool_object(pool),
            recommendation: recommend("check_node_telemetry", None),
        });
        return;
    }
    let rules = [
        (MetricType::Cpu, means.cpu),
        (MetricType::Memory, means.memory),
        (MetricType::Disk, means.disk),
    ];
    for (metric, mean) in rules {
        let (Some(value), Some((threshold, _))) = (mean, health::threshold(metric)) else {
            continue;
        };
        if value > threshold {
            found.push(utilisation(facts, pool, metric, value, threshold, &window));
        }
    }
}

/// Nodes that would bring `value` back to `threshold` at the same total load.
fn nodes_for(pool: &PoolFacts, value: f64, threshold: f64) -> u32 {
    let needed = (f64::from(pool.count.max(1)) * value / threshold).ceil();
    // Bounded by the metric's range (≤ 100 %), so the cast cannot overflow.
    needed as u32
}

fn utilisation(
    facts: &ClusterFacts,
    pool: &PoolFacts,
    metric: MetricType,
    value: f64,
    threshold: f64,
    window: &str,
) -> Insight {
    let name = &pool.name;
    let (check, severity, what, advice, recommendation) = match metric {
        MetricType::Cpu => (
            "pool_cpu_saturation",
            Severity::Warning,
            "CPU saturation",
            "Scale the pool up or enable autoscaling.",
            grow(pool, nodes_for(pool, value, threshold)),
        ),
        MetricType::Memory => (
            "pool_memory_pressure",
            Severity::Error,
            "Memory pressure",
            "Scale the pool up or move to a larger size.",
            grow(pool, nodes_for(pool, value, threshold)),
        ),
        _ => (
            "pool_disk_pressure",
            Severity::Error,
            "Disk almost full",
            "Move the pool to a larger size.",
            larger_pool(facts, pool, "use_larger_size"),
        ),
    };
    let label = match metric {
        MetricType::Cpu => "CPU",
        MetricType::Memory => "memory",
        _ => "disk",
    };
    Insight {
        check: check.into(),
        category: "capacity".into(),
        severity,
        title: format!("{what} on pool {name}"),
        message: format!(
            "Mean {label} use on pool {name} was {value:.0} % over the last {window} (threshold {threshold:.0} %). {advice}"
        ),
        evidence: evidence(metric.as_str(), value, threshold, window),
        object: pool_object(pool),
        recommendation,
    }
}

fn job_rules(facts: &ClusterFacts, found: &mut Vec<Insight>) {
    let name = &facts.cluster_name;
    if facts.dead_jobs > 0 {
        found.push(Insight {
            check: "dead_jobs".into(),
            category: "jobs".into(),
            severity: Severity::Warning,
            title: format!("Dead jobs on cluster {name}"),
            message: format!(
                "{} job(s) about cluster {name} failed every attempt and wait in the dead-letter queue. Review their errors, then retry or discard them.",
                facts.dead_jobs
            ),
            evidence: evidence("dead_jobs", f64::from(facts.dead_jobs), 0.0, NOW),
            object: cluster_object(facts),
            recommendation: recommend("review_dead_jobs", None),
        });
    }
    let nodes = facts.node_count();
    if nodes == 0 {
        return;
    }
    let per_node = f64::from(facts.queued_jobs) / nodes as f64;
    if per_node > BACKLOG_PER_NODE
        && let Some(pool) = thinnest(facts)
    {
        found.push(Insight {
            check: "jobs_backlog".into(),
            category: "jobs".into(),
            severity: Severity::Suggestion,
            title: format!("Job backlog on cluster {name}"),
            message: format!(
                "{} queued job(s) for {nodes} node(s) ({per_node:.1} per node, limit {BACKLOG_PER_NODE:.0}). More nodes would drain it sooner.",
                facts.queued_jobs
            ),
            evidence: evidence("jobs_backlog_per_node", per_node, BACKLOG_PER_NODE, NOW),
            object: cluster_object(facts),
            recommendation: grow(pool, pool.count + 1),
        });
    }
}

fn configuration_ok(facts: &ClusterFacts) -> Insight {
    Insight {
        check: "configuration_ok".into(),
        category: "general".into(),
        severity: Severity::Suggestion,
        title: "Configuration looks good".into(),
        message: format!(
            "No rule found a problem on cluster {}: nodes, health, load and jobs are within limits.",
            facts.cluster_name
        ),
        evidence: None,
        object: cluster_object(facts),
        recommendation: recommend("none", None),
    }
}
