//! The worked examples of api.md §13.3, step by step, named after the example.

use super::*;
use crate::autoscale::tick::{Gate, Note, ScaleReason, evaluate};

#[test]
fn scale_up_example_four_nodes_at_90_percent_cpu_scale_to_six() {
    let policy = policy(1, 10);
    let pool = nodes(4, 0.90);
    let decision = evaluate(&tick(&policy, &pool));

    assert_eq!(decision.capacity, 4);
    let cpu = &decision.proposals[0];
    assert!((cpu.ratio.expect("computed") - 1.5).abs() < 1e-9);
    assert_eq!(cpu.count, Some(6), "ceil(4 × 1.5)");
    assert_eq!(decision.steps.raw, 6);
    assert_eq!(decision.steps.stabilized, 6, "the up window is 0 s");
    assert_eq!(
        decision.steps.limited, 6,
        "limit max(4 + 4, ceil(4 × 2)) = 8 allows 6"
    );
    assert_eq!(decision.gate, None);
    assert_eq!(decision.notes, vec![]);
    let scale = decision.scale.expect("scales");
    assert_eq!(
        (scale.from, scale.to, scale.reason),
        (4, 6, ScaleReason::ScaleUp)
    );
    assert!(decision.record);
    assert_eq!(
        decision.reason(),
        "cpu_utilization 1.50× target → 6; raw 6, clamped 6, stabilized 6, limited 6; \
         scale 4 → 6 (SCALE_UP)"
    );
}

fn flapping_policy() -> crate::autoscale::Policy {
    policy(1, 10)
}

/// Six warm nodes at 30 % CPU, a scale-up long ago.
fn six_at_30_percent() -> Vec<NodeView> {
    nodes(6, 0.30)
}

#[test]
fn scale_down_with_flapping_example_holds_while_the_window_has_a_six() {
    let policy = flapping_policy();
    let pool = six_at_30_percent();
    // The last 5 min recommended [6, 5, 6, 3, 3].
    let history = recommendations(&[
        (NOW - 240, 6),
        (NOW - 180, 5),
        (NOW - 120, 6),
        (NOW - 60, 3),
        (NOW - 30, 3),
    ]);
    let decision = evaluate(&TickInput {
        recommendations: &history,
        ..tick(&policy, &pool)
    });

    assert_eq!(decision.steps.raw, 3, "ceil(6 × 0.5)");
    assert_eq!(decision.steps.stabilized, 6, "max over the 300 s window");
    assert_eq!(decision.notes, vec![Note::ScaleDownStabilized]);
    assert_eq!(decision.scale, None);
    assert_eq!(decision.desired, 6);
    assert_eq!(decision.recommendation_to_record.count, 3);
    assert!(decision.record);
}

#[test]
fn scale_down_with_flapping_example_steps_one_node_once_the_sixes_aged_out() {
    let policy = flapping_policy();
    let pool = six_at_30_percent();
    // The 6s are now older than 300 s; only 3s remain in the window.
    let history = recommendations(&[
        (NOW - 420, 6),
        (NOW - 360, 5),
        (NOW - 300, 6),
        (NOW - 200, 3),
        (NOW - 100, 3),
    ]);
    let decision = evaluate(&TickInput {
        recommendations: &history,
        ..tick(&policy, &pool)
    });

    assert_eq!(decision.steps.stabilized, 3);
    assert_eq!(
        decision.steps.limited, 5,
        "nodes: 6 − 1; percent: floor(6 × 0.9)"
    );
    assert_eq!(decision.notes, vec![Note::ScaleDownLimit]);
    let scale = decision.scale.expect("scales");
    assert_eq!(
        (scale.from, scale.to, scale.reason),
        (6, 5, ScaleReason::ScaleDown)
    );
}

#[test]
fn scale_down_with_flapping_example_next_step_waits_for_the_period() {
    let policy = flapping_policy();
    let pool = nodes(5, 0.30);
    let history = recommendations(&[(NOW - 100, 3), (NOW - 30, 3)]);
    // The node just removed, 30 s ago, counts within the 60 s period.
    let removed = [scaled(6, 5, NOW - 30, NOW - 20, ScaleStatus::Success)];
    let input = TickInput {
        recommendations: &history,
        scale_events: &removed,
        ..tick(&policy, &pool)
    };
    let decision = evaluate(&input);
    assert_eq!(decision.steps.stabilized, 3);
    assert_eq!(
        decision.steps.limited, 5,
        "start = 5 + 1: limits 5 and floor(6 × 0.9) = 5"
    );
    assert_eq!(decision.scale, None);

    // Once the period has passed, the next node goes.
    let fresh = sampled_at(pool.clone(), NOW + 30);
    let later = evaluate(&TickInput {
        nodes: &fresh,
        now: at(NOW + 31),
        ..input
    });
    assert_eq!(later.scale.map(|s| s.to), Some(4));
}

#[test]
fn scale_down_with_flapping_example_nothing_within_ten_minutes_of_a_scale_up() {
    let policy = flapping_policy();
    let pool = six_at_30_percent();
    let history = recommendations(&[(NOW - 100, 3)]);
    let grown = [scaled(4, 6, NOW - 700, NOW - 590, ScaleStatus::Success)];
    let decision = evaluate(&TickInput {
        recommendations: &history,
        scale_events: &grown,
        ..tick(&policy, &pool)
    });

    assert_eq!(decision.steps.limited, 5);
    assert_eq!(
        decision.gate,
        Some(Gate::DelayAfterScaleUp {
            until: at(NOW + 10)
        })
    );
    assert_eq!(decision.scale, None);
    assert!(!decision.conditions[0].status, "AbleToScale is false");
    assert_eq!(decision.conditions[0].reason, "DelayAfterScaleUp");
    assert!(
        decision
            .reason()
            .ends_with("ScaleDownLimit; held by DelayAfterScaleUp until 2026-12-03T10:00:10Z"),
        "{}",
        decision.reason()
    );
}
