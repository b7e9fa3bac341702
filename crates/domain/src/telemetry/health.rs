//! Derived health (features.md §2.6, api.md §11): from the latest sample per node and
//! type inside a window, cpu > 80 is a warning, memory > 85 and disk > 90 are critical.
//! The overall status is the maximum severity, so a later, calmer sample of another type
//! can never downgrade it, and each (node, type) yields at most one issue.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::MetricType;

/// Ordered: `max` is the overall status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Healthy,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Healthy => "healthy",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

/// The threshold a metric type is judged by, if any (network has none).
pub fn threshold(metric: MetricType) -> Option<(f64, Severity)> {
    match metric {
        MetricType::Cpu => Some((80.0, Severity::Warning)),
        MetricType::Memory => Some((85.0, Severity::Critical)),
        MetricType::Disk => Some((90.0, Severity::Critical)),
        MetricType::Network => None,
    }
}

/// The newest sample of one node and type, as the read model keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    pub node_id: Uuid,
    pub metric: MetricType,
    pub value: f64,
    pub sampled_at: DateTime<Utc>,
}

/// One threshold crossed, with the evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub node_id: Uuid,
    pub metric: MetricType,
    pub value: f64,
    pub threshold: f64,
    pub severity: Severity,
    pub sampled_at: DateTime<Utc>,
}

/// How far back samples count for health unless configured otherwise: five minutes, so a
/// node that stopped reporting stops counting soon but one late sample does not flap it.
pub const DEFAULT_WINDOW_SECONDS: i64 = 300;

#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub status: Severity,
    /// Ordered by severity (worst first), then node and metric type.
    pub issues: Vec<Issue>,
}

/// Evaluates `samples` at `now`: samples older than `window` are ignored, and only the
/// newest sample of each (node, type) counts, whatever order they come in.
pub fn evaluate(samples: &[Latest], now: DateTime<Utc>, window: Duration) -> Health {
    let since = now - window;
    let mut newest: BTreeMap<(Uuid, MetricType), &Latest> = BTreeMap::new();
    for sample in samples.iter().filter(|s| s.sampled_at >= since) {
        let key = (sample.node_id, sample.metric);
        let replace = newest
            .get(&key)
            .is_none_or(|kept| (sample.sampled_at, sample.value) > (kept.sampled_at, kept.value));
        if replace {
            newest.insert(key, sample);
        }
    }
    let mut issues: Vec<Issue> = newest.values().filter_map(|s| issue_of(s)).collect();
    issues.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.node_id.cmp(&b.node_id))
            .then(a.metric.cmp(&b.metric))
    });
    let status = issues
        .iter()
        .map(|i| i.severity)
        .max()
        .unwrap_or(Severity::Healthy);
    Health { status, issues }
}

fn issue_of(sample: &Latest) -> Option<Issue> {
    let (limit, severity) = threshold(sample.metric)?;
    (sample.value > limit).then_some(Issue {
        node_id: sample.node_id,
        metric: sample.metric,
        value: sample.value,
        threshold: limit,
        severity,
        sampled_at: sample.sampled_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn at(node: u128, metric: MetricType, value: f64, secs_ago: i64) -> Latest {
        Latest {
            node_id: Uuid::from_u128(node),
            metric,
            value,
            sampled_at: t0() - Duration::seconds(secs_ago),
        }
    }

    fn run(samples: &[Latest]) -> Health {
        evaluate(samples, t0(), Duration::minutes(5))
    }

    #[test]
    fn no_samples_or_calm_ones_are_healthy() {
        assert_eq!(run(&[]).status, Severity::Healthy);
        let calm = [
            at(1, MetricType::Cpu, 80.0, 1),
            at(1, MetricType::Memory, 85.0, 1),
            at(1, MetricType::Disk, 90.0, 1),
            at(1, MetricType::Network, 99_000.0, 1),
        ];
        let health = run(&calm);
        assert_eq!(health.status, Severity::Healthy);
        assert!(health.issues.is_empty());
    }

    #[test]
    fn thresholds_map_to_their_severities() {
        assert_eq!(
            run(&[at(1, MetricType::Cpu, 80.1, 1)]).status,
            Severity::Warning
        );
        assert_eq!(
            run(&[at(1, MetricType::Memory, 85.1, 1)]).status,
            Severity::Critical
        );
        assert_eq!(
            run(&[at(1, MetricType::Disk, 90.1, 1)]).status,
            Severity::Critical
        );
    }

    #[test]
    fn a_later_calm_cpu_sample_does_not_downgrade_critical_memory() {
        let health = run(&[
            at(1, MetricType::Memory, 95.0, 10),
            at(1, MetricType::Cpu, 20.0, 1),
        ]);
        assert_eq!(health.status, Severity::Critical);
        assert_eq!(health.issues.len(), 1);
        assert_eq!(health.issues[0].threshold, 85.0);
    }

    #[test]
    fn only_the_newest_sample_per_node_and_type_counts_once() {
        let health = run(&[
            at(1, MetricType::Cpu, 95.0, 30),
            at(1, MetricType::Cpu, 91.0, 20),
            at(1, MetricType::Cpu, 85.0, 10),
            at(2, MetricType::Cpu, 10.0, 10),
        ]);
        assert_eq!(health.issues.len(), 1);
        assert_eq!(health.issues[0].value, 85.0);
        assert_eq!(health.issues[0].node_id, Uuid::from_u128(1));
        // The newest sample calmed down: no issue.
        let health = run(&[
            at(1, MetricType::Cpu, 95.0, 30),
            at(1, MetricType::Cpu, 5.0, 1),
        ]);
        assert_eq!(health.status, Severity::Healthy);
    }

    #[test]
    fn samples_outside_the_window_are_ignored() {
        assert_eq!(
            run(&[at(1, MetricType::Disk, 99.0, 301)]).status,
            Severity::Healthy
        );
        assert_eq!(
            run(&[at(1, MetricType::Disk, 99.0, 300)]).status,
            Severity::Critical
        );
    }

    #[test]
    fn issues_are_listed_worst_first() {
        let health = run(&[
            at(2, MetricType::Cpu, 90.0, 1),
            at(3, MetricType::Disk, 95.0, 1),
        ]);
        let severities: Vec<Severity> = health.issues.iter().map(|i| i.severity).collect();
        assert_eq!(severities, vec![Severity::Critical, Severity::Warning]);
    }

    fn metric() -> impl Strategy<Value = MetricType> {
        prop::sample::select(MetricType::ALL.to_vec())
    }

    fn sample() -> impl Strategy<Value = Latest> {
        (1u128..4, metric(), 0.0f64..100.0, 0i64..600)
            .prop_map(|(node, metric, value, ago)| at(node, metric, value, ago))
    }

    proptest! {
        /// Adding a sample of a (node, type) not seen yet never lowers the severity:
        /// the overall status is a maximum over independent issues.
        #[test]
        fn adding_a_sample_of_a_new_series_never_lowers_severity(
            samples in prop::collection::vec(sample(), 0..12),
            extra in sample(),
        ) {
            let before = run(&samples);
            let fresh: Vec<Latest> = samples
                .into_iter()
                .filter(|s| (s.node_id, s.metric) != (extra.node_id, extra.metric))
                .collect();
            let base = run(&fresh);
            let mut with = fresh;
            with.push(extra);
            prop_assert!(run(&with).status >= base.status);
            // And the status is always the worst issue's severity.
            let worst = before.issues.iter().map(|i| i.severity).max();
            prop_assert_eq!(before.status, worst.unwrap_or(Severity::Healthy));
        }

        /// Whatever the order samples arrive in, the answer is the same.
        #[test]
        fn order_does_not_matter(mut samples in prop::collection::vec(sample(), 0..12)) {
            let forward = run(&samples);
            samples.reverse();
            prop_assert_eq!(run(&samples), forward);
        }

        /// Each (node, type) yields at most one issue.
        #[test]
        fn each_series_yields_at_most_one_issue(samples in prop::collection::vec(sample(), 0..20)) {
            let health = run(&samples);
            let mut keys: Vec<(Uuid, MetricType)> =
                health.issues.iter().map(|i| (i.node_id, i.metric)).collect();
            let total = keys.len();
            keys.sort();
            keys.dedup();
            prop_assert_eq!(keys.len(), total);
        }
    }
}
