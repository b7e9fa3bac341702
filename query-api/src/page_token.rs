//! Opaque keyset cursors (api.md §3): base64url of a JSON payload followed by its
//! HMAC-SHA256. A token is only accepted with the same filter and order it was issued
//! for and within its lifetime. It must never carry anything the client may not see.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::QueryError;

const MAC_LEN: usize = 32;
const MAX_TOKEN_LEN: usize = 1024;

/// Where the previous page ended, and for which query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "f")]
    pub filter_hash: String,
    #[serde(rename = "o")]
    pub order_by: String,
    /// The sort column of the last row: RFC 3339 (microseconds) or a name.
    #[serde(rename = "k")]
    pub last_sort_key: String,
    #[serde(rename = "i")]
    pub last_id: Uuid,
    /// Unix seconds.
    #[serde(rename = "t")]
    pub issued_at: i64,
}

/// Signs and verifies cursors.
#[derive(Clone)]
pub struct PageTokenKey {
    secret: Vec<u8>,
    ttl: Duration,
}

impl PageTokenKey {
    pub fn new(secret: &str, ttl_hours: i64) -> Self {
        Self {
            secret: secret.as_bytes().to_vec(),
            ttl: Duration::hours(ttl_hours),
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC accepts any key length")
    }

    pub fn encode(&self, cursor: &Cursor) -> String {
        let mut bytes = serde_json::to_vec(cursor).expect("a cursor serializes");
        let mut mac = self.mac();
        mac.update(&bytes);
        bytes.extend_from_slice(&mac.finalize().into_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Verifies `token` for this query: signature, filter, order, then age.
    pub fn decode(
        &self,
        token: &str,
        filter_hash: &str,
        order_by: &str,
        now: DateTime<Utc>,
    ) -> Result<Cursor, QueryError> {
        let cursor = self.verify(token).ok_or(QueryError::InvalidPageToken)?;
        if cursor.filter_hash != filter_hash || cursor.order_by != order_by {
            return Err(QueryError::InvalidPageToken);
        }
        let issued =
            DateTime::from_timestamp(cursor.issued_at, 0).ok_or(QueryError::InvalidPageToken)?;
        if now - issued > self.ttl {
            return Err(QueryError::PageTokenExpired);
        }
        Ok(cursor)
    }

    fn verify(&self, token: &str) -> Option<Cursor> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        let split = bytes.len().checked_sub(MAC_LEN)?;
        let (payload, tag) = bytes.split_at(split);
        let mut mac = self.mac();
        mac.update(payload);
        mac.verify_slice(tag).ok()?;
        serde_json::from_slice(payload).ok()
    }
}

/// A stable digest of the query parameters a cursor is bound to.
pub fn filter_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(&hasher.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(issued_at: i64) -> Cursor {
        Cursor {
            filter_hash: filter_hash(&["status=active"]),
            order_by: "created_at desc".into(),
            last_sort_key: "2026-11-20T09:14:03.000001Z".into(),
            last_id: Uuid::now_v7(),
            issued_at,
        }
    }

    #[test]
    fn round_trips_only_for_the_same_query() {
        let key = PageTokenKey::new("secret", 72);
        let now = Utc::now();
        let c = cursor(now.timestamp());
        let token = key.encode(&c);
        assert_eq!(
            key.decode(&token, &c.filter_hash, &c.order_by, now)
                .unwrap(),
            c
        );
        let other = filter_hash(&["status=off"]);
        assert!(matches!(
            key.decode(&token, &other, &c.order_by, now),
            Err(QueryError::InvalidPageToken)
        ));
        assert!(matches!(
            key.decode(&token, &c.filter_hash, "name", now),
            Err(QueryError::InvalidPageToken)
        ));
    }

    #[test]
    fn tampered_foreign_and_old_tokens_are_refused() {
        let key = PageTokenKey::new("secret", 72);
        let now = Utc::now();
        let c = cursor(now.timestamp());
        let mut token = key.encode(&c).into_bytes();
        token[5] = if token[5] == b'A' { b'B' } else { b'A' };
        let token = String::from_utf8(token).unwrap();
        assert!(
            key.decode(&token, &c.filter_hash, &c.order_by, now)
                .is_err()
        );
        let foreign = PageTokenKey::new("other", 72).encode(&c);
        assert!(
            key.decode(&foreign, &c.filter_hash, &c.order_by, now)
                .is_err()
        );
        let old = cursor((now - Duration::hours(73)).timestamp());
        let result = key.decode(&key.encode(&old), &old.filter_hash, &old.order_by, now);
        assert!(matches!(result, Err(QueryError::PageTokenExpired)));
    }
}
