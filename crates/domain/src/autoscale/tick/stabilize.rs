//! Step 5, *stabilize*: the HPA stabilization windows over the recommendation log — a
//! scale-up goes only as far as the minimum over the scale-up window, a scale-down only as
//! far as the maximum over the scale-down window. Must never look outside a window, drop
//! the current recommendation, or move past `C` in the other direction.

use chrono::{DateTime, Duration, Utc};

use super::input::Recommendation;
use crate::autoscale::policy::Behavior;

/// The extreme of the recommendations younger than `window_seconds`, with `current`.
fn over_window(
    history: &[Recommendation],
    current: u32,
    now: DateTime<Utc>,
    window_seconds: u32,
    pick: fn(u32, u32) -> u32,
) -> u32 {
    let since = now - Duration::seconds(i64::from(window_seconds));
    history
        .iter()
        .filter(|r| r.at > since && r.at <= now)
        .map(|r| r.count)
        .fold(current, pick)
}

/// The stabilized count for `recommended` (this tick's, already clamped) at `now`.
pub fn stabilize(
    recommended: u32,
    capacity: u32,
    history: &[Recommendation],
    now: DateTime<Utc>,
    behavior: &Behavior,
) -> u32 {
    let up_to = over_window(
        history,
        recommended,
        now,
        behavior.scale_up.stabilization_window_seconds,
        u32::min,
    );
    let down_to = over_window(
        history,
        recommended,
        now,
        behavior.scale_down.stabilization_window_seconds,
        u32::max,
    );
    // As the HPA does: start from `C`, rise to what the whole up window agrees on, fall to
    // what the whole down window agrees on. Only one of the two can apply.
    let mut stabilized = capacity;
    if stabilized < up_to {
        stabilized = up_to;
    }
    if stabilized > down_to {
        stabilized = down_to;
    }
    stabilized
}
