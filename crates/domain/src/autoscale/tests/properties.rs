//! Properties of the tick over generated pools, histories and bounds: the count never
//! leaves the effective `[min, max]`, never shrinks on partial data or within the delay
//! after a scale-up, and the same inputs always give the same decision.

use proptest::prelude::*;

use super::*;
use crate::autoscale::policy::MetricTarget;
use crate::autoscale::schedule::{Schedule, Window};
use crate::autoscale::tick::{Decision, evaluate};

/// A generated world: a pool, its histories and a policy's knobs.
#[derive(Debug, Clone)]
struct World {
    min: u32,
    max: u32,
    cost_cap_nodes: Option<u64>,
    /// A schedule window (start hour, end hour, min override, max override), if any.
    schedule: Option<(u32, u32, Option<u32>, Option<u32>)>,
    /// Per node: CPU sample (None = missing) and seconds since ready.
    nodes: Vec<(Option<f64>, i64)>,
    with_memory: bool,
    in_flight: bool,
    history: Vec<(i64, u32)>,
    /// (from, to, seconds ago it ended, succeeded)
    events: Vec<(u32, u32, i64, bool)>,
}

fn world() -> impl Strategy<Value = World> {
    (
        0u32..5,
        1u32..12,
        prop::option::of(1u64..10),
        prop::option::of((
            0u32..24,
            0u32..24,
            prop::option::of(0u32..6),
            prop::option::of(6u32..14),
        )),
        prop::collection::vec((prop::option::weighted(0.9, 0.0f64..1.5), 0i64..400), 0..14),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::collection::vec((1i64..600, 0u32..16), 0..8),
        prop::collection::vec((0u32..16, 0u32..16, 0i64..1200, any::<bool>()), 0..4),
    )
        .prop_map(
            |(
                min,
                span,
                cost_cap_nodes,
                schedule,
                nodes,
                with_memory,
                in_flight,
                history,
                events,
            )| World {
                min,
                max: min + span,
                cost_cap_nodes,
                schedule,
                nodes,
                with_memory,
                in_flight,
                history,
                events,
            },
        )
}

struct Built {
    policy: crate::autoscale::Policy,
    nodes: Vec<NodeView>,
    history: Vec<Recommendation>,
    events: Vec<ScaleEvent>,
}

fn build(w: &World) -> Built {
    let mut policy = policy(w.min, w.max);
    policy.cost_limit_monthly_micro = w.cost_cap_nodes.map(|n| n * 24_000_000);
    if let Some((start, end, min_nodes, max_nodes)) = w.schedule {
        let hour = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).expect("hour");
        policy.schedules.push(Schedule {
            window: Window {
                start: hour(start),
                end: hour(end),
            },
            timezone: chrono_tz::Europe::Berlin,
            days: Vec::new(),
            min_nodes,
            max_nodes,
        });
    }
    if w.with_memory {
        policy.metrics.push(MetricTarget {
            kind: MetricKind::MemoryUtilization,
            target: 0.6,
        });
    }
    let nodes = w
        .nodes
        .iter()
        .map(|&(cpu, ready_ago)| {
            let mut n = ready_node(ready_ago, cpu.unwrap_or(0.0));
            if cpu.is_none() {
                n.samples.clear();
            }
            n
        })
        .collect();
    let history = w
        .history
        .iter()
        .map(|&(ago, count)| (NOW - ago, count))
        .collect::<Vec<_>>();
    let events = w
        .events
        .iter()
        .map(|&(from, to, ago, ok)| {
            let status = if ok {
                ScaleStatus::Success
            } else {
                ScaleStatus::Error
            };
            scaled(from, to, NOW - ago - 60, NOW - ago, status)
        })
        .collect();
    Built {
        policy,
        nodes,
        history: recommendations(&history),
        events,
    }
}

fn decide(b: &Built, in_flight: bool) -> Decision {
    evaluate(&TickInput {
        scale_in_flight: in_flight,
        recommendations: &b.history,
        scale_events: &b.events,
        ..tick(&b.policy, &b.nodes)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_count_never_leaves_the_effective_bounds(w in world()) {
        let built = build(&w);
        let d = decide(&built, false);
        prop_assert!(d.bounds.contains(d.desired), "{} outside {:?}", d.desired, d.bounds);
        // Whether or not a window is open, the bounds are the policy's or the window's.
        let (min, max) = match (w.schedule, d.bounds.schedule) {
            (Some((_, _, smin, smax)), Some(_)) => (smin.unwrap_or(w.min), smax.unwrap_or(w.max)),
            _ => (w.min, w.max),
        };
        let min = min.min(max);
        prop_assert!(d.desired <= max && (d.desired >= min || d.bounds.cost_cap.is_some()));
        if let Some(cap) = w.cost_cap_nodes {
            prop_assert!(u64::from(d.desired) <= cap);
        }
    }

    #[test]
    fn never_scales_down_on_partial_data(w in world()) {
        let built = build(&w);
        let d = decide(&built, w.in_flight);
        if d.proposals.iter().any(|p| p.count.is_none()) {
            prop_assert!(d.desired >= d.capacity.min(d.bounds.max));
        }
    }

    #[test]
    fn scale_down_never_within_the_delay_after_a_scale_up(w in world()) {
        let built = build(&w);
        let d = decide(&built, w.in_flight);
        let delay = i64::from(built.policy.behavior.delay_after_scale_up_seconds);
        let recent_up = w.events.iter().any(|&(from, to, ago, ok)| ok && to > from && ago < delay);
        if recent_up {
            prop_assert!(d.desired >= d.capacity.min(d.bounds.max));
        }
    }

    #[test]
    fn a_tick_is_deterministic(w in world()) {
        let built = build(&w);
        prop_assert_eq!(decide(&built, w.in_flight), decide(&built, w.in_flight));
    }

    #[test]
    fn an_in_flight_scale_never_changes_the_count(w in world()) {
        let built = build(&w);
        let d = decide(&built, true);
        prop_assert_eq!(d.scale, None);
    }
}
