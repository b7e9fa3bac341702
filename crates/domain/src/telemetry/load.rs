//! The simulator's load model: what one node of a cluster reads at tick `n`, from the
//! cluster's demand (level and scenario profile), its node count and uniform draws the
//! caller supplies (a seeded RNG). Deterministic: the same inputs and draws give the same
//! readings, so demos and tests replay exactly.
//!
//! Demand `level` (0–100) is the offered load in percent of `REFERENCE_NODES` nodes'
//! capacity; a node's CPU utilisation is `level × REFERENCE_NODES / nodes`, so adding
//! nodes lowers CPU (what the autoscaler will scale on). The calm profile at a load the
//! cluster can carry stays in the original's ranges (cpu 10–70, memory 20–80, disk 5–25,
//! network 0–100 Mbps); the scenario profiles cross the health thresholds on a fixed
//! schedule, whatever the draws.

use super::MetricType;

/// The node count a demand level is expressed against.
pub const REFERENCE_NODES: u32 = 3;

/// How a cluster's load behaves over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Steady load with noise.
    Calm,
    /// Calm, with a CPU burst over 80 % in ticks 6–8 of every 12.
    Spike,
    /// Memory climbs 5 points a tick from 38 % and disk 3 points from 20 %, until a
    /// "restart" drops them back: memory crosses 85 % at tick 10, disk 90 % at tick 24.
    Leak,
    /// CPU alternates above (82–90 %) and below (55–65 %) the warning threshold.
    Flapping,
}

impl Profile {
    pub const ALL: [Self; 4] = [Self::Calm, Self::Spike, Self::Leak, Self::Flapping];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calm => "calm",
            Self::Spike => "spike",
            Self::Leak => "leak",
            Self::Flapping => "flapping",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw)
    }
}

/// A cluster's demand: offered load and how it behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Demand {
    /// 0–100: percent of `REFERENCE_NODES` nodes' capacity.
    pub level: u8,
    pub profile: Profile,
}

impl Default for Demand {
    /// 40 % calm: a three-node cluster idles around 34 % CPU.
    fn default() -> Self {
        Self {
            level: 40,
            profile: Profile::Calm,
        }
    }
}

/// One node's readings at one tick, in the vocabulary's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Readings {
    pub cpu: f64,
    pub memory: f64,
    pub disk: f64,
    pub network: f64,
}

impl Readings {
    pub fn of(&self, metric: MetricType) -> f64 {
        match metric {
            MetricType::Cpu => self.cpu,
            MetricType::Memory => self.memory,
            MetricType::Disk => self.disk,
            MetricType::Network => self.network,
        }
    }
}

/// A node's CPU utilisation (percent of its capacity) under `demand` spread over
/// `nodes` nodes; overload is capped at 150 % (the node is saturated).
pub fn utilisation(demand: Demand, nodes: u32) -> f64 {
    let nodes = f64::from(nodes.max(1));
    (f64::from(demand.level.min(100)) * f64::from(REFERENCE_NODES) / nodes).min(150.0)
}

/// What one node reads at tick `tick` (ticks count from the epoch in intervals, so every
/// node and every restart agree on the phase). `uniform` draws from [0, 1).
pub fn readings(
    demand: Demand,
    nodes: u32,
    tick: u64,
    mut uniform: impl FnMut() -> f64,
) -> Readings {
    let mut noise = |spread: f64| (uniform() * 2.0 - 1.0) * spread;
    let util = utilisation(demand, nodes);
    // 10 % floor (the OS), 70 % at full capacity, saturating towards 100 %.
    let calm_cpu = (10.0 + 0.6 * util + noise(4.0)).clamp(10.0, 100.0);
    let calm_memory = (30.0 + 0.4 * util.min(100.0) + noise(5.0)).clamp(20.0, 80.0);
    let calm_disk = (15.0 + noise(5.0)).clamp(5.0, 25.0);
    let network = (util.min(100.0) * 0.8 + noise(10.0)).clamp(0.0, 100.0);
    let mut out = Readings {
        cpu: calm_cpu,
        memory: calm_memory,
        disk: calm_disk,
        network,
    };
    match demand.profile {
        Profile::Calm => {}
        Profile::Spike => {
            if (6..9).contains(&(tick % 12)) {
                out.cpu = 85.0 + uniform() * 10.0;
                out.network = (out.network * 2.0).min(100.0);
            }
        }
        Profile::Leak => {
            // Both ramps climb one step a tick from their base; noise stays below a step.
            let memory_step = (tick % 12) as f64;
            let disk_step = (tick % 26) as f64;
            out.memory = (38.0 + 5.0 * memory_step + noise(1.0)).clamp(0.0, 100.0);
            out.disk = (20.0 + 3.0 * disk_step + noise(0.5)).clamp(0.0, 100.0);
        }
        Profile::Flapping => {
            out.cpu = if tick % 2 == 1 {
                82.0 + uniform() * 8.0
            } else {
                55.0 + uniform() * 10.0
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stand-in for a seeded RNG: a tiny LCG over [0, 1).
    fn lcg(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn series(demand: Demand, nodes: u32, ticks: u64, seed: u64) -> Vec<Readings> {
        (0..ticks)
            .map(|t| readings(demand, nodes, t, lcg(seed ^ t)))
            .collect()
    }

    fn first_tick(series: &[Readings], crossed: impl Fn(&Readings) -> bool) -> Option<usize> {
        series.iter().position(crossed)
    }

    #[test]
    fn calm_at_default_demand_stays_in_the_original_ranges() {
        for seed in 0..20 {
            for r in series(Demand::default(), 3, 200, seed) {
                assert!((10.0..=70.0).contains(&r.cpu), "cpu {}", r.cpu);
                assert!((20.0..=80.0).contains(&r.memory), "memory {}", r.memory);
                assert!((5.0..=25.0).contains(&r.disk), "disk {}", r.disk);
                assert!((0.0..=100.0).contains(&r.network), "network {}", r.network);
            }
        }
    }

    #[test]
    fn calm_at_full_demand_stays_in_range_until_the_cluster_is_overloaded() {
        let full = Demand {
            level: 100,
            profile: Profile::Calm,
        };
        assert!(series(full, 3, 100, 1).iter().all(|r| r.cpu <= 70.0 + 4.0));
        assert!(series(full, 2, 100, 1).iter().all(|r| r.cpu > 80.0));
    }

    #[test]
    fn cpu_falls_as_nodes_are_added() {
        let demand = Demand {
            level: 80,
            profile: Profile::Calm,
        };
        let mean = |nodes| {
            let s = series(demand, nodes, 100, 7);
            s.iter().map(|r| r.cpu).sum::<f64>() / s.len() as f64
        };
        assert!(mean(2) > mean(4));
        assert!(mean(4) > mean(8));
    }

    #[test]
    fn the_same_draws_give_the_same_series() {
        let demand = Demand {
            level: 55,
            profile: Profile::Leak,
        };
        assert_eq!(series(demand, 4, 50, 42), series(demand, 4, 50, 42));
        assert_ne!(series(demand, 4, 50, 42), series(demand, 4, 50, 43));
    }

    #[test]
    fn spike_crosses_the_cpu_warning_within_nine_ticks_every_period() {
        let spike = Demand {
            level: 40,
            profile: Profile::Spike,
        };
        for seed in 0..20 {
            let s = series(spike, 3, 24, seed);
            assert_eq!(first_tick(&s, |r| r.cpu > 80.0), Some(6));
            assert!(s[18].cpu > 80.0 && s[11].cpu <= 80.0);
        }
    }

    #[test]
    fn leak_crosses_memory_then_disk_thresholds() {
        let leak = Demand {
            level: 40,
            profile: Profile::Leak,
        };
        for seed in 0..20 {
            let s = series(leak, 3, 30, seed);
            assert_eq!(first_tick(&s, |r| r.memory > 85.0), Some(10));
            assert_eq!(first_tick(&s, |r| r.disk > 90.0), Some(24));
            assert!(s[12].memory < 50.0, "the restart frees memory");
        }
    }

    #[test]
    fn flapping_alternates_around_the_cpu_warning() {
        let flapping = Demand {
            level: 40,
            profile: Profile::Flapping,
        };
        for seed in 0..20 {
            let s = series(flapping, 3, 10, seed);
            for (tick, r) in s.iter().enumerate() {
                assert_eq!(r.cpu > 80.0, tick % 2 == 1, "tick {tick}: {}", r.cpu);
            }
        }
    }

    #[test]
    fn profiles_parse_back() {
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.as_str()), Some(p));
        }
        assert_eq!(Profile::parse("storm"), None);
    }
}
