//! Policy documents in Redis: the stored defaults (`<prefix>rlp:default`) and one
//! override per user (`<prefix>rlp:user:<id>`, indexed in the sorted set
//! `<prefix>rlp:users` for the paged list). The limiter script reads the same keys on
//! every request, so a change applies on the very next request in every instance.
//! Writes are compare-and-set on the version (`put.lua`, `delete.lua`; plain `EVAL`, as
//! admin writes are rare): an older version can never overwrite a newer one, and
//! `If-Match` is checked where the write happens.

use contract::rate_limit::{RateLimitPolicy, RateLimitRule};
use deadpool_redis::redis::{self, AsyncCommands};

const PUT: &str = include_str!("put.lua");
const DELETE: &str = include_str!("delete.lua");

pub const KIND: &str = "rate_limit_policy";
pub const DEFAULT_ID: &str = "default";

/// Key names under one prefix.
#[derive(Debug, Clone)]
pub struct Keys {
    bucket_prefix: String,
    default_key: String,
    user_prefix: String,
    index: String,
}

impl Keys {
    pub fn new(prefix: &str) -> Self {
        Self {
            bucket_prefix: format!("{prefix}rl:"),
            default_key: format!("{prefix}rlp:default"),
            user_prefix: format!("{prefix}rlp:user:"),
            index: format!("{prefix}rlp:users"),
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
        format!("{}{user_id}", self.user_prefix)
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

/// What a conditional write found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    Stored(RateLimitPolicy),
    /// The stored version is not the expected one.
    VersionMismatch {
        current: u64,
    },
    /// Nothing to delete.
    Missing,
}

/// `If-Match` as the store understands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Any,
    Version(u64),
}

pub async fn get(
    pool: &deadpool_redis::Pool,
    key: &str,
) -> anyhow::Result<Option<RateLimitPolicy>> {
    let mut conn = pool.get().await?;
    let raw: Option<String> = conn.get(key).await?;
    raw.map(|r| serde_json::from_str(&r).map_err(Into::into))
        .transpose()
}

/// Stores `rules` as the document of `user_id` (or the defaults when `None`).
/// `configured` is the version a missing document has (0: the configured defaults).
pub async fn put(
    pool: &deadpool_redis::Pool,
    keys: &Keys,
    user_id: Option<&str>,
    rules: &[RateLimitRule],
    expected: Expected,
) -> anyhow::Result<Written> {
    let (key, index_member) = match user_id {
        Some(user) => (keys.user(user), user),
        None => (keys.default_key.clone(), ""),
    };
    let mut conn = pool.get().await?;
    // "Any version" reads the current one and retries if it moved meanwhile.
    for _ in 0..5 {
        let current = match expected {
            Expected::Version(v) => v,
            Expected::Any => current_version(&mut conn, &key).await?,
        };
        let id = user_id.unwrap_or(DEFAULT_ID);
        let doc = document(id, user_id, rules, current + 1);
        let (stored, found): (i64, u64) = redis::cmd("EVAL")
            .arg(PUT)
            .arg(2)
            .arg(&key)
            .arg(&keys.index)
            .arg(current)
            .arg(serde_json::to_string(&doc)?)
            .arg(index_member)
            .query_async(&mut conn)
            .await?;
        match (stored, expected) {
            (1, _) => return Ok(Written::Stored(doc)),
            (_, Expected::Version(_)) => return Ok(Written::VersionMismatch { current: found }),
            (_, Expected::Any) => continue,
        }
    }
    anyhow::bail!("the policy kept changing while it was written")
}

/// Deletes a user's override.
pub async fn delete(
    pool: &deadpool_redis::Pool,
    keys: &Keys,
    user_id: &str,
    expected: Expected,
) -> anyhow::Result<Written> {
    let mut conn = pool.get().await?;
    let expected_arg = match expected {
        Expected::Any => "*".to_owned(),
        Expected::Version(v) => v.to_string(),
    };
    let (outcome, found): (i64, u64) = redis::cmd("EVAL")
        .arg(DELETE)
        .arg(2)
        .arg(keys.user(user_id))
        .arg(&keys.index)
        .arg(expected_arg)
        .arg(user_id)
        .query_async(&mut conn)
        .await?;
    Ok(match outcome {
        1 => Written::Stored(document(user_id, Some(user_id), &[], found)),
        0 => Written::Missing,
        _ => Written::VersionMismatch { current: found },
    })
}

/// One page of user overrides in user id order, after `after`; and their total.
pub async fn list_users(
    pool: &deadpool_redis::Pool,
    keys: &Keys,
    after: Option<&str>,
    limit: usize,
) -> anyhow::Result<(Vec<RateLimitPolicy>, u64)> {
    let mut conn = pool.get().await?;
    let min = after.map_or_else(|| "-".to_owned(), |a| format!("({a}"));
    let ids: Vec<String> = redis::cmd("ZRANGEBYLEX")
        .arg(&keys.index)
        .arg(min)
        .arg("+")
        .arg("LIMIT")
        .arg(0)
        .arg(limit)
        .query_async(&mut conn)
        .await?;
    let total: u64 = conn.zcard(&keys.index).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), total));
    }
    let doc_keys: Vec<String> = ids.iter().map(|id| keys.user(id)).collect();
    let raws: Vec<Option<String>> = redis::cmd("MGET")
        .arg(&doc_keys)
        .query_async(&mut conn)
        .await?;
    let docs = raws
        .into_iter()
        .flatten()
        .map(|raw| serde_json::from_str(&raw))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((docs, total))
}

async fn current_version(conn: &mut deadpool_redis::Connection, key: &str) -> anyhow::Result<u64> {
    let raw: Option<String> = conn.get(key).await?;
    Ok(match raw {
        Some(raw) => serde_json::from_str::<RateLimitPolicy>(&raw)?.version,
        None => 0,
    })
}
