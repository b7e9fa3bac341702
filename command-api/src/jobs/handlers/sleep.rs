//! `sleep {seconds, steps}` (demo): waits `seconds` on the injected clock in `steps`
//! equal steps, reporting progress and a log line after each; stops when cancelled.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{Failure, Outcome, Run};

/// How often the clock is looked at while waiting: a poll of the injected clock, so
/// tests that move a manual clock see the step end promptly.
const POLL: Duration = Duration::from_millis(20);

pub async fn run(ctx: &Run<'_>, seconds: u32, steps: u32) -> Outcome {
    let steps = steps.max(1);
    let step = chrono::Duration::milliseconds(i64::from(seconds) * 1000 / i64::from(steps));
    let mut until = ctx.now();
    for n in 1..=steps {
        until += step;
        wait_until(ctx, until).await?;
        let percent = u8::try_from(n * 100 / steps).unwrap_or(100);
        ctx.report.progress(percent, format!("step {n} of {steps}"));
        ctx.log(format!("step {n} of {steps} done"));
    }
    Ok(json!({"slept_seconds": seconds, "steps": steps}))
}

/// Waits until the clock reaches `until`, or fails when the attempt is cancelled.
pub async fn wait_until(ctx: &Run<'_>, until: DateTime<Utc>) -> Result<(), Failure> {
    while ctx.now() < until {
        if ctx.cancel.is_cancelled() {
            return Err(Failure::retryable("CANCELLED", "the attempt was stopped"));
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            () = ctx.cancel.cancelled() => {}
        }
    }
    Ok(())
}
