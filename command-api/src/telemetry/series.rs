//! The simulator's samples for one tick, pure: which tick a time falls in, the RNG of a
//! (seed, node, tick) and the four samples a node yields. A sample's id is a UUIDv5 of
//! (node, tick, type), so a tick published twice (a restart, two instances) is one
//! sample in the read model.

use chrono::{DateTime, TimeZone, Utc};
use domain::telemetry::load::{self, Demand};
use domain::telemetry::{MetricSample, MetricType, SampleSource};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

/// The tick `now` falls in: whole intervals since the epoch, so every node, instance and
/// restart agrees on the phase of a profile.
pub fn tick_of(now: DateTime<Utc>, interval_seconds: u64) -> u64 {
    let secs = u64::try_from(now.timestamp()).unwrap_or(0);
    secs / interval_seconds.max(1)
}

/// The start of a tick, the time its samples carry.
pub fn tick_start(tick: u64, interval_seconds: u64) -> DateTime<Utc> {
    let secs = i64::try_from(tick.saturating_mul(interval_seconds.max(1))).unwrap_or(i64::MAX);
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// The RNG of one node at one tick, from the configured seed.
fn rng(seed: u64, node_id: Uuid, tick: u64) -> StdRng {
    let (high, low) = node_id.as_u64_pair();
    let mixed = seed ^ high.rotate_left(17) ^ low ^ tick.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    StdRng::seed_from_u64(mixed)
}

/// The four samples of `node_id` (one of `nodes` nodes of `cluster_id`) at `tick`.
pub fn node_samples(
    seed: u64,
    cluster_id: Uuid,
    node_id: Uuid,
    nodes: u32,
    demand: Demand,
    tick: u64,
    interval_seconds: u64,
) -> Vec<MetricSample> {
    let mut rng = rng(seed, node_id, tick);
    let readings = load::readings(demand, nodes, tick, || rng.random::<f64>());
    let at = tick_start(tick, interval_seconds);
    MetricType::ALL
        .into_iter()
        .map(|metric| MetricSample {
            sample_id: Uuid::new_v5(&node_id, format!("{tick}/{}", metric.as_str()).as_bytes()),
            cluster_id,
            node_id,
            metric,
            value: (readings.of(metric) * 100.0).round() / 100.0,
            at,
            source: SampleSource::Simulator,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use domain::telemetry::load::Profile;

    use super::*;

    const NODE: Uuid = Uuid::from_u128(0x0193_a0c4_5b2e_7c11_9a0e_2f4d_6c8b_1a37);
    const CLUSTER: Uuid = Uuid::from_u128(7);

    fn series(seed: u64, profile: Profile, ticks: std::ops::Range<u64>) -> Vec<MetricSample> {
        let demand = Demand { level: 40, profile };
        ticks
            .flat_map(|t| node_samples(seed, CLUSTER, NODE, 3, demand, t, 10))
            .collect()
    }

    fn values(samples: &[MetricSample], metric: MetricType) -> Vec<f64> {
        samples
            .iter()
            .filter(|s| s.metric == metric)
            .map(|s| s.value)
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_series() {
        assert_eq!(
            series(42, Profile::Calm, 0..50),
            series(42, Profile::Calm, 0..50)
        );
        assert_ne!(
            values(&series(42, Profile::Calm, 0..50), MetricType::Cpu),
            values(&series(43, Profile::Calm, 0..50), MetricType::Cpu)
        );
    }

    #[test]
    fn a_tick_replayed_yields_the_same_ids_and_values() {
        let once = node_samples(42, CLUSTER, NODE, 3, Demand::default(), 1_000, 10);
        let again = node_samples(42, CLUSTER, NODE, 3, Demand::default(), 1_000, 10);
        assert_eq!(once, again);
        let ids: std::collections::HashSet<Uuid> = once.iter().map(|s| s.sample_id).collect();
        assert_eq!(ids.len(), 4, "one id per type");
    }

    #[test]
    fn ticks_follow_the_injected_clock() {
        let clock = platform::clock::ManualClock::new(tick_start(100, 10));
        use platform::clock::Clock;
        assert_eq!(tick_of(clock.now(), 10), 100);
        clock.advance(chrono::Duration::seconds(9));
        assert_eq!(tick_of(clock.now(), 10), 100);
        clock.advance(chrono::Duration::seconds(1));
        assert_eq!(tick_of(clock.now(), 10), 101);
        assert_eq!(tick_start(101, 10), clock.now());
    }

    #[test]
    fn each_scenario_crosses_its_threshold_within_a_period() {
        let crossed = |profile, metric, limit: f64, within: u64| {
            let s = series(42, profile, 0..within);
            values(&s, metric).iter().any(|v| *v > limit)
        };
        assert!(!crossed(Profile::Calm, MetricType::Cpu, 80.0, 100));
        assert!(crossed(Profile::Spike, MetricType::Cpu, 80.0, 12));
        assert!(crossed(Profile::Flapping, MetricType::Cpu, 80.0, 2));
        assert!(crossed(Profile::Leak, MetricType::Memory, 85.0, 12));
        assert!(crossed(Profile::Leak, MetricType::Disk, 90.0, 26));
    }

    #[test]
    fn samples_carry_the_vocabulary() {
        for s in node_samples(1, CLUSTER, NODE, 3, Demand::default(), 5, 10) {
            assert_eq!(
                s.unit(),
                if s.metric == MetricType::Network {
                    "Mbps"
                } else {
                    "%"
                }
            );
            assert!((0.0..=s.metric.max_value()).contains(&s.value));
            assert_eq!(s.at, tick_start(5, 10));
        }
    }
}
