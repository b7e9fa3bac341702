//! The outcome of one limiter check and what it turns into on the wire: the
//! `RateLimit-Policy` and `RateLimit` headers (most constraining rule first), the legacy
//! `RateLimit-Limit/-Remaining/-Reset` trio (reset in seconds from now), and the `429`
//! problem with `Retry-After` and `violated-policies` (api.md §8). Pure: no I/O.

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::problem::{Code, Problem};

/// One rule's state after the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleState {
    pub name: String,
    pub quota: u32,
    pub window_seconds: u32,
    pub burst: u32,
    /// This rule ran over (the request was refused).
    pub limited: bool,
    pub remaining: u64,
    /// Until the rule is back to its full allowance (for a limited rule: until the
    /// request would be admitted), in microseconds.
    pub reset_us: u64,
    /// Until the request would be admitted; 0 unless limited.
    pub retry_after_us: u64,
    /// `user`, `cluster` or `global`.
    pub key: String,
}

impl RuleState {
    pub fn reset_seconds(&self) -> u64 {
        self.reset_us.div_ceil(1_000_000)
    }
}

/// Every rule that applied to a request, and whether it was admitted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    /// Version of the policy document applied (0 = configured defaults).
    pub version: u64,
    pub limited: bool,
    pub rules: Vec<RuleState>,
    /// Decided by the in-process fallback because Redis could not be asked.
    pub fallback: bool,
}

impl Verdict {
    /// The rules, most constraining first: limited ones, then fewest remaining, then
    /// the longest wait.
    pub fn ranked(&self) -> Vec<&RuleState> {
        let mut rules: Vec<_> = self.rules.iter().collect();
        rules.sort_by_key(|r| (!r.limited, r.remaining, std::cmp::Reverse(r.reset_us)));
        rules
    }

    /// `ceil(retry_after)` in seconds over the violated rules (at least 1).
    pub fn retry_after_seconds(&self) -> u64 {
        let longest = self
            .rules
            .iter()
            .filter(|r| r.limited)
            .map(|r| r.retry_after_us)
            .max()
            .unwrap_or(0);
        longest.div_ceil(1_000_000).max(1)
    }

    pub fn violated(&self) -> Vec<String> {
        self.rules
            .iter()
            .filter(|r| r.limited)
            .map(|r| r.name.clone())
            .collect()
    }

    /// Sets the rate-limit headers; nothing when no rule applied.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let ranked = self.ranked();
        let Some(first) = ranked.first() else {
            return;
        };
        let policy = self
            .rules
            .iter()
            .map(|r| format!("\"{}\";q={};w={}", r.name, r.quota, r.window_seconds))
            .collect::<Vec<_>>()
            .join(", ");
        let state = ranked
            .iter()
            .map(|r| format!("\"{}\";r={};t={}", r.name, r.remaining, r.reset_seconds()))
            .collect::<Vec<_>>()
            .join(", ");
        let mut set = |name: &'static str, value: String| {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        };
        set("ratelimit-policy", policy);
        set("ratelimit", state);
        set("ratelimit-limit", first.quota.to_string());
        set("ratelimit-remaining", first.remaining.to_string());
        set("ratelimit-reset", first.reset_seconds().to_string());
    }

    /// The `429` of a limited request.
    pub fn problem(&self) -> Problem {
        let violated = self.violated();
        let retry = self.retry_after_seconds();
        Problem::of(Code::RateLimited)
            .detail(format!(
                "the request runs over {}; retry in {retry} s",
                violated.join(", ")
            ))
            .meta("retry_after_seconds", retry)
            .violated_policies(violated)
            .header("Retry-After", retry.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, limited: bool, remaining: u64, reset_us: u64) -> RuleState {
        RuleState {
            name: name.into(),
            quota: 250,
            window_seconds: 60,
            burst: 50,
            limited,
            remaining,
            reset_us,
            retry_after_us: if limited { reset_us } else { 0 },
            key: "user".into(),
        }
    }

    #[test]
    fn headers_put_the_most_constraining_rule_first() {
        let verdict = Verdict {
            rules: vec![
                rule("minute", false, 187, 11_500_000),
                rule("hour", false, 12, 900_000_000),
            ],
            ..Verdict::default()
        };
        let mut headers = HeaderMap::new();
        verdict.write_headers(&mut headers);
        let get = |n: &str| headers.get(n).unwrap().to_str().unwrap().to_owned();
        assert_eq!(
            get("ratelimit-policy"),
            "\"minute\";q=250;w=60, \"hour\";q=250;w=60"
        );
        assert_eq!(
            get("ratelimit"),
            "\"hour\";r=12;t=900, \"minute\";r=187;t=12"
        );
        assert_eq!(
            (get("ratelimit-remaining"), get("ratelimit-reset")),
            ("12".into(), "900".into())
        );
    }

    #[test]
    fn a_limited_verdict_retries_after_the_longest_wait_rounded_up() {
        let verdict = Verdict {
            limited: true,
            rules: vec![
                rule("minute", true, 0, 240_000),
                rule("hour", true, 0, 2_100_000),
            ],
            ..Verdict::default()
        };
        assert_eq!(verdict.retry_after_seconds(), 3);
        let problem = verdict.problem();
        assert_eq!((problem.status, problem.code), (429, "RATE_LIMITED"));
        assert_eq!(
            problem.violated_policies,
            Some(vec!["minute".into(), "hour".into()])
        );
    }
}
