//! Step 10's `status.conditions` and the notes a decision carries (HPA vocabulary:
//! `AbleToScale`, `ScalingActive`, `ScalingLimited`). Derived from the decision's facts
//! only; must never decide anything itself.

use super::gates::Gate;
use super::proposal::Proposal;

/// Something a step did to the recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// A metric could not be computed and the pool held instead of shrinking.
    HeldOnPartialData,
    TooManyReplicas,
    TooFewReplicas,
    ScaleUpStabilized,
    ScaleDownStabilized,
    ScaleUpLimit,
    ScaleDownLimit,
}

impl Note {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::HeldOnPartialData => "HeldOnPartialData",
            Self::TooManyReplicas => "TooManyReplicas",
            Self::TooFewReplicas => "TooFewReplicas",
            Self::ScaleUpStabilized => "ScaleUpStabilized",
            Self::ScaleDownStabilized => "ScaleDownStabilized",
            Self::ScaleUpLimit => "ScaleUpLimit",
            Self::ScaleDownLimit => "ScaleDownLimit",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionType {
    AbleToScale,
    ScalingActive,
    ScalingLimited,
}

/// One entry of `status.conditions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Condition {
    pub kind: ConditionType,
    pub status: bool,
    pub reason: &'static str,
}

/// Every reason a condition can carry, so a stored reason maps back to its `&'static str`.
pub const REASONS: &[&str] = &[
    "ScaleInFlight",
    "DelayAfterScaleUp",
    "DelayAfterFailure",
    "NodesWarmingUp",
    "Cooldown",
    "ReadyForNewScale",
    "FailedGetMetrics",
    "BoundsOnly",
    "ValidMetricFound",
    "DesiredWithinRange",
    "HeldOnPartialData",
    "TooManyReplicas",
    "TooFewReplicas",
    "ScaleUpStabilized",
    "ScaleDownStabilized",
    "ScaleUpLimit",
    "ScaleDownLimit",
];

/// The known reason spelled `text`, if any.
pub fn known_reason(text: &str) -> Option<&'static str> {
    REASONS.iter().copied().find(|r| *r == text)
}

impl ConditionType {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::AbleToScale => "AbleToScale",
            Self::ScalingActive => "ScalingActive",
            Self::ScalingLimited => "ScalingLimited",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::AbleToScale, Self::ScalingActive, Self::ScalingLimited]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

fn first_of(notes: &[Note], wanted: &[Note]) -> Option<Note> {
    notes.iter().copied().find(|n| wanted.contains(n))
}

/// The three conditions, in that order.
pub fn conditions(proposals: &[Proposal], notes: &[Note], gate: Option<Gate>) -> [Condition; 3] {
    use Note as N;
    let stabilized = first_of(notes, &[N::ScaleUpStabilized, N::ScaleDownStabilized]);
    let able = match (gate, stabilized) {
        (Some(gate), _) => (false, gate.reason()),
        (None, Some(note)) => (true, note.as_str()),
        (None, None) => (true, "ReadyForNewScale"),
    };
    let active = if proposals.iter().any(|p| p.count.is_none()) {
        (false, "FailedGetMetrics")
    } else if proposals.is_empty() {
        (true, "BoundsOnly")
    } else {
        (true, "ValidMetricFound")
    };
    let limiting = [
        N::TooManyReplicas,
        N::TooFewReplicas,
        N::ScaleUpLimit,
        N::ScaleDownLimit,
    ];
    let limited = first_of(notes, &limiting)
        .map_or((false, "DesiredWithinRange"), |note| (true, note.as_str()));
    let condition = |kind, (status, reason)| Condition {
        kind,
        status,
        reason,
    };
    [
        condition(ConditionType::AbleToScale, able),
        condition(ConditionType::ScalingActive, active),
        condition(ConditionType::ScalingLimited, limited),
    ]
}
