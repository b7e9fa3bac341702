//! The one-line `reason` of a decision for the decision log and `:evaluate`: what each
//! metric asked for, what the steps made of it, and what the tick did. Derived from the
//! decision only; must never be parsed back (the structured fields are the record).

use std::fmt::Write;

use super::{Decision, Gate};

/// E.g. `cpu_utilization 1.50× target → 6; raw 6, clamped 6, stabilized 6, limited 6;
/// scale 4 → 6 (SCALE_UP)`.
pub fn describe(decision: &Decision) -> String {
    let mut text = String::new();
    for p in &decision.proposals {
        let metric = p.metric.name();
        let _ = match (p.ratio, p.count) {
            (Some(ratio), Some(count)) => write!(text, "{metric} {ratio:.2}× target → {count}; "),
            _ => write!(text, "{metric} missing; "),
        };
    }
    let s = &decision.steps;
    let _ = write!(
        text,
        "raw {}, clamped {}, stabilized {}, limited {}",
        s.raw, s.clamped, s.stabilized, s.limited
    );
    for note in &decision.notes {
        let _ = write!(text, ", {}", note.as_str());
    }
    let _ = match (decision.scale, decision.gate) {
        (Some(scale), _) => write!(
            text,
            "; scale {} → {} ({})",
            scale.from,
            scale.to,
            scale.reason.as_str()
        ),
        (None, Some(gate)) => write!(text, "; held by {}{}", gate.reason(), until(gate)),
        (None, None) => write!(text, "; no change at {}", decision.desired),
    };
    text
}

fn until(gate: Gate) -> String {
    match gate {
        Gate::DelayAfterScaleUp { until }
        | Gate::DelayAfterFailure { until }
        | Gate::Cooldown { until } => format!(" until {}", until.format("%Y-%m-%dT%H:%M:%SZ")),
        Gate::ScaleInFlight | Gate::NodesWarmingUp => String::new(),
    }
}
