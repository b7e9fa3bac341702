//! The retry policy of a job and its backoff (api.md §12.3): `delay(n) = min(initial ×
//! coefficient^(n−1), max_interval) × (1 + U(−j, +j))`. Pure: the uniform draw comes
//! from the caller's RNG, so tests seed it and production uses a real one.

use chrono::Duration;

/// How a job is retried. Validated at enqueue (see `RetryPolicy::check`).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_interval_s: f64,
    pub coefficient: f64,
    pub max_interval_s: f64,
    pub jitter: f64,
    /// Error codes that fail the job at once.
    pub non_retryable_errors: Vec<String>,
}

// Policies compare bit-for-bit: they are copied from events, never computed.
impl Eq for RetryPolicy {}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_interval_s: 2.0,
            coefficient: 2.0,
            max_interval_s: 300.0,
            jitter: 0.2,
            non_retryable_errors: Vec::new(),
        }
    }
}

impl RetryPolicy {
    pub const MAX_ATTEMPTS: u32 = 25;

    /// The first field that is out of range, with why.
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        if !(1..=Self::MAX_ATTEMPTS).contains(&self.max_attempts) {
            return Err(("max_attempts", "must be between 1 and 25"));
        }
        if !(self.initial_interval_s.is_finite() && self.initial_interval_s > 0.0) {
            return Err(("initial_interval_s", "must be a positive number of seconds"));
        }
        if !(self.coefficient.is_finite() && self.coefficient >= 1.0) {
            return Err(("coefficient", "must be at least 1"));
        }
        if !(self.max_interval_s.is_finite() && self.max_interval_s >= self.initial_interval_s) {
            return Err(("max_interval_s", "must be at least initial_interval_s"));
        }
        if !(0.0..1.0).contains(&self.jitter) {
            return Err(("jitter", "must be at least 0 and below 1"));
        }
        Ok(())
    }

    /// Whether an error with `code` may be retried under this policy.
    pub fn retries(&self, code: &str) -> bool {
        !self.non_retryable_errors.iter().any(|c| c == code)
    }
}

/// The wait after attempt `n` (1-based) failed; `uniform` draws from [0, 1).
pub fn delay(n: u32, policy: &RetryPolicy, uniform: &mut impl FnMut() -> f64) -> Duration {
    let exponent = i32::try_from(n.saturating_sub(1)).unwrap_or(i32::MAX);
    let base =
        (policy.initial_interval_s * policy.coefficient.powi(exponent)).min(policy.max_interval_s);
    let spread = (uniform().clamp(0.0, 1.0) * 2.0 - 1.0) * policy.jitter;
    let seconds = (base * (1.0 + spread)).max(0.0);
    // Whole milliseconds: the wire and the read models keep microseconds at most.
    Duration::milliseconds((seconds * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small seeded generator, so the test needs no RNG crate in the pure core.
    fn seeded(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn attempts_one_to_five_stay_within_the_jitter_bounds() {
        let policy = RetryPolicy::default();
        let mut rng = seeded(42);
        for _ in 0..200 {
            for (n, base) in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (5, 32.0)] {
                let ms = delay(n, &policy, &mut rng).num_milliseconds() as f64;
                assert!(
                    (base * 800.0..=base * 1200.0).contains(&ms),
                    "attempt {n}: {ms} ms"
                );
            }
        }
    }

    #[test]
    fn the_delay_is_capped_at_max_interval() {
        let policy = RetryPolicy::default();
        let ms = delay(20, &policy, &mut || 0.5).num_milliseconds();
        assert_eq!(ms, 300_000);
    }

    #[test]
    fn no_jitter_gives_the_exact_exponential() {
        let policy = RetryPolicy {
            jitter: 0.0,
            ..RetryPolicy::default()
        };
        let waits: Vec<i64> = (1..=4)
            .map(|n| delay(n, &policy, &mut || 0.9).num_milliseconds())
            .collect();
        assert_eq!(waits, vec![2000, 4000, 8000, 16000]);
    }

    #[test]
    fn out_of_range_policies_are_named() {
        let bad = RetryPolicy {
            max_attempts: 26,
            ..RetryPolicy::default()
        };
        assert_eq!(bad.check().unwrap_err().0, "max_attempts");
        assert!(RetryPolicy::default().check().is_ok());
    }
}
