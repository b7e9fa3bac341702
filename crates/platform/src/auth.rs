//! Bearer-token authentication: a token maps to a principal with a role (architecture.md
//! §11). Tokens are held only as SHA-256 digests after parsing, are never logged, and an
//! unknown or missing token is a 401 problem.

use std::collections::HashMap;
use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use sha2::{Digest, Sha256};

use crate::problem::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Member,
    Viewer,
}

impl Role {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "admin" => Some(Self::Admin),
            "member" => Some(Self::Member),
            "viewer" => Some(Self::Viewer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Viewer => "viewer",
        }
    }
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: String,
    pub role: Role,
}

impl Principal {
    /// Viewers read only; every mutation is refused before any lookup.
    pub fn require_mutation(&self) -> Result<(), Problem> {
        match self.role {
            Role::Viewer => Err(Problem::permission_denied(self.role.as_str())),
            Role::Admin | Role::Member => Ok(()),
        }
    }

    /// Whether this principal may see a resource owned by `owner`.
    pub fn can_see(&self, owner: &str) -> bool {
        self.role == Role::Admin || self.id == owner
    }
}

/// Token digests to principals.
#[derive(Debug, Clone, Default)]
pub struct TokenTable(HashMap<[u8; 32], Principal>);

#[derive(Debug, thiserror::Error)]
#[error("auth tokens: entry {index} is not 'token=principal:role' with a known role")]
pub struct BadTokenEntry {
    pub index: usize,
}

impl TokenTable {
    /// Parses `token=principal:role` entries separated by `;`.
    pub fn parse(raw: &str) -> Result<Self, BadTokenEntry> {
        let mut table = HashMap::new();
        for (index, entry) in raw
            .split(';')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .enumerate()
        {
            let parsed = entry.split_once('=').and_then(|(token, rest)| {
                let (principal, role) = rest.split_once(':')?;
                let role = Role::parse(role.trim())?;
                let ok = token.len() >= 16 && !principal.trim().is_empty();
                ok.then(|| {
                    (
                        digest(token.trim()),
                        Principal {
                            id: principal.trim().to_owned(),
                            role,
                        },
                    )
                })
            });
            let (key, principal) = parsed.ok_or(BadTokenEntry { index })?;
            table.insert(key, principal);
        }
        Ok(Self(table))
    }

    pub fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, Problem> {
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 512)
            .ok_or_else(Problem::unauthenticated)?;
        self.0
            .get(&digest(token))
            .cloned()
            .ok_or_else(Problem::unauthenticated)
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl FromRequest for Principal {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(table) = req.app_data::<web::Data<TokenTable>>() else {
            tracing::error!("no TokenTable registered; refusing every request");
            return ready(Err(Problem::unauthenticated()));
        };
        let header = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        ready(table.authenticate(header))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "aaaaaaaaaaaaaaaa=alice:member; bbbbbbbbbbbbbbbb=root:admin";

    #[test]
    fn known_tokens_map_to_principals() {
        let table = TokenTable::parse(TABLE).expect("valid");
        let alice = table
            .authenticate(Some("Bearer aaaaaaaaaaaaaaaa"))
            .expect("known");
        assert_eq!(
            alice,
            Principal {
                id: "alice".into(),
                role: Role::Member
            }
        );
    }

    #[test]
    fn unknown_missing_and_malformed_tokens_are_refused() {
        let table = TokenTable::parse(TABLE).expect("valid");
        for header in [
            None,
            Some("Bearer nope"),
            Some("Basic aaaaaaaaaaaaaaaa"),
            Some("Bearer "),
        ] {
            assert_eq!(
                table.authenticate(header).expect_err("refused").code,
                "UNAUTHENTICATED"
            );
        }
    }

    #[test]
    fn bad_entries_are_configuration_errors() {
        assert!(TokenTable::parse("short=alice:member").is_err());
        assert!(TokenTable::parse("aaaaaaaaaaaaaaaa=alice:god").is_err());
    }
}
