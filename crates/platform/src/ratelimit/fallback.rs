//! The in-process limiter used while Redis cannot be asked (api.md §8): the configured
//! rules, one `governor` keyed GCRA per rule, per instance. Counts are per process and
//! a refusal by a later rule does not give back what earlier rules took (governor has
//! no atomic multi-check); both are the documented price of degraded mode. Per-user
//! overrides stored in Redis are out of reach here, so only the configured rules apply.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use contract::rate_limit::RateLimitRule;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

use super::policy::effective_burst;
use super::verdict::{RuleState, Verdict};
use super::{Subject, key_of, matches};

type Keyed =
    RateLimiter<String, HashMapStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Forget idle keys every this many checks, so the key map cannot grow without bound.
const SWEEP_EVERY: u64 = 1024;

pub struct Fallback {
    rules: Vec<(RateLimitRule, Keyed)>,
    checks: AtomicU64,
    /// Serialises one request's checks across rules.
    lock: Mutex<()>,
}

impl Fallback {
    pub fn new(rules: &[RateLimitRule]) -> Self {
        let rules = rules
            .iter()
            .filter_map(|rule| Some((rule.clone(), limiter(rule)?)))
            .collect();
        Self {
            rules,
            checks: AtomicU64::new(0),
            lock: Mutex::new(()),
        }
    }

    pub fn check(&self, subject: &Subject<'_>) -> Verdict {
        let _one_at_a_time = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if self
            .checks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(SWEEP_EVERY)
        {
            for (_, limiter) in &self.rules {
                limiter.retain_recent();
            }
        }
        let mut verdict = Verdict {
            fallback: true,
            ..Verdict::default()
        };
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for (rule, limiter) in &self.rules {
            if !matches(rule, subject) || seen.insert(&rule.name, ()).is_some() {
                continue;
            }
            let Some(key) = key_of(rule, subject) else {
                continue;
            };
            let state = check_one(rule, limiter, key, !subject.mode.consumes());
            verdict.limited |= state.limited;
            verdict.rules.push(state);
        }
        verdict
    }
}

fn limiter(rule: &RateLimitRule) -> Option<Keyed> {
    let period = Duration::from_micros(emission_us(rule).max(1));
    let burst = NonZeroU32::new(effective_burst(rule).saturating_add(1))?;
    let quota = Quota::with_period(period)?.allow_burst(burst);
    Some(RateLimiter::hashmap(quota).with_middleware::<StateInformationMiddleware>())
}

fn emission_us(rule: &RateLimitRule) -> u64 {
    u64::from(rule.window_seconds) * 1_000_000 / u64::from(rule.quota.max(1))
}

fn check_one(rule: &RateLimitRule, limiter: &Keyed, key: String, peek: bool) -> RuleState {
    let burst = effective_burst(rule);
    let mut state = RuleState {
        name: rule.name.clone(),
        quota: rule.quota,
        window_seconds: rule.window_seconds,
        burst,
        limited: false,
        remaining: u64::from(burst) + 1,
        reset_us: 0,
        retry_after_us: 0,
        key: format!("{:?}", rule.key).to_lowercase(),
    };
    let Some(cost) = NonZeroU32::new(rule.cost_per_request).filter(|_| !peek) else {
        // governor cannot look without taking; a peek reports the full allowance.
        return state;
    };
    match limiter.check_key_n(&key, cost) {
        Ok(Ok(snapshot)) => {
            state.remaining = u64::from(snapshot.remaining_burst_capacity());
            let used = u64::from(burst) + 1 - state.remaining.min(u64::from(burst) + 1);
            state.reset_us = used * emission_us(rule);
        }
        Ok(Err(not_until)) => {
            let wait = not_until.wait_time_from(limiter.clock().now());
            state.limited = true;
            state.remaining = 0;
            state.retry_after_us = wait.as_micros().max(1) as u64;
            state.reset_us = state.retry_after_us;
        }
        Err(_insufficient) => {
            state.limited = true;
            state.remaining = 0;
            state.retry_after_us = u64::from(rule.window_seconds) * 1_000_000;
            state.reset_us = state.retry_after_us;
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use contract::rate_limit::{AppliesTo, LimitKey};

    use super::*;

    #[test]
    fn the_fallback_admits_burst_plus_one_then_limits() {
        let rule = RateLimitRule {
            name: "tiny".into(),
            quota: 3,
            window_seconds: 60,
            burst: Some(1),
            applies_to: AppliesTo::All,
            cost_per_request: 1,
            key: LimitKey::User,
            routes: vec![],
        };
        let fallback = Fallback::new(&[rule]);
        let subject = Subject {
            user: "alice",
            cluster: None,
            mutation: false,
            route: "GET /api/v1/droplets",
            mode: crate::ratelimit::Mode::Consume,
        };
        let outcomes: Vec<bool> = (0..3).map(|_| fallback.check(&subject).limited).collect();
        assert_eq!(outcomes, [false, false, true]);
        let limited = fallback.check(&subject);
        assert!(limited.fallback && limited.retry_after_seconds() <= 20);
    }
}
