//! Each gate, mode and bound of the tick on crafted inputs: in-flight, warm-up, the
//! failure delay, simple mode, partial data, conservative recompute, schedules, the cost
//! limit, disabled directions and the jobs backlog metric.

use chrono::Weekday;

use super::*;
use crate::autoscale::policy::{MetricTarget, Select};
use crate::autoscale::schedule::{Schedule, Window, parse_timezone};
use crate::autoscale::tick::{Gate, Note, evaluate};

#[test]
fn an_in_flight_scale_records_the_decision_and_does_nothing() {
    let policy = policy(1, 10);
    let pool = nodes(4, 0.90);
    let decision = evaluate(&TickInput {
        scale_in_flight: true,
        pool_count: 6,
        ..tick(&policy, &pool)
    });
    assert_eq!(decision.steps.limited, 6);
    assert_eq!(decision.gate, Some(Gate::ScaleInFlight));
    assert_eq!((decision.desired, decision.scale), (6, None));
    assert!(decision.record);
}

#[test]
fn a_warming_node_counts_as_capacity_and_blocks_scale_down() {
    let policy = policy(1, 10);
    let mut pool = nodes(3, 0.10);
    pool.push(ready_node(30, 0.95)); // ready 30 s ago: not warm, its sample is ignored
    let decision = evaluate(&tick(&policy, &pool));
    assert_eq!(decision.capacity, 4);
    // ratio 0.1/0.6; the cold node counts as exactly the target: (0.3 + 0.6) / 0.6 = 1.5.
    assert_eq!(decision.proposals[0].nodes_without_sample, 1);
    assert_eq!(decision.steps.raw, 2);
    assert_eq!(decision.gate, Some(Gate::NodesWarmingUp));
    assert_eq!(decision.scale, None);
}

#[test]
fn scale_up_recompute_counts_nodes_without_samples_as_idle() {
    let policy = policy(1, 20);
    let mut pool = nodes(2, 0.90);
    pool.push(ready_node(10, 0.0));
    pool.push(ready_node(10, 0.0));
    let decision = evaluate(&tick(&policy, &pool));
    // ratio 1.5 over the two warm nodes; with two idle: 1.8 / 0.6 = 3 < C = 4 → flips → hold.
    assert_eq!(decision.proposals[0].count, Some(4));
    assert_eq!(decision.scale, None);
    assert_eq!(
        decision.gate, None,
        "scale-up is never gated by warm-up delays"
    );
}

#[test]
fn a_missing_metric_never_lets_the_pool_shrink() {
    let mut policy = policy(1, 10);
    policy.metrics.push(MetricTarget {
        kind: MetricKind::MemoryUtilization,
        target: 0.6,
    });
    let pool = nodes(6, 0.10); // no memory samples at all
    let decision = evaluate(&tick(&policy, &pool));
    assert_eq!(decision.proposals[1].count, None);
    assert_eq!(decision.steps.raw, 6);
    assert_eq!(decision.notes, vec![Note::HeldOnPartialData]);
    assert!(!decision.conditions[1].status, "ScalingActive is false");
    assert_eq!(decision.conditions[1].reason, "FailedGetMetrics");
    assert_eq!(decision.scale, None);
}

#[test]
fn a_stale_sample_counts_as_missing() {
    let policy = policy(1, 10);
    let pool = sampled_at(nodes(6, 0.10), NOW - 31); // older than 2 × 15 s
    let decision = evaluate(&tick(&policy, &pool));
    assert_eq!(decision.proposals[0].ratio, None);
    assert_eq!(decision.scale, None);
}

#[test]
fn scale_down_waits_after_a_failed_scale() {
    let policy = policy(1, 10);
    let pool = nodes(6, 0.30);
    let failed = [scaled(6, 8, NOW - 400, NOW - 100, ScaleStatus::Error)];
    let decision = evaluate(&TickInput {
        scale_events: &failed,
        ..tick(&policy, &pool)
    });
    assert_eq!(
        decision.gate,
        Some(Gate::DelayAfterFailure {
            until: at(NOW + 80)
        })
    );
}

#[test]
fn simple_mode_holds_both_directions_within_the_clamped_cooldown() {
    let mut policy = policy(1, 10);
    policy.behavior.cooldown_seconds = Some(60); // clamped up to 300
    let pool = nodes(4, 0.90);
    let done = [scaled(3, 4, NOW - 400, NOW - 250, ScaleStatus::Success)];
    let input = TickInput {
        scale_events: &done,
        ..tick(&policy, &pool)
    };
    assert_eq!(
        evaluate(&input).gate,
        Some(Gate::Cooldown {
            until: at(NOW + 50)
        })
    );
    let later = sampled_at(pool.clone(), NOW + 55);
    let after = evaluate(&TickInput {
        nodes: &later,
        now: at(NOW + 60),
        ..input
    });
    assert_eq!(after.scale.map(|s| s.to), Some(6));
}

fn business_hours(min: Option<u32>, max: Option<u32>) -> Schedule {
    Schedule {
        window: Window::parse("08:00-18:00").expect("window"),
        timezone: parse_timezone("Europe/Berlin").expect("zone"),
        days: vec![Weekday::Thu],
        min_nodes: min,
        max_nodes: max,
    }
}

#[test]
fn an_open_schedule_window_replaces_the_bounds() {
    // NOW is Thursday 3 December 2026, 10:00 UTC = 11:00 in Berlin.
    let mut policy = policy(1, 2);
    policy.schedules = vec![business_hours(Some(3), Some(6))];
    let pool = nodes(2, 0.60);
    let decision = evaluate(&tick(&policy, &pool));
    assert_eq!((decision.bounds.min, decision.bounds.max), (3, 6));
    assert_eq!(decision.notes, vec![Note::TooFewReplicas]);
    assert_eq!(decision.scale.map(|s| s.to), Some(3));

    let evening = sampled_at(pool.clone(), NOW + 8 * 3600);
    let closed = evaluate(&TickInput {
        nodes: &evening,
        now: at(NOW + 8 * 3600),
        ..tick(&policy, &pool)
    });
    assert_eq!((closed.bounds.min, closed.bounds.max), (1, 2));
    assert_eq!(closed.scale, None);
}

#[test]
fn the_cost_limit_lowers_max_to_what_it_buys() {
    let mut policy = policy(1, 10);
    policy.cost_limit_monthly_micro = Some(100_000_000); // $100 at $24 a node → 4
    let pool = nodes(4, 0.90);
    let decision = evaluate(&tick(&policy, &pool));
    assert_eq!(decision.bounds.cost_cap, Some(4));
    assert_eq!(decision.steps.clamped, 4);
    assert_eq!(decision.notes, vec![Note::TooManyReplicas]);
    assert_eq!(decision.scale, None);
    assert_eq!(decision.conditions[2].reason, "TooManyReplicas");
}

#[test]
fn a_pool_above_a_lowered_max_shrinks_despite_the_delays() {
    let mut policy = policy(1, 3);
    policy.behavior.scale_down.stabilization_window_seconds = 0;
    let pool = nodes(6, 0.60);
    let grown = [scaled(4, 6, NOW - 200, NOW - 100, ScaleStatus::Success)];
    let decision = evaluate(&TickInput {
        scale_events: &grown,
        ..tick(&policy, &pool)
    });
    assert_eq!(decision.gate, None);
    assert_eq!(decision.scale.map(|s| s.to), Some(3));
}

#[test]
fn a_disabled_direction_never_scales_that_way() {
    let mut policy = policy(1, 10);
    policy.behavior.scale_up.select_policy = Select::Disabled;
    let pool = nodes(4, 0.90);
    let decision = evaluate(&tick(&policy, &pool));
    assert_eq!(decision.steps.limited, 4);
    assert_eq!(decision.notes, vec![Note::ScaleUpLimit]);
    assert_eq!(decision.scale, None);
}

#[test]
fn select_min_takes_the_smaller_scale_up() {
    let mut policy = policy(1, 100);
    policy.behavior.scale_up.select_policy = Select::Min;
    let pool = nodes(10, 1.0); // wants ceil(10 / 0.6) = 17
    let decision = evaluate(&tick(&policy, &pool));
    // nodes: 10 + 4 = 14; percent: 20; min → 14.
    assert_eq!(decision.steps.limited, 14);
}

#[test]
fn the_jobs_backlog_asks_for_a_node_per_target_jobs() {
    let mut policy = policy(1, 10);
    policy.metrics = vec![MetricTarget {
        kind: MetricKind::JobsBacklogPerNode,
        target: 5.0,
    }];
    let pool = nodes(2, 0.1);
    let backlog = [Sample {
        metric: MetricKind::JobsBacklogPerNode,
        value: 23.0,
        at: at(NOW - 1),
    }];
    let decision = evaluate(&TickInput {
        pool_samples: &backlog,
        ..tick(&policy, &pool)
    });
    assert_eq!(decision.proposals[0].count, Some(5));
    assert_eq!(decision.scale.map(|s| s.to), Some(5));
}

#[test]
fn a_quiet_tick_within_tolerance_records_nothing() {
    let policy = policy(1, 10);
    let pool = nodes(4, 0.65);
    let decision = evaluate(&tick(&policy, &pool));
    assert_eq!(decision.steps.raw, 4);
    assert!(!decision.record);
    assert_eq!(decision.conditions[0].reason, "ReadyForNewScale");
}
