//! Node telemetry (features.md §2.6): the one metric vocabulary (`cpu`, `memory`, `disk`
//! in `%`, `network` in `Mbps`), a sample, the per-item checks an incoming sample must
//! pass, the simulator's load model and the health evaluation. Pure: callers pass the
//! clock's time and the random draws; nothing here reads a clock, draws or does IO.

pub mod health;
pub mod load;
pub mod validate;

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The metric types every part of the system uses (seed data, simulator, API, views).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricType {
    Cpu,
    Memory,
    Disk,
    Network,
}

impl MetricType {
    pub const ALL: [Self; 4] = [Self::Cpu, Self::Memory, Self::Disk, Self::Network];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Memory => "memory",
            Self::Disk => "disk",
            Self::Network => "network",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == raw)
    }

    /// The only unit a sample of this type may carry.
    pub fn unit(self) -> &'static str {
        match self {
            Self::Network => "Mbps",
            _ => "%",
        }
    }

    /// The largest value a sample may carry: 100 % of a node, or a 100 Gbit/s link.
    pub fn max_value(self) -> f64 {
        match self {
            Self::Network => 100_000.0,
            _ => 100.0,
        }
    }
}

/// Who produced a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleSource {
    Simulator,
    Api,
}

impl SampleSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Simulator => "simulator",
            Self::Api => "api",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Simulator, Self::Api]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// One measurement of one node. `sample_id` is the dedupe key: the same id delivered
/// twice is one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSample {
    pub sample_id: Uuid,
    pub cluster_id: Uuid,
    pub node_id: Uuid,
    pub metric: MetricType,
    pub value: f64,
    pub at: DateTime<Utc>,
    pub source: SampleSource,
}

impl MetricSample {
    pub fn unit(&self) -> &'static str {
        self.metric.unit()
    }
}
