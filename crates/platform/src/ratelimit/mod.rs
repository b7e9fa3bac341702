//! Rate limiting of `/api/v1` (api.md §8) for every service that serves it: the rules
//! (`policy`), GCRA in Redis as one atomic script per request (`script`, `gcra.lua`),
//! the in-process fallback while Redis is down (`fallback`), the limiter that chooses
//! between them (`limiter`), policy documents stored in Redis (`store`), the middleware
//! that enforces and reports limits on every response (`middleware`), and the wire form
//! of an outcome (`verdict`). Knows no domain: routes are templates, keys are strings.
//! Nothing here caches a policy in the process; every request reads the live one.

pub mod body;
pub mod fallback;
pub mod limiter;
pub mod middleware;
pub mod policy;
pub mod script;
pub mod status;
pub mod store;
#[cfg(test)]
mod tests;
pub mod verdict;

use contract::rate_limit::{AppliesTo, LimitKey, RateLimitRule};
use serde::Deserialize;

pub use limiter::Limiter;
pub use middleware::{RateLimits, Routes};
pub use verdict::{RuleState, Verdict};

/// The request a limiter is asked about.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    /// The authenticated principal's id, never a client-supplied header.
    pub user: &'a str,
    /// The `{id}` of a `/clusters/{id}/...` route.
    pub cluster: Option<&'a str>,
    pub mutation: bool,
    /// `METHOD /api/v1/template`, e.g. `POST /api/v1/jobs`.
    pub route: &'a str,
    pub mode: Mode,
}

/// What a check does with the buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Count the request against every rule that applies to it.
    Consume,
    /// Report the rules that apply to it, consuming nothing and creating no key.
    Peek,
    /// Report every rule that has a key for the subject, whatever the route.
    Report,
}

impl Mode {
    pub fn consumes(self) -> bool {
        self == Self::Consume
    }
}

/// Whether `rule` counts `subject` (the same test `gcra.lua` makes).
pub fn matches(rule: &RateLimitRule, subject: &Subject<'_>) -> bool {
    if subject.mode == Mode::Report {
        return true;
    }
    let class = match rule.applies_to {
        AppliesTo::All => true,
        AppliesTo::Reads => !subject.mutation,
        AppliesTo::Mutations => subject.mutation,
    };
    class && (rule.routes.is_empty() || rule.routes.iter().any(|r| r == subject.route))
}

/// The bucket a rule keeps for `subject`; `None` when the rule has no key for it.
pub fn key_of(rule: &RateLimitRule, subject: &Subject<'_>) -> Option<String> {
    match rule.key {
        LimitKey::User => Some(subject.user.to_owned()),
        LimitKey::Global => Some("global".to_owned()),
        LimitKey::Cluster => subject.cluster.map(str::to_owned),
    }
}

/// `[rate_limit]` of a service's settings; every field may be left out.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct RateLimitSettings {
    /// Redis holding the buckets and policy documents; the service's own Redis when empty.
    #[serde(default)]
    pub redis_url: Option<String>,
    /// The defaults used until an admin stores others; api.md §8's table when left out.
    #[serde(default)]
    pub policies: Option<Vec<RateLimitRule>>,
    /// How long a check waits for Redis before the fallback decides (default 250 ms).
    #[serde(default)]
    pub redis_timeout_ms: Option<u64>,
    /// Multiplies the configured quotas and bursts (never stored policies), so test
    /// suites and load benchmarks (`CG_RATE_LIMIT__QUOTA_SCALE`) are not limited by
    /// accident. 1 when left out.
    #[serde(default)]
    pub quota_scale: Option<u32>,
}

impl RateLimitSettings {
    /// The configured defaults, validated, then scaled.
    pub fn rules(&self) -> anyhow::Result<Vec<RateLimitRule>> {
        let mut rules = self.policies.clone().unwrap_or_else(policy::defaults);
        let errors = policy::validate(&rules);
        anyhow::ensure!(errors.is_empty(), "invalid rate_limit.policies: {errors:?}");
        let scale = self.quota_scale.unwrap_or(1);
        if scale <= 1 {
            return Ok(rules);
        }
        for rule in &mut rules {
            let burst = policy::effective_burst(rule);
            rule.quota = rule.quota.saturating_mul(scale);
            rule.burst = Some(burst.saturating_add(1).saturating_mul(scale) - 1);
        }
        Ok(rules)
    }
}
