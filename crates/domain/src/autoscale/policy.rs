//! The autoscaling policy of one node pool (api.md §13.1) as plain values with the
//! documented defaults. Must never hold wire strings that were not parsed: windows, zones
//! and money are typed here, so every later step works on checked values.

use uuid::Uuid;

use super::schedule::Schedule;

/// The node pool a policy scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub cluster_id: Uuid,
    pub node_pool_id: Uuid,
}

/// What a metric measures. Utilizations are fractions (0.6 = 60 %).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MetricKind {
    CpuUtilization,
    MemoryUtilization,
    /// Queued jobs per node: a pool-wide count standing in for "pending pods" pressure.
    JobsBacklogPerNode,
    Custom(String),
}

impl MetricKind {
    /// The wire name (`type`), also used in decision logs.
    pub fn name(&self) -> &str {
        match self {
            Self::CpuUtilization => "cpu_utilization",
            Self::MemoryUtilization => "memory_utilization",
            Self::JobsBacklogPerNode => "jobs_backlog_per_node",
            Self::Custom(name) => name,
        }
    }

    /// The metric named `name`: one of the built-ins, or a custom metric.
    pub fn from_name(name: &str) -> Self {
        match name {
            "cpu_utilization" => Self::CpuUtilization,
            "memory_utilization" => Self::MemoryUtilization,
            "jobs_backlog_per_node" => Self::JobsBacklogPerNode,
            other => Self::Custom(other.to_owned()),
        }
    }

    /// Whether samples are a fraction of a node's capacity (target at most 1).
    pub fn is_utilization(&self) -> bool {
        matches!(self, Self::CpuUtilization | Self::MemoryUtilization)
    }
}

/// A metric and the value the policy keeps it at.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricTarget {
    pub kind: MetricKind,
    pub target: f64,
}

impl MetricTarget {
    pub const DEFAULT_TARGET: f64 = 0.6;
}

/// One rate rule of a direction: at most `nodes`, or `percent` of the count at the start
/// of the period, within any `period_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateRule {
    Nodes { nodes: u32, period_seconds: u32 },
    Percent { percent: u32, period_seconds: u32 },
}

impl RateRule {
    pub fn period_seconds(&self) -> u32 {
        match self {
            Self::Nodes { period_seconds, .. } | Self::Percent { period_seconds, .. } => {
                *period_seconds
            }
        }
    }
}

/// How the limits of a direction's rules combine (HPA `selectPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    /// The rule allowing the biggest change.
    Max,
    /// The rule allowing the smallest change.
    Min,
    /// This direction never scales.
    Disabled,
}

/// The behaviour of one direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Direction {
    pub tolerance: f64,
    pub stabilization_window_seconds: u32,
    pub policies: Vec<RateRule>,
    pub select_policy: Select,
}

impl Direction {
    pub fn default_up() -> Self {
        Self {
            tolerance: 0.1,
            stabilization_window_seconds: 0,
            policies: vec![
                RateRule::Nodes {
                    nodes: 4,
                    period_seconds: 60,
                },
                RateRule::Percent {
                    percent: 100,
                    period_seconds: 60,
                },
            ],
            select_policy: Select::Max,
        }
    }

    pub fn default_down() -> Self {
        Self {
            tolerance: 0.1,
            stabilization_window_seconds: 300,
            policies: vec![
                RateRule::Nodes {
                    nodes: 1,
                    period_seconds: 60,
                },
                RateRule::Percent {
                    percent: 10,
                    period_seconds: 60,
                },
            ],
            select_policy: Select::Max,
        }
    }
}

/// `behavior`. The two delays live under `behavior.scale_down` on the wire: they only
/// ever hold back a scale-down.
#[derive(Debug, Clone, PartialEq)]
pub struct Behavior {
    pub scale_up: Direction,
    pub scale_down: Direction,
    pub delay_after_scale_up_seconds: u32,
    pub delay_after_failure_seconds: u32,
    /// Simple mode (DO autoscale-pool semantics); see [`Behavior::cooldown_seconds`].
    pub cooldown_seconds: Option<u32>,
}

impl Default for Behavior {
    fn default() -> Self {
        Self {
            scale_up: Direction::default_up(),
            scale_down: Direction::default_down(),
            delay_after_scale_up_seconds: 600,
            delay_after_failure_seconds: 180,
            cooldown_seconds: None,
        }
    }
}

impl Behavior {
    pub const COOLDOWN_RANGE: (u32, u32) = (300, 1200);

    /// The simple-mode cooldown in force: clamped to 300..=1200 s when set (api.md §13.1),
    /// so a typo can neither thrash the pool nor freeze it for hours.
    pub fn cooldown_seconds(&self) -> Option<u32> {
        let (low, high) = Self::COOLDOWN_RANGE;
        self.cooldown_seconds.map(|s| s.clamp(low, high))
    }
}

/// An autoscaling policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub target: Target,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub metrics: Vec<MetricTarget>,
    pub evaluation_interval_seconds: u32,
    pub node_warmup_seconds: u32,
    pub behavior: Behavior,
    pub schedules: Vec<Schedule>,
    /// `cost_limit_monthly` in micro-USD (see [`super::parse_money`]).
    pub cost_limit_monthly_micro: Option<u64>,
    pub enabled: bool,
}

impl Policy {
    /// A policy with every default of §13.1: CPU at 0.6, 15 s ticks, 60 s warm-up.
    pub fn new(target: Target, min_nodes: u32, max_nodes: u32) -> Self {
        Self {
            target,
            min_nodes,
            max_nodes,
            metrics: vec![MetricTarget {
                kind: MetricKind::CpuUtilization,
                target: MetricTarget::DEFAULT_TARGET,
            }],
            evaluation_interval_seconds: 15,
            node_warmup_seconds: 60,
            behavior: Behavior::default(),
            schedules: Vec::new(),
            cost_limit_monthly_micro: None,
            enabled: true,
        }
    }
}
