//! Steps 7 and 8, *gates* and *simple mode*: one in-flight scale per pool; scale-down
//! waits after a scale-up, after a failure and while nodes warm up; simple mode's cooldown
//! holds both directions. Must never hold back a scale-up with a delay (only step 6 and
//! warm-up limit it), and never read a clock.

use chrono::{DateTime, Duration, Utc};

use super::input::{ScaleEvent, ScaleStatus, TickInput};

/// Why the tick did not act on its recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// A `node_pool.scale` operation of the pool is still running.
    ScaleInFlight,
    DelayAfterScaleUp {
        until: DateTime<Utc>,
    },
    DelayAfterFailure {
        until: DateTime<Utc>,
    },
    NodesWarmingUp,
    /// Simple mode: within `cooldown_seconds` of the last scaling event's end.
    Cooldown {
        until: DateTime<Utc>,
    },
}

impl Gate {
    /// The `AbleToScale` reason it shows as.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::ScaleInFlight => "ScaleInFlight",
            Self::DelayAfterScaleUp { .. } => "DelayAfterScaleUp",
            Self::DelayAfterFailure { .. } => "DelayAfterFailure",
            Self::NodesWarmingUp => "NodesWarmingUp",
            Self::Cooldown { .. } => "Cooldown",
        }
    }
}

/// When the latest event matching `which` that ended ends a delay of `seconds`, if that
/// is still ahead of `now`.
fn delay_until(
    events: &[ScaleEvent],
    now: DateTime<Utc>,
    seconds: u32,
    which: impl Fn(&ScaleEvent) -> bool,
) -> Option<DateTime<Utc>> {
    events
        .iter()
        .filter(|e| which(e))
        .filter_map(|e| e.finished_at)
        .max()
        .map(|end| end + Duration::seconds(i64::from(seconds)))
        .filter(|until| *until > now)
}

/// The gate that holds a move from `capacity` to `proposed`, if any.
pub fn gate(input: &TickInput, any_cold: bool, capacity: u32, proposed: u32) -> Option<Gate> {
    if input.scale_in_flight {
        return Some(Gate::ScaleInFlight);
    }
    if proposed == capacity {
        return None;
    }
    let behavior = &input.policy.behavior;
    let (events, now) = (input.scale_events, input.now);
    if proposed < capacity {
        let after_up = delay_until(events, now, behavior.delay_after_scale_up_seconds, |e| {
            e.status == ScaleStatus::Success && e.is_up()
        });
        if let Some(until) = after_up {
            return Some(Gate::DelayAfterScaleUp { until });
        }
        if any_cold {
            return Some(Gate::NodesWarmingUp);
        }
        let after_failure = delay_until(events, now, behavior.delay_after_failure_seconds, |e| {
            e.status == ScaleStatus::Error
        });
        if let Some(until) = after_failure {
            return Some(Gate::DelayAfterFailure { until });
        }
    }
    behavior
        .cooldown_seconds()
        .and_then(|seconds| delay_until(events, now, seconds, |_| true))
        .map(|until| Gate::Cooldown { until })
}
