//! `fail {message, retryable, fail_attempts}` (demo): fails the first `fail_attempts`
//! attempts of the run (every attempt when 0) with code `DEMO_FAILURE`, then succeeds.

use serde_json::json;

use super::{Failure, Outcome, Run};

pub fn run(ctx: &Run<'_>, message: &str, retryable: bool, fail_attempts: u32) -> Outcome {
    let attempt = ctx.job.attempt;
    if fail_attempts == 0 || attempt <= fail_attempts {
        ctx.report.log(
            "error",
            format!("attempt {attempt} fails: {message}"),
            ctx.now(),
        );
        let failure = Failure {
            code: "DEMO_FAILURE".into(),
            message: message.to_owned(),
            retryable,
        };
        return Err(failure);
    }
    ctx.log(format!("attempt {attempt} succeeds"));
    Ok(json!({"succeeded_on_attempt": attempt}))
}
