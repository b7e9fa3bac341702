//! Recent node samples in command-api's memory, for the reconcilers that judge load (the
//! autoscaler, diagnosis): every sample of `<prefix>metrics.samples` not older than the
//! window's span, per cluster, deduplicated by `sample_id`, fed by `window_reader.rs`.
//! A cache of the topic, never a source of truth: empty after a start until the reader has
//! caught up (callers treat missing samples as missing data), never written by a request,
//! and bounded per cluster so a flood of pushed samples cannot grow it without limit.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};
use domain::telemetry::health::Latest;
use domain::telemetry::{MetricSample, MetricType};
use uuid::Uuid;

/// The most samples one cluster keeps: 50 nodes × 4 types × 15 min at 10 s, with room.
pub const MAX_SAMPLES_PER_CLUSTER: usize = 20_000;

#[derive(Clone)]
pub struct SampleWindow {
    span: Duration,
    clusters: Arc<RwLock<HashMap<Uuid, ClusterSamples>>>,
}

/// One cluster's samples in arrival order (nearly time order: pushed samples may lag).
#[derive(Default)]
struct ClusterSamples {
    samples: VecDeque<MetricSample>,
    ids: HashSet<Uuid>,
}

impl ClusterSamples {
    fn add(&mut self, sample: MetricSample) {
        if !self.ids.insert(sample.sample_id) {
            return;
        }
        self.samples.push_back(sample);
        while self.samples.len() > MAX_SAMPLES_PER_CLUSTER {
            self.pop_front();
        }
    }

    fn pop_front(&mut self) {
        if let Some(old) = self.samples.pop_front() {
            self.ids.remove(&old.sample_id);
        }
    }

    /// Drops samples older than `oldest`. Arrival order is only nearly time order, so a
    /// late old sample behind a newer one waits for the next prune; readers filter by time.
    fn prune(&mut self, oldest: DateTime<Utc>) {
        while self.samples.front().is_some_and(|s| s.at < oldest) {
            self.pop_front();
        }
    }
}

impl SampleWindow {
    pub fn new(span: Duration) -> Self {
        Self {
            span,
            clusters: Arc::default(),
        }
    }

    /// How far back the window reaches.
    pub fn span(&self) -> Duration {
        self.span
    }

    /// Adds samples (a `sample_id` already held is ignored) and forgets what `now` has
    /// pushed out of the window, including clusters with nothing left.
    pub fn record(&self, samples: impl IntoIterator<Item = MetricSample>, now: DateTime<Utc>) {
        let oldest = now - self.span;
        let mut clusters = self.clusters.write().expect("sample window lock");
        for sample in samples.into_iter().filter(|s| s.at >= oldest) {
            clusters.entry(sample.cluster_id).or_default().add(sample);
        }
        clusters.retain(|_, c| {
            c.prune(oldest);
            !c.samples.is_empty()
        });
    }

    /// The newest sample of each (node, type) of `cluster_id` taken at or after `since`.
    pub fn latest(&self, cluster_id: Uuid, since: DateTime<Utc>) -> Vec<Latest> {
        let clusters = self.clusters.read().expect("sample window lock");
        let Some(cluster) = clusters.get(&cluster_id) else {
            return Vec::new();
        };
        let mut newest: HashMap<(Uuid, MetricType), &MetricSample> = HashMap::new();
        for s in cluster.samples.iter().filter(|s| s.at >= since) {
            let slot = newest.entry((s.node_id, s.metric)).or_insert(s);
            if s.at > slot.at {
                *slot = s;
            }
        }
        let mut latest: Vec<Latest> = newest
            .into_values()
            .map(|s| Latest {
                node_id: s.node_id,
                metric: s.metric,
                value: s.value,
                sampled_at: s.at,
            })
            .collect();
        latest.sort_by_key(|l| (l.node_id, l.metric));
        latest
    }

    /// Every sample of one type of `cluster_id` taken at or after `since`, oldest first.
    pub fn samples(
        &self,
        cluster_id: Uuid,
        metric: MetricType,
        since: DateTime<Utc>,
    ) -> Vec<MetricSample> {
        let clusters = self.clusters.read().expect("sample window lock");
        let mut found: Vec<MetricSample> = clusters
            .get(&cluster_id)
            .map(|c| {
                c.samples
                    .iter()
                    .filter(|s| s.metric == metric && s.at >= since)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|s| s.at);
        found
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::telemetry::SampleSource;

    use super::*;

    fn at(second: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + second, 0).unwrap()
    }

    fn sample(cluster: Uuid, node: Uuid, metric: MetricType, value: f64, s: i64) -> MetricSample {
        MetricSample {
            sample_id: Uuid::now_v7(),
            cluster_id: cluster,
            node_id: node,
            metric,
            value,
            at: at(s),
            source: SampleSource::Api,
        }
    }

    #[test]
    fn latest_is_the_newest_per_node_and_type_even_when_it_arrived_first() {
        let window = SampleWindow::new(Duration::minutes(15));
        let (c, n) = (Uuid::now_v7(), Uuid::now_v7());
        window.record(
            [
                sample(c, n, MetricType::Cpu, 90.0, 20),
                sample(c, n, MetricType::Cpu, 10.0, 10),
                sample(c, n, MetricType::Memory, 50.0, 15),
            ],
            at(30),
        );
        let latest = window.latest(c, at(0));
        assert_eq!(latest.len(), 2);
        let cpu = latest.iter().find(|l| l.metric == MetricType::Cpu).unwrap();
        assert_eq!((cpu.value, cpu.sampled_at), (90.0, at(20)));
        assert!(window.latest(c, at(21)).is_empty(), "since filters by time");
    }

    #[test]
    fn a_sample_id_seen_twice_counts_once() {
        let window = SampleWindow::new(Duration::minutes(15));
        let (c, n) = (Uuid::now_v7(), Uuid::now_v7());
        let one = sample(c, n, MetricType::Disk, 40.0, 5);
        window.record([one.clone(), one.clone()], at(10));
        window.record([one], at(11));
        assert_eq!(window.samples(c, MetricType::Disk, at(0)).len(), 1);
    }

    #[test]
    fn samples_older_than_the_span_are_forgotten_with_their_cluster() {
        let window = SampleWindow::new(Duration::seconds(60));
        let (c, n) = (Uuid::now_v7(), Uuid::now_v7());
        window.record([sample(c, n, MetricType::Cpu, 1.0, 0)], at(30));
        assert_eq!(window.samples(c, MetricType::Cpu, at(0)).len(), 1);
        window.record([], at(61));
        assert!(window.samples(c, MetricType::Cpu, at(0)).is_empty());
        assert!(window.clusters.read().unwrap().is_empty());
        window.record([sample(c, n, MetricType::Cpu, 1.0, 0)], at(61));
        assert!(window.latest(c, at(0)).is_empty(), "too old on arrival");
    }

    #[test]
    fn a_cluster_keeps_at_most_its_bound_newest_first() {
        let window = SampleWindow::new(Duration::days(1));
        let c = Uuid::now_v7();
        let samples = (0..MAX_SAMPLES_PER_CLUSTER as i64 + 10)
            .map(|i| sample(c, Uuid::now_v7(), MetricType::Network, 1.0, i));
        window.record(samples, at(MAX_SAMPLES_PER_CLUSTER as i64 + 10));
        let kept = window.samples(c, MetricType::Network, at(0));
        assert_eq!(kept.len(), MAX_SAMPLES_PER_CLUSTER);
        assert_eq!(kept[0].at, at(10), "the oldest went first");
    }
}
