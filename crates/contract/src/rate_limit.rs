//! Rate limits as clients see them (api.md §8): a policy rule, the policy resource (the
//! defaults or one user's override), its page, the body of a policy `PUT`, and the
//! caller's live limits of `GET /rate_limit`. Types only: the limiter and its
//! validation live in `platform::ratelimit`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::RequestBody;

/// Which requests a rule counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    #[default]
    All,
    /// `GET` (and `HEAD`).
    Reads,
    /// `POST`, `PATCH`, `PUT`, `DELETE`.
    Mutations,
}

/// What a rule's GCRA key is partitioned by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LimitKey {
    #[default]
    User,
    /// The `{id}` of a `/clusters/{id}/...` route; the rule skips other routes.
    Cluster,
    /// One bucket shared by every caller.
    Global,
}

/// One named limit: `quota` requests per `window_seconds`, GCRA with `burst`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitRule {
    /// `[a-z0-9_]{1,32}`, unique within a policy.
    #[schema(example = "minute")]
    pub name: String,
    /// Requests per window, ≥ 1.
    #[schema(example = 250)]
    pub quota: u32,
    /// 1 s – 1 day.
    #[schema(example = 60)]
    pub window_seconds: u32,
    /// Requests a fresh key admits back to back beyond the first; `quota − 1` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 50)]
    pub burst: Option<u32>,
    #[serde(default)]
    pub applies_to: AppliesTo,
    /// Units one request consumes; 0 counts nothing (the rule only reports).
    #[serde(default = "one")]
    pub cost_per_request: u32,
    #[serde(default)]
    pub key: LimitKey,
    /// Route templates such as `POST /api/v1/jobs`; empty = every route `applies_to` selects.
    #[serde(default)]
    pub routes: Vec<String>,
}

fn one() -> u32 {
    1
}

/// The defaults for everyone (`id` = `default`) or one user's override (`id` = the user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitPolicy {
    /// Always `rate_limit_policy`.
    pub kind: String,
    pub id: String,
    /// Bumped by every change; the `ETag`. 0 for defaults never changed since start.
    pub version: u64,
    /// Left out on the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub policies: Vec<RateLimitRule>,
}

/// `PUT /rate_limit_policies/default` and `PUT /users/{id}/rate_limit_policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitPolicyUpdate {
    /// 1–16 rules with distinct names.
    pub policies: Vec<RateLimitRule>,
}

impl RequestBody for RateLimitPolicyUpdate {
    const FIELDS: &'static [&'static str] = &["policies"];
}

crate::envelope::page!(
    /// A page of policies: the defaults first, then every override by user id.
    RateLimitPolicyPage, rate_limit_policies, RateLimitPolicy
);

/// One rule's live state for a key, as the `RateLimit` header reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitState {
    pub name: String,
    pub quota: u32,
    pub window_seconds: u32,
    pub burst: u32,
    pub key: LimitKey,
    /// Requests admitted now, back to back.
    pub remaining: u64,
    /// Seconds until the rule is back to its full allowance.
    pub reset_seconds: u64,
}

/// `GET /rate_limit`: every rule for the key asked about. Reading it consumes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitStatus {
    /// Always `rate_limit`.
    pub kind: String,
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// `redis`, or `fallback` while Redis is unreachable (per-instance counts).
    pub source: String,
    /// Version of the policy document applied (the user's override, else the defaults).
    pub policy_version: u64,
    pub policies: Vec<RateLimitState>,
}
