//! One evaluation tick of an autoscaling policy (api.md §13.2) as a pure function of its
//! inputs: gather → per-metric proposals → combine → clamp → stabilize → rate-limit →
//! gates → decision. The caller acts on the decision (step 9) and stores what it says to
//! record (step 10). Must never read a clock, a store or a catalog: all of it is passed in,
//! so the same inputs always give the same decision.

mod bounds;
mod conditions;
mod gates;
mod gather;
mod input;
mod proposal;
mod rate;
mod reason;
mod stabilize;

pub use bounds::Bounds;
pub use conditions::{Condition, ConditionType, Note, known_reason};
pub use gates::Gate;
pub use input::{NodeState, NodeView, Recommendation, Sample, ScaleEvent, ScaleStatus, TickInput};
pub use proposal::Proposal;

use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

/// Why the pool is scaled (`ScalingEvent.reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleReason {
    ScaleUp,
    ScaleDown,
}

impl ScaleReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::ScaleUp => "SCALE_UP",
            Self::ScaleDown => "SCALE_DOWN",
        }
    }
}

/// The `ScaleNodePool` the caller issues (step 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub from: u32,
    pub to: u32,
    pub reason: ScaleReason,
}

/// The count after each step, for the decision log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steps {
    pub raw: u32,
    pub clamped: u32,
    pub stabilized: u32,
    pub limited: u32,
    pub final_count: u32,
}

/// What one tick decided and why (`AutoscalerDecision`).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// `C`: usable plus warming nodes.
    pub capacity: u32,
    pub proposals: Vec<Proposal>,
    pub bounds: Bounds,
    pub steps: Steps,
    pub gate: Option<Gate>,
    pub notes: Vec<Note>,
    /// The pool's count after this tick (unchanged unless `scale` is set).
    pub desired: u32,
    pub scale: Option<Scale>,
    pub conditions: [Condition; 3],
    /// Appended to the recommendation log whatever else happens.
    pub recommendation_to_record: Recommendation,
    /// Whether to store the decision: it proposed a change or was clamped, stabilized,
    /// limited or gated.
    pub record: bool,
}

impl Decision {
    /// One line saying what the tick saw and did, for the decision log.
    pub fn reason(&self) -> String {
        reason::describe(self)
    }
}

/// The idempotency key of the scale a tick issues, so a retried tick scales once.
pub fn idempotency_key(policy_id: Uuid, tick_started_at: DateTime<Utc>) -> String {
    let at = tick_started_at.to_rfc3339_opts(SecondsFormat::Micros, true);
    format!("autoscale:{policy_id}:{at}")
}

/// Steps 1–8 and 10 of §13.2, in order.
pub fn evaluate(input: &TickInput) -> Decision {
    let policy = input.policy;
    let gathered = gather::gather(input);
    let capacity = gathered.capacity();
    let proposals: Vec<Proposal> = policy
        .metrics
        .iter()
        .map(|metric| proposal::propose(input, &gathered, metric))
        .collect();
    let mut notes = Vec::new();
    let (raw, held) = proposal::combine(&proposals, capacity);
    if held
        && proposals
            .iter()
            .any(|p| p.count.is_some_and(|c| c < capacity))
    {
        notes.push(Note::HeldOnPartialData);
    }

    let bounds = bounds::effective(policy, input.now, input.price_monthly_micro);
    let clamped = bounds.clamp(raw);
    if raw > bounds.max {
        notes.push(Note::TooManyReplicas);
    } else if raw < bounds.min {
        notes.push(Note::TooFewReplicas);
    }

    // Step 5 runs on the clamped value, and that is what the log keeps: the windows then
    // hold what the policy could actually have done when each entry was recorded.
    let stabilized = stabilize::stabilize(
        clamped,
        capacity,
        input.recommendations,
        input.now,
        &policy.behavior,
    );
    if stabilized != clamped {
        notes.push(if clamped >= capacity {
            Note::ScaleUpStabilized
        } else {
            Note::ScaleDownStabilized
        });
    }

    let limited = rate_limited(input, capacity, stabilized);
    if limited != stabilized {
        notes.push(if stabilized > capacity {
            Note::ScaleUpLimit
        } else {
            Note::ScaleDownLimit
        });
    }

    let mut gate = gates::gate(input, gathered.any_cold(), capacity, limited);
    let final_count = match gate {
        Some(Gate::ScaleInFlight) => capacity,
        // The bounds are hard: a pool outside them (a window closed, the policy changed)
        // is brought inside whatever the delays say; only an in-flight scale waits.
        Some(_) if !bounds.contains(capacity) => {
            gate = None;
            bounds.clamp(capacity)
        }
        Some(_) => capacity,
        None => bounds.clamp(limited),
    };
    let desired = if gate == Some(Gate::ScaleInFlight) {
        input.pool_count
    } else if final_count == capacity {
        // Holding means changing nothing: `C` can lag `count` while nodes come and go.
        bounds.clamp(input.pool_count)
    } else {
        final_count
    };
    let scale = (desired != input.pool_count).then_some(Scale {
        from: input.pool_count,
        to: desired,
        reason: if desired > input.pool_count {
            ScaleReason::ScaleUp
        } else {
            ScaleReason::ScaleDown
        },
    });

    Decision {
        capacity,
        conditions: conditions::conditions(&proposals, &notes, gate),
        record: scale.is_some() || raw != capacity || gate.is_some() || !notes.is_empty(),
        proposals,
        bounds,
        steps: Steps {
            raw,
            clamped,
            stabilized,
            limited,
            final_count,
        },
        gate,
        notes,
        desired,
        scale,
        recommendation_to_record: Recommendation {
            at: input.now,
            count: clamped,
        },
    }
}

/// Step 6 for the direction `stabilized` points to.
fn rate_limited(input: &TickInput, capacity: u32, stabilized: u32) -> u32 {
    let behavior = &input.policy.behavior;
    let (up, direction) = match stabilized.cmp(&capacity) {
        std::cmp::Ordering::Equal => return capacity,
        std::cmp::Ordering::Greater => (true, &behavior.scale_up),
        std::cmp::Ordering::Less => (false, &behavior.scale_down),
    };
    let limit = rate::limit(direction, up, capacity, input.scale_events, input.now);
    if up {
        stabilized.min(limit)
    } else {
        stabilized.max(limit)
    }
}
