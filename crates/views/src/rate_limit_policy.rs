//! The rate-limit policy row (table `rate_limit_policy`) and its representation (api.md
//! §8). The projector writes it to MariaDB for query-api's reads and, like every row, as
//! JSON to the Redis cache key `cache_key(prefix, "rate_limit_policy", id)` (never
//! replacing a newer version); command-api writes the same JSON there after read-back.
//! The limiter reads that key on every request, so the row's JSON is the limiter's
//! policy document: it must keep `version`, `deleted` and `policies` (JSON text).

use chrono::{DateTime, Utc};
use contract::rate_limit::{RateLimitPolicy as Resource, RateLimitRule};
use domain::rate_limit_policy::{RateLimitPolicy, Target, policy_id};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::notify::cache_key;
use crate::row::{Bound, StateRow, from_json_text, to_value};

/// Every column of `rate_limit_policy`, in the order of `COLUMNS`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct RateLimitPolicyRow {
    pub policy_id: Uuid,
    /// `default`, or the user id.
    pub owner: String,
    /// `None` for the defaults.
    pub user_id: Option<String>,
    /// JSON array of rules.
    pub policies: String,
    pub deleted: bool,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The Redis key of the policy document of `user` (`None`: the defaults).
pub fn document_key(prefix: &str, user: Option<&str>) -> String {
    let target = user.map_or(Target::Default, |u| Target::User(u.to_owned()));
    let kind = <RateLimitPolicy as domain::Aggregate>::NAME;
    cache_key(prefix, kind, &policy_id(&target).to_string())
}

impl RateLimitPolicyRow {
    /// The rules, as the contract types (an unreadable column reads as none).
    pub fn rules(&self) -> Vec<RateLimitRule> {
        from_json_text(&self.policies, "policies").unwrap_or_default()
    }
}

impl StateRow for RateLimitPolicyRow {
    type State = RateLimitPolicy;
    const TABLE: &'static str = "rate_limit_policy";
    const ID_COLUMN: &'static str = "policy_id";
    const COLUMNS: &'static [&'static str] = &[
        "policy_id",
        "owner",
        "user_id",
        "policies",
        "deleted",
        "version",
        "created_at",
        "updated_at",
    ];

    fn from_state(state: &RateLimitPolicy) -> Option<Self> {
        let target = state.target.as_ref()?;
        Some(Self {
            policy_id: state.id,
            owner: target.as_str().to_owned(),
            user_id: match target {
                Target::Default => None,
                Target::User(id) => Some(id.clone()),
            },
            policies: state.rules.clone(),
            deleted: state.deleted,
            version: state.version,
            created_at: state.created_at.unwrap_or_default(),
            updated_at: state.updated_at.unwrap_or_default(),
        })
    }

    fn to_state(&self) -> Result<RateLimitPolicy, String> {
        Ok(RateLimitPolicy {
            id: self.policy_id,
            target: Some(match &self.user_id {
                None => Target::Default,
                Some(id) => Target::User(id.clone()),
            }),
            rules: self.policies.clone(),
            deleted: self.deleted,
            version: self.version,
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        })
    }

    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.policy_id)
            .bind(&self.owner)
            .bind(&self.user_id)
            .bind(&self.policies)
            .bind(self.deleted)
            .bind(self.version)
            .bind(self.created_at)
            .bind(self.updated_at)
    }

    fn id(&self) -> Uuid {
        self.policy_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        &self.owner
    }

    fn to_resource(&self) -> Value {
        to_value(&Resource {
            kind: "rate_limit_policy".into(),
            id: self.owner.clone(),
            version: self.version,
            user_id: self.user_id.clone(),
            policies: if self.deleted {
                Vec::new()
            } else {
                self.rules()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::Aggregate;
    use domain::rate_limit_policy::PolicyEvent;

    use super::*;

    #[test]
    fn the_row_is_a_lossless_copy_and_renders_the_resource() {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 2, 9, 0, 0)
            .single()
            .expect("time");
        let rules = r#"[{"name":"strict","quota":1,"window_seconds":60,"burst":0,"applies_to":"all","cost_per_request":1,"key":"user","routes":[]}]"#;
        let state = RateLimitPolicy::replay(&[PolicyEvent::Set {
            target: Target::User("alice".into()),
            rules: rules.into(),
            at,
        }]);
        let row = RateLimitPolicyRow::from_state(&state).expect("created");
        assert_eq!(row.to_state(), Ok(state));
        let resource = row.to_resource();
        assert_eq!(
            (resource["id"].as_str(), resource["version"].as_u64()),
            (Some("alice"), Some(1))
        );
        assert_eq!(resource["policies"][0]["name"], "strict");
        let cached: Value = serde_json::to_value(&row).expect("json");
        assert_eq!(
            (cached["version"].as_u64(), cached["deleted"].as_bool()),
            (Some(1), Some(false))
        );
        assert!(document_key("cg:v1:", Some("alice")).starts_with("cg:v1:rate_limit_policy:"));
    }
}
