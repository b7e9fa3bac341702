//! One test per rule on a crafted state, the ordering and the aggregate's given/when/then.

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::Aggregate;
use crate::telemetry::MetricType;
use crate::telemetry::health::{self, Latest};
use crate::testing::Scenario;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 10, 20, 0, 0)
        .single()
        .expect("time")
}

fn node(n: u128) -> NodeFacts {
    NodeFacts {
        id: Uuid::from_u128(n),
        name: format!("node-{n}"),
    }
}

/// A manual pool of `nodes` live nodes with calm means.
fn pool(name: &str, id: u128, nodes: u128) -> PoolFacts {
    PoolFacts {
        id: Uuid::from_u128(id),
        name: name.into(),
        size_slug: "s-2vcpu-4gb".into(),
        count: nodes as u32,
        auto_scale: false,
        min_nodes: 1,
        max_nodes: 10,
        nodes: (0..nodes).map(|n| node(id * 100 + n)).collect(),
        means: PoolMeans {
            cpu: Some(40.0),
            memory: Some(50.0),
            disk: Some(20.0),
        },
    }
}

fn healthy() -> health::Health {
    health::evaluate(&[], t0(), Duration::minutes(5))
}

fn cluster(pools: Vec<PoolFacts>) -> ClusterFacts {
    ClusterFacts {
        cluster_id: Uuid::from_u128(7),
        cluster_name: "prod".into(),
        region: "nyc1".into(),
        pools,
        health: healthy(),
        health_window: Duration::minutes(5),
        means_window: Duration::minutes(10),
        queued_jobs: 0,
        dead_jobs: 0,
        autoscaler: None,
    }
}

fn checks(facts: &ClusterFacts) -> Vec<String> {
    diagnose(facts).into_iter().map(|i| i.check).collect()
}

fn only(facts: &ClusterFacts, check: &str) -> Insight {
    let found: Vec<Insight> = diagnose(facts)
        .into_iter()
        .filter(|i| i.check == check)
        .collect();
    assert_eq!(found.len(), 1, "{check} once in {:?}", checks(facts));
    found.into_iter().next().expect("one")
}

/// A cluster of six calm nodes: nothing to say.
fn calm() -> ClusterFacts {
    cluster(vec![pool("web", 1, 3), pool("api", 2, 3)])
}

#[test]
fn a_calm_cluster_looks_good() {
    let insights = diagnose(&calm());
    assert_eq!(insights.len(), 1);
    assert_eq!(insights[0].check, "configuration_ok");
    assert_eq!(insights[0].severity, Severity::Suggestion);
    assert_eq!(insights[0].object.kind, "cluster");
    assert_eq!(insights[0].recommendation.action, "none");
}

#[test]
fn no_nodes_without_pools_asks_for_a_first_pool() {
    let insight = only(&cluster(vec![]), "no_nodes");
    assert_eq!(insight.severity, Severity::Error);
    let evidence = insight.evidence.expect("evidence");
    assert_eq!(
        (evidence.metric.as_str(), evidence.value, evidence.threshold),
        ("node_count", 0.0, 1.0)
    );
    assert!(matches!(
        insight.recommendation.change,
        Some(Change::AddPool { count: 3, .. })
    ));
    assert_eq!(
        checks(&cluster(vec![])),
        ["no_nodes"],
        "no configuration_ok beside an error"
    );
}

#[test]
fn no_live_nodes_in_a_pool_asks_for_nodes() {
    let mut empty = pool("web", 1, 0);
    empty.count = 2;
    let insight = only(&cluster(vec![empty]), "no_nodes");
    assert_eq!(
        insight.recommendation.change,
        Some(Change::ScalePool {
            pool_id: Uuid::from_u128(1),
            count: 3
        })
    );
}

#[test]
fn a_single_node_is_a_redundancy_suggestion() {
    let facts = cluster(vec![pool("web", 1, 1)]);
    let insight = only(&facts, "single_node");
    assert_eq!(insight.severity, Severity::Suggestion);
    assert_eq!(insight.category, "redundancy");
    assert_eq!(insight.evidence.expect("evidence").threshold, 2.0);
    assert_eq!(
        insight.recommendation.change,
        Some(Change::ScalePool {
            pool_id: Uuid::from_u128(1),
            count: 2
        })
    );
    assert!(
        !checks(&facts).contains(&"few_nodes".to_owned()),
        "one insight per shortage"
    );
}

#[test]
fn fewer_than_five_nodes_suggests_scaling_the_thinnest_pool() {
    let facts = cluster(vec![pool("web", 1, 2), pool("api", 2, 1)]);
    let insight = only(&facts, "few_nodes");
    assert_eq!(insight.evidence.expect("evidence").value, 3.0);
    assert_eq!(
        insight.recommendation.change,
        Some(Change::ScalePool {
            pool_id: Uuid::from_u128(2),
            count: 2
        })
    );
    assert!(!checks(&cluster(vec![pool("web", 1, 5)])).contains(&"few_nodes".to_owned()));
}

fn latest(node: u128, metric: MetricType, value: f64) -> Latest {
    Latest {
        node_id: Uuid::from_u128(node),
        metric,
        value,
        sampled_at: t0() - Duration::seconds(30),
    }
}

#[test]
fn critical_health_is_an_error_on_the_worst_node() {
    let mut facts = calm();
    let samples = [
        latest(100, MetricType::Cpu, 90.0),
        latest(201, MetricType::Memory, 93.0),
    ];
    facts.health = health::evaluate(&samples, t0(), Duration::minutes(5));
    let insight = only(&facts, "health_critical");
    assert_eq!(insight.severity, Severity::Error);
    assert_eq!(
        (insight.object.kind.as_str(), insight.object.id),
        ("node", Uuid::from_u128(201))
    );
    let evidence = insight.evidence.expect("evidence");
    assert_eq!(
        (evidence.metric.as_str(), evidence.value, evidence.threshold),
        ("memory", 93.0, 85.0)
    );
    assert_eq!(evidence.window, "5m");
    assert_eq!(
        insight.recommendation.change,
        Some(Change::ScalePool {
            pool_id: Uuid::from_u128(2),
            count: 4
        })
    );
    assert!(
        !checks(&facts).contains(&"health_warning".to_owned()),
        "one health insight"
    );
}

#[test]
fn warning_health_recommends_a_larger_size() {
    let mut facts = calm();
    facts.health = health::evaluate(
        &[latest(100, MetricType::Cpu, 85.0)],
        t0(),
        Duration::minutes(5),
    );
    let insight = only(&facts, "health_warning");
    assert_eq!(insight.severity, Severity::Warning);
    assert_eq!(insight.recommendation.action, "use_larger_size");
    assert_eq!(
        insight.recommendation.change,
        Some(Change::AddPool {
            name: "web-s-4vcpu-8gb".into(),
            size: "s-4vcpu-8gb".into(),
            count: 3
        })
    );
}

#[test]
fn mean_cpu_over_80_is_a_saturation_warning_with_the_count_that_relieves_it() {
    let mut facts = calm();
    facts.pools[0].means.cpu = Some(87.0);
    let insight = only(&facts, "pool_cpu_saturation");
    assert_eq!(insight.severity, Severity::Warning);
    assert_eq!(insight.category, "capacity");
    assert_eq!(
        insight.object,
        ObjectRef {
            kind: "node_pool".into(),
            id: Uuid::from_u128(1),
            name: "web".into()
        }
    );
    assert_eq!(
        insight.evidence,
        Some(Evidence {
            metric: "cpu".into(),
            value: 87.0,
            threshold: 80.0,
            window: "10m".into()
        })
    );
    assert_eq!(
        insight.message,
        "Mean CPU use on pool web was 87 % over the last 10m (threshold 80 %). Scale the pool up or enable autoscaling."
    );
    // 3 nodes at 87 % carry the load of 3.26 nodes at 80 %: 4 nodes.
    assert_eq!(
        insight.recommendation.change,
        Some(Change::ScalePool {
            pool_id: Uuid::from_u128(1),
            count: 4
        })
    );
    facts.pools[0].means.cpu = Some(80.0);
    assert!(
        !checks(&facts).contains(&"pool_cpu_saturation".to_owned()),
        "80 is not over 80"
    );
}

#[test]
fn an_autoscaled_hot_pool_gets_a_higher_ceiling_not_a_count() {
    let mut facts = calm();
    facts.pools[0].auto_scale = true;
    facts.pools[0].max_nodes = 3;
    facts.pools[0].means.cpu = Some(95.0);
    let insight = only(&facts, "pool_cpu_saturation");
    assert_eq!(insight.recommendation.action, "raise_autoscale_max");
    assert_eq!(
        insight.recommendation.change,
        Some(Change::RaiseMaxNodes {
            pool_id: Uuid::from_u128(1),
            max_nodes: 4
        })
    );
}

#[test]
fn mean_memory_over_85_is_an_error() {
    let mut facts = calm();
    facts.pools[1].means.memory = Some(90.0);
    let insight = only(&facts, "pool_memory_pressure");
    assert_eq!(insight.severity, Severity::Error);
    assert_eq!(insight.object.name, "api");
    assert_eq!(
        insight.recommendation.change,
        Some(Change::ScalePool {
            pool_id: Uuid::from_u128(2),
            count: 4
        })
    );
}

#[test]
fn disk_over_90_is_an_error_asking_for_a_larger_size() {
    let mut facts = calm();
    facts.pools[0].means.disk = Some(95.0);
    let insight = only(&facts, "pool_disk_pressure");
    assert_eq!(insight.severity, Severity::Error);
    assert_eq!(insight.recommendation.action, "use_larger_size");
    assert!(
        matches!(insight.recommendation.change, Some(Change::AddPool { ref size, .. }) if size == "s-4vcpu-8gb")
    );
    // The largest size has nothing above it in this region.
    facts.pools[0].size_slug = "s-4vcpu-8gb".into();
    facts.region = "sgp1".into();
    let insight = only(&facts, "pool_disk_pressure");
    assert_eq!(insight.recommendation.change, None);
}

#[test]
fn a_pool_without_samples_is_flagged_not_judged() {
    let mut facts = calm();
    facts.pools[0].means = PoolMeans::default();
    let insight = only(&facts, "pool_telemetry_missing");
    assert_eq!(insight.severity, Severity::Warning);
    assert_eq!(insight.category, "observability");
    assert_eq!(insight.object.name, "web");
}

#[test]
fn dead_jobs_are_a_warning() {
    let mut facts = calm();
    facts.dead_jobs = 2;
    let insight = only(&facts, "dead_jobs");
    assert_eq!(insight.severity, Severity::Warning);
    assert_eq!(insight.evidence.expect("evidence").value, 2.0);
}

#[test]
fn a_job_backlog_per_node_suggests_more_nodes() {
    let mut facts = calm();
    facts.queued_jobs = 60;
    assert!(
        !checks(&facts).contains(&"jobs_backlog".to_owned()),
        "10 per node is the limit"
    );
    facts.queued_jobs = 61;
    let insight = only(&facts, "jobs_backlog");
    assert_eq!(
        insight.evidence.expect("evidence").metric,
        "jobs_backlog_per_node"
    );
}

#[test]
fn insights_come_worst_first_in_rule_then_pool_order() {
    let mut facts = cluster(vec![pool("web", 1, 2), pool("api", 2, 2)]);
    facts.pools[0].means.cpu = Some(90.0);
    facts.pools[1].means.cpu = Some(90.0);
    facts.pools[0].means.disk = Some(99.0);
    facts.dead_jobs = 1;
    assert_eq!(
        checks(&facts),
        [
            "pool_disk_pressure",
            "pool_cpu_saturation",
            "pool_cpu_saturation",
            "dead_jobs",
            "few_nodes"
        ]
    );
    let pools: Vec<String> = diagnose(&facts)
        .into_iter()
        .filter(|i| i.check == "pool_cpu_saturation")
        .map(|i| i.object.name)
        .collect();
    assert_eq!(pools, ["api", "web"]);
    assert_eq!(diagnose(&facts), diagnose(&facts));
}

#[test]
fn window_labels_are_minutes_or_seconds() {
    assert_eq!(rules::window_label(Duration::minutes(10)), "10m");
    assert_eq!(rules::window_label(Duration::seconds(90)), "90s");
}

fn run(trigger: Trigger) -> Recorded {
    Recorded {
        id: Uuid::from_u128(9),
        cluster_id: Uuid::from_u128(7),
        owner: "alice".into(),
        requested_by: "alice".into(),
        trigger,
        source: "rules".into(),
        insights: diagnose(&calm()),
        at: t0(),
    }
}

#[test]
fn a_run_is_recorded_once() {
    let request = run(Trigger::Request {
        operation_id: Uuid::from_u128(3),
    });
    let state = Scenario::<Diagnosis>::given(vec![])
        .when(DiagnosisCommand::Record(request.clone()))
        .then(vec![DiagnosisEvent::Recorded(request.clone())]);
    assert_eq!(
        (state.id, state.version, state.insights.len()),
        (Uuid::from_u128(9), 1, 1)
    );
    Scenario::<Diagnosis>::given(vec![DiagnosisEvent::Recorded(request.clone())])
        .when(DiagnosisCommand::Record(request.clone()))
        .then(vec![]);
    let mut other = request.clone();
    other.cluster_id = Uuid::from_u128(8);
    Scenario::<Diagnosis>::given(vec![DiagnosisEvent::Recorded(request)])
        .when(DiagnosisCommand::Record(other))
        .then_error(DiagnosisError::OtherCluster);
}

#[test]
fn a_requested_run_is_an_operation_that_ends_at_once_and_a_job_run_is_none() {
    let op = Uuid::from_u128(3);
    let event = DiagnosisEvent::Recorded(run(Trigger::Request { operation_id: op }));
    let facts = Diagnosis::operation_facts(&event, Uuid::from_u128(9), "alice");
    assert_eq!(facts.len(), 2);
    assert!(facts.iter().all(|f| f.operation_id == op));
    assert!(facts[1].change.is_terminal());
    let job = DiagnosisEvent::Recorded(run(Trigger::Job {
        job_id: Uuid::from_u128(4),
    }));
    assert!(Diagnosis::operation_facts(&job, Uuid::from_u128(9), "alice").is_empty());
}
