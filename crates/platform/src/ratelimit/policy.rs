//! The rules a limiter applies: the built-in defaults of api.md §8 (with the
//! `CLUSTERGENIE_DIAG_*` / `CLUSTERGENIE_JOBS_*` seeds of features.md §11), the validation
//! every stored policy passes (422 with JSON pointers), and the effective numbers of one
//! rule (`burst` resolved). It never talks to Redis; a rule is data.

use contract::rate_limit::{AppliesTo, LimitKey, RateLimitRule};

use crate::problem::FieldError;

/// Largest number of rules in one policy document.
pub const MAX_RULES: usize = 16;
/// Longest window a rule may have: one day.
pub const MAX_WINDOW_SECONDS: u32 = 86_400;

/// The defaults of api.md §8, with the parity buckets seeded from the environment.
pub fn defaults() -> Vec<RateLimitRule> {
    let env = |name: &str| std::env::var(name).ok();
    vec![
        rule(
            "minute",
            250,
            60,
            Some(50),
            AppliesTo::All,
            LimitKey::User,
            &[],
        ),
        rule(
            "hour",
            5000,
            3600,
            None,
            AppliesTo::All,
            LimitKey::User,
            &[],
        ),
        rule(
            "mutations",
            60,
            60,
            None,
            AppliesTo::Mutations,
            LimitKey::User,
            &[],
        ),
        parity(
            "diagnoses",
            Seed::read(&env, "CLUSTERGENIE_DIAG", 0.2, 5, LimitKey::Cluster),
            "POST /api/v1/clusters/{id}/diagnoses",
        ),
        parity(
            "jobs_create",
            Seed::read(&env, "CLUSTERGENIE_JOBS", 0.1, 3, LimitKey::User),
            "POST /api/v1/jobs",
        ),
    ]
}

/// The original's token bucket (`rate` per second, `capacity`) as a GCRA rule over a
/// 60 s window: quota = rate × 60, burst = capacity − 1 (features.md §11).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seed {
    pub rate: f64,
    pub capacity: u32,
    pub key: LimitKey,
}

impl Seed {
    /// `<prefix>_RATE`, `_CAP`, `_SCOPE`; unparseable values keep the default (logged).
    pub fn read(
        env: &dyn Fn(&str) -> Option<String>,
        prefix: &str,
        rate: f64,
        capacity: u32,
        key: LimitKey,
    ) -> Self {
        let mut seed = Self {
            rate,
            capacity,
            key,
        };
        if let Some(raw) = env(&format!("{prefix}_RATE")) {
            match raw.trim().parse::<f64>() {
                Ok(rate) if rate > 0.0 && rate.is_finite() => seed.rate = rate,
                _ => tracing::warn!(prefix, raw, "ignoring an invalid rate seed"),
            }
        }
        if let Some(raw) = env(&format!("{prefix}_CAP")) {
            match raw.trim().parse::<u32>() {
                Ok(capacity) if capacity >= 1 => seed.capacity = capacity,
                _ => tracing::warn!(prefix, raw, "ignoring an invalid capacity seed"),
            }
        }
        if let Some(raw) = env(&format!("{prefix}_SCOPE")) {
            match raw.trim() {
                "user" => seed.key = LimitKey::User,
                "cluster" => seed.key = LimitKey::Cluster,
                "global" => seed.key = LimitKey::Global,
                _ => tracing::warn!(prefix, raw, "ignoring an invalid scope seed"),
            }
        }
        seed
    }
}

fn parity(name: &str, seed: Seed, route: &str) -> RateLimitRule {
    let quota = ((seed.rate * 60.0).round() as u32).max(1);
    let burst = seed.capacity.saturating_sub(1);
    rule(
        name,
        quota,
        60,
        Some(burst),
        AppliesTo::Mutations,
        seed.key,
        &[route],
    )
}

fn rule(
    name: &str,
    quota: u32,
    window_seconds: u32,
    burst: Option<u32>,
    applies_to: AppliesTo,
    key: LimitKey,
    routes: &[&str],
) -> RateLimitRule {
    RateLimitRule {
        name: name.into(),
        quota,
        window_seconds,
        burst,
        applies_to,
        cost_per_request: 1,
        key,
        routes: routes.iter().map(|r| (*r).to_owned()).collect(),
    }
}

/// `burst` as the algorithm uses it: `quota − 1` when left out.
pub fn effective_burst(rule: &RateLimitRule) -> u32 {
    rule.burst.unwrap_or(rule.quota.saturating_sub(1))
}

/// Every problem of a list of rules, each with a pointer under `#/policies`.
pub fn validate(rules: &[RateLimitRule]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if rules.is_empty() || rules.len() > MAX_RULES {
        errors.push(FieldError::new(
            "#/policies",
            "INVALID_POLICIES",
            format!("give 1 to {MAX_RULES} rules"),
        ));
    }
    for (index, rule) in rules.iter().enumerate() {
        let at = |field: &str| format!("#/policies/{index}/{field}");
        if !valid_name(&rule.name) {
            errors.push(FieldError::new(
                at("name"),
                "INVALID_NAME",
                "names are 1-32 characters of a-z, 0-9 and '_'",
            ));
        } else if rules[..index].iter().any(|r| r.name == rule.name) {
            errors.push(FieldError::new(
                at("name"),
                "DUPLICATE_NAME",
                format!("{} is named twice", rule.name),
            ));
        }
        if rule.quota == 0 {
            errors.push(FieldError::new(
                at("quota"),
                "OUT_OF_RANGE",
                "quota must be at least 1",
            ));
        }
        if rule.window_seconds == 0 || rule.window_seconds > MAX_WINDOW_SECONDS {
            errors.push(FieldError::new(
                at("window_seconds"),
                "OUT_OF_RANGE",
                format!("window_seconds must be 1-{MAX_WINDOW_SECONDS}"),
            ));
        }
        if rule.burst.is_some_and(|b| b > 1_000_000) || rule.cost_per_request > 1_000_000 {
            let field = if rule.cost_per_request > 1_000_000 {
                "cost_per_request"
            } else {
                "burst"
            };
            errors.push(FieldError::new(
                at(field),
                "OUT_OF_RANGE",
                "at most 1000000",
            ));
        }
        for (r, route) in rule.routes.iter().enumerate() {
            if !valid_route(route) {
                errors.push(FieldError::new(
                    format!("#/policies/{index}/routes/{r}"),
                    "INVALID_ROUTE",
                    "routes are 'METHOD /api/v1/...' templates",
                ));
            }
        }
    }
    errors
}

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn valid_route(route: &str) -> bool {
    let Some((method, path)) = route.split_once(' ') else {
        return false;
    };
    ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(&method)
        && path.starts_with("/api/v1/")
        && path.len() <= 200
        && !path.contains(char::is_whitespace)
}

/// An actix pattern as a rule names it: `{id:[^/:]+}` → `{id}`.
pub fn template(actix_pattern: &str) -> String {
    let mut out = String::with_capacity(actix_pattern.len());
    let mut rest = actix_pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let segment = &rest[open + 1..close];
        out.push('{');
        out.push_str(segment.split(':').next().unwrap_or(segment));
        out.push('}');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_follow_the_design() {
        let rules = defaults();
        assert!(validate(&rules).is_empty());
        let names: Vec<_> = rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["minute", "hour", "mutations", "diagnoses", "jobs_create"]
        );
        assert_eq!(effective_burst(&rules[1]), 4999);
        assert_eq!((rules[3].quota, rules[3].burst), (12, Some(4)));
        assert_eq!((rules[4].quota, rules[4].burst), (6, Some(2)));
        assert_eq!(rules[3].key, LimitKey::Cluster);
    }

    #[test]
    fn seeds_read_the_original_variables() {
        let env = |name: &str| match name {
            "X_RATE" => Some("0.5".to_owned()),
            "X_CAP" => Some("10".to_owned()),
            "X_SCOPE" => Some("global".to_owned()),
            _ => None,
        };
        let seed = Seed::read(&env, "X", 0.1, 3, LimitKey::User);
        let rule = parity("x", seed, "POST /api/v1/jobs");
        assert_eq!(
            (rule.quota, rule.burst, rule.key),
            (30, Some(9), LimitKey::Global)
        );
        let bad = |_: &str| Some("nope".to_owned());
        assert_eq!(Seed::read(&bad, "X", 0.1, 3, LimitKey::User).capacity, 3);
    }

    #[test]
    fn validation_points_at_every_bad_field() {
        let mut bad = rule(
            "Bad Name",
            0,
            0,
            None,
            AppliesTo::All,
            LimitKey::User,
            &["jobs"],
        );
        bad.cost_per_request = 2;
        let pointers: Vec<_> = validate(&[bad]).into_iter().map(|e| e.pointer).collect();
        assert_eq!(
            pointers,
            [
                "#/policies/0/name",
                "#/policies/0/quota",
                "#/policies/0/window_seconds",
                "#/policies/0/routes/0"
            ]
        );
        assert_eq!(validate(&[])[0].pointer, "#/policies");
    }

    #[test]
    fn actix_patterns_become_templates() {
        assert_eq!(
            template("/api/v1/operations/{id:[^/:]+}:cancel"),
            "/api/v1/operations/{id}:cancel"
        );
    }
}
