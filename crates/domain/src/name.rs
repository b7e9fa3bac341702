//! `ResourceName`: a validated name of a droplet, cluster or node pool. Constructing one
//! is the only way to get a name into a command, so an invalid name can never reach the
//! log.

use std::fmt;

/// A resource name: 1–255 characters of ASCII letters, digits, `.` and `-`, starting and
/// ending with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ResourceName(String);

/// Why a string is not a valid resource name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidName {
    #[error("names must not be empty")]
    Empty,
    #[error("names are at most 255 characters")]
    TooLong,
    #[error("names may contain letters, digits, '.' and '-'")]
    BadCharacter,
    #[error("names must start and end with a letter or digit")]
    BadEdge,
}

impl ResourceName {
    pub const MAX_LEN: usize = 255;

    pub fn parse(raw: &str) -> Result<Self, InvalidName> {
        if raw.is_empty() {
            return Err(InvalidName::Empty);
        }
        if raw.len() > Self::MAX_LEN {
            return Err(InvalidName::TooLong);
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return Err(InvalidName::BadCharacter);
        }
        let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !edge_ok(raw.chars().next()) || !edge_ok(raw.chars().last()) {
            return Err(InvalidName::BadEdge);
        }
        Ok(Self(raw.to_owned()))
    }
}

impl AsRef<str> for ResourceName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ResourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_dns_like_names() {
        assert!(ResourceName::parse("web-1.example").is_ok());
        assert!(ResourceName::parse("a").is_ok());
    }

    #[test]
    fn rejects_each_rule() {
        assert_eq!(ResourceName::parse(""), Err(InvalidName::Empty));
        assert_eq!(
            ResourceName::parse(&"a".repeat(256)),
            Err(InvalidName::TooLong)
        );
        assert_eq!(ResourceName::parse("web_1"), Err(InvalidName::BadCharacter));
        assert_eq!(ResourceName::parse("-web"), Err(InvalidName::BadEdge));
        assert_eq!(ResourceName::parse("web."), Err(InvalidName::BadEdge));
    }
}
