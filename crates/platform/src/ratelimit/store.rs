//! Where the limiter finds policy documents in Redis, and how they are written there.
//! A document is the JSON of a `rate_limit_policy` read-model row (its key and id come
//! from the binary, which knows the aggregate; this crate knows no domain). The
//! projector writes it after each commit and command-api right after read-back, both
//! through `publish`: compare-and-set on `version`, so an older document never replaces
//! a newer one. The limiter script reads it on every request, so a change applies on
//! the very next request in every instance and Redis can always be rebuilt from the log.

use contract::rate_limit::{RateLimitPolicy, RateLimitRule};
use deadpool_redis::redis;

pub const KIND: &str = "rate_limit_policy";
pub const DEFAULT_ID: &str = "default";

/// The Redis key of the policy document of a user (`None`: the defaults), under a prefix.
pub type DocumentKey = fn(prefix: &str, user: Option<&str>) -> String;

/// Sets KEYS[1] to ARGV[2] unless the stored document's `version` is at least ARGV[1].
const SET_IF_NEWER: &str = r"
local current = redis.call('GET', KEYS[1])
if current then
  local ok, doc = pcall(cjson.decode, current)
  if ok and type(doc) == 'table' and tonumber(doc['version']) ~= nil
     and tonumber(doc['version']) >= tonumber(ARGV[1]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[2])
return 1
";

/// Key names under one prefix.
#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
    bucket_prefix: String,
    default_key: String,
    document_key: DocumentKey,
}

impl Keys {
    pub fn new(prefix: &str, document_key: DocumentKey) -> Self {
        Self {
            prefix: prefix.to_owned(),
            bucket_prefix: format!("{prefix}rl:"),
            default_key: document_key(prefix, None),
            document_key,
        }
    }

    /// `<prefix>rl:`; a bucket is `<prefix>rl:<policy>:<key>`.
    pub fn bucket_prefix(&self) -> &str {
        &self.bucket_prefix
    }

    pub fn default_key(&self) -> &str {
        &self.default_key
    }

    pub fn user(&self, user_id: &str) -> String {
        (self.document_key)(&self.prefix, Some(user_id))
    }

    pub fn default_document(&self, rules: &[RateLimitRule], version: u64) -> RateLimitPolicy {
        document(DEFAULT_ID, None, rules, version)
    }
}

pub fn document(
    id: &str,
    user_id: Option<&str>,
    rules: &[RateLimitRule],
    version: u64,
) -> RateLimitPolicy {
    RateLimitPolicy {
        kind: KIND.into(),
        id: id.into(),
        version,
        user_id: user_id.map(str::to_owned),
        policies: rules.to_vec(),
    }
}

/// Writes `json` (a document of `version`) to `key` unless a newer one is there;
/// returns whether it was written.
pub async fn publish(
    pool: &crate::redis::Pool,
    key: &str,
    version: u64,
    json: &str,
) -> anyhow::Result<bool> {
    let mut conn = pool.get().await?;
    let written: i64 = redis::cmd("EVAL")
        .arg(SET_IF_NEWER)
        .arg(1)
        .arg(key)
        .arg(version)
        .arg(json)
        .query_async(&mut conn)
        .await?;
    Ok(written == 1)
}
