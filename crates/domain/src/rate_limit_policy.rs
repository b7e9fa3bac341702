//! The RateLimitPolicy aggregate (api.md §8): the rate-limit rules for everyone (the
//! defaults) or for one user (an override), set and deleted by admins. Its id is a
//! function of its target, so every write for one target meets the same single writer
//! and its version is the `ETag`. The rules are kept as the canonical JSON text the
//! limiter reads: their meaning (GCRA, matching, validation) belongs to the limiter in
//! `platform::ratelimit`, and this aggregate only orders the changes. A deleted override
//! keeps its version, so an old `ETag` never matches a later one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Aggregate;
use crate::rejection::{DomainError, Rejection, RejectionKind};

/// Namespace of policy ids: UUIDv5(namespace, "default" | "user/<id>").
const NAMESPACE: Uuid = Uuid::from_u128(0x0b5e_7c3a_9d41_4e62_8f0a_6c2d_1e9b_7a44);

/// Whose limits a policy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Default,
    User(String),
}

impl Target {
    /// `default`, or the user id: the owner of the aggregate and its resource id.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Default => "default",
            Self::User(id) => id,
        }
    }
}

/// The aggregate id of `target`'s policy.
pub fn policy_id(target: &Target) -> Uuid {
    let key = match target {
        Target::Default => "default".to_owned(),
        Target::User(id) => format!("user/{id}"),
    };
    Uuid::new_v5(&NAMESPACE, key.as_bytes())
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RateLimitPolicy {
    pub id: Uuid,
    pub target: Option<Target>,
    /// Canonical JSON array of rules, as validated by the limiter.
    pub rules: String,
    pub deleted: bool,
    pub version: u64,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyCommand {
    Set {
        target: Target,
        rules: String,
        at: DateTime<Utc>,
    },
    Delete {
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyEvent {
    Set {
        target: Target,
        rules: String,
        at: DateTime<Utc>,
    },
    Deleted {
        at: DateTime<Utc>,
    },
}

impl PolicyEvent {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Set { .. } => "rate_limit_policy.set",
            Self::Deleted { .. } => "rate_limit_policy.deleted",
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Set { at, .. } | Self::Deleted { at } => *at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("there is no such rate-limit policy")]
    NotFound,
    #[error("a policy cannot change its target")]
    OtherTarget,
}

impl DomainError for PolicyError {
    fn rejection(&self) -> Rejection {
        match self {
            Self::NotFound => Rejection::new(
                RejectionKind::NotFound,
                "rate_limit_policy",
                "there is no such rate-limit policy",
            ),
            Self::OtherTarget => Rejection::new(
                RejectionKind::Invalid,
                "rate_limit_policy",
                "a policy cannot change its target",
            ),
        }
    }
}

impl RateLimitPolicy {
    /// Whether it holds rules now (created and not deleted since).
    pub fn is_live(&self) -> bool {
        self.version > 0 && !self.deleted
    }
}

impl Aggregate for RateLimitPolicy {
    const NAME: &'static str = "rate_limit_policy";
    type Command = PolicyCommand;
    type Event = PolicyEvent;
    type Error = PolicyError;

    fn decide(&self, command: &PolicyCommand) -> Result<Vec<PolicyEvent>, PolicyError> {
        match command {
            PolicyCommand::Set { target, rules, at } => {
                if self.target.as_ref().is_some_and(|t| t != target) {
                    return Err(PolicyError::OtherTarget);
                }
                if self.is_live() && self.rules == *rules {
                    return Ok(Vec::new());
                }
                Ok(vec![PolicyEvent::Set {
                    target: target.clone(),
                    rules: rules.clone(),
                    at: *at,
                }])
            }
            PolicyCommand::Delete { at } if self.is_live() => {
                Ok(vec![PolicyEvent::Deleted { at: *at }])
            }
            PolicyCommand::Delete { .. } => Err(PolicyError::NotFound),
        }
    }

    fn evolve(mut self, event: &PolicyEvent) -> Self {
        self.version += 1;
        self.updated_at = Some(event.at());
        match event {
            PolicyEvent::Set { target, rules, at } => {
                self.id = policy_id(target);
                self.target = Some(target.clone());
                self.rules.clone_from(rules);
                self.deleted = false;
                self.created_at.get_or_insert(*at);
            }
            PolicyEvent::Deleted { .. } => self.deleted = true,
        }
        self
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn exists(&self) -> bool {
        self.version > 0
    }

    fn owner(&self) -> &str {
        self.target.as_ref().map_or("", Target::as_str)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::testing::Scenario;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0)
            .single()
            .expect("time")
    }

    fn alice() -> Target {
        Target::User("alice".into())
    }

    fn set(rules: &str) -> PolicyEvent {
        PolicyEvent::Set {
            target: alice(),
            rules: rules.into(),
            at: at(),
        }
    }

    fn set_command(target: Target, rules: &str) -> PolicyCommand {
        PolicyCommand::Set {
            target,
            rules: rules.into(),
            at: at(),
        }
    }

    #[test]
    fn setting_rules_creates_then_replaces_them() {
        Scenario::<RateLimitPolicy>::given(vec![])
            .when(set_command(alice(), "[1]"))
            .then(vec![set("[1]")]);
        Scenario::<RateLimitPolicy>::given(vec![set("[1]")])
            .when(set_command(alice(), "[2]"))
            .then(vec![set("[2]")]);
    }

    #[test]
    fn the_same_rules_again_change_nothing() {
        Scenario::<RateLimitPolicy>::given(vec![set("[1]")])
            .when(set_command(alice(), "[1]"))
            .then(vec![]);
    }

    #[test]
    fn only_a_live_policy_is_deleted_and_it_can_be_set_again() {
        let deleted = PolicyEvent::Deleted { at: at() };
        Scenario::<RateLimitPolicy>::given(vec![])
            .when(PolicyCommand::Delete { at: at() })
            .then_error(PolicyError::NotFound);
        Scenario::<RateLimitPolicy>::given(vec![set("[1]")])
            .when(PolicyCommand::Delete { at: at() })
            .then(vec![deleted.clone()]);
        Scenario::<RateLimitPolicy>::given(vec![set("[1]"), deleted.clone()])
            .when(PolicyCommand::Delete { at: at() })
            .then_error(PolicyError::NotFound);
        Scenario::<RateLimitPolicy>::given(vec![set("[1]"), deleted])
            .when(set_command(alice(), "[1]"))
            .then(vec![set("[1]")]);
    }

    #[test]
    fn a_policy_keeps_its_target() {
        Scenario::<RateLimitPolicy>::given(vec![set("[1]")])
            .when(set_command(Target::Default, "[1]"))
            .then_error(PolicyError::OtherTarget);
    }

    #[test]
    fn versions_keep_counting_across_a_delete() {
        let state =
            RateLimitPolicy::replay(&[set("[1]"), PolicyEvent::Deleted { at: at() }, set("[2]")]);
        assert_eq!((state.version, state.is_live()), (3, true));
        assert_eq!(state.id, policy_id(&alice()));
        assert_ne!(policy_id(&alice()), policy_id(&Target::Default));
    }
}
