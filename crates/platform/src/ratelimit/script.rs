//! The one Redis round trip per request: `EVALSHA` of `gcra.lua`, loaded once per
//! process and reloaded when Redis answers `NOSCRIPT` (after a restart or `SCRIPT
//! FLUSH`). It decodes the script's answer into `Verdict`s and never decides anything
//! itself: the algorithm lives in the script, where it is atomic.

use std::sync::RwLock;

use deadpool_redis::redis::{self, Value};

use super::Mode;
use super::verdict::{RuleState, Verdict};

const SOURCE: &str = include_str!("gcra.lua");

/// What the script needs to know about one request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The user's override document key and the stored defaults' key.
    pub user_doc: &'a str,
    pub default_doc: &'a str,
    /// Bucket key prefix, e.g. `cg:v1:rl:`.
    pub bucket_prefix: &'a str,
    /// The configured defaults as a policy document (JSON), used when none is stored.
    pub fallback_doc: &'a str,
    pub mutation: bool,
    /// `METHOD /api/v1/template`.
    pub route: &'a str,
    pub user: &'a str,
    pub cluster: Option<&'a str>,
    pub mode: Mode,
}

/// The loaded script's SHA1, shared by every request of the process.
#[derive(Debug, Default)]
pub struct Script {
    sha: RwLock<Option<String>>,
}

impl Script {
    pub async fn run(
        &self,
        conn: &mut crate::redis::Connection,
        request: &Request<'_>,
    ) -> redis::RedisResult<Verdict> {
        let sha = match self.sha() {
            Some(sha) => sha,
            None => self.load(conn).await?,
        };
        let answer = match invocation(&sha, request).query_async(conn).await {
            Err(error) if error.code() == Some("NOSCRIPT") => {
                let sha = self.load(conn).await?;
                invocation(&sha, request).query_async(conn).await?
            }
            other => other?,
        };
        decode(answer)
    }

    #[cfg(test)]
    pub fn pretend_loaded(&self, sha: &str) {
        *self.sha.write().unwrap_or_else(|p| p.into_inner()) = Some(sha.to_owned());
    }

    fn sha(&self) -> Option<String> {
        self.sha.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    async fn load(&self, conn: &mut crate::redis::Connection) -> redis::RedisResult<String> {
        let sha: String = redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(SOURCE)
            .query_async(conn)
            .await?;
        *self.sha.write().unwrap_or_else(|p| p.into_inner()) = Some(sha.clone());
        Ok(sha)
    }
}

fn invocation(sha: &str, r: &Request<'_>) -> redis::Cmd {
    let mut cmd = redis::cmd("EVALSHA");
    cmd.arg(sha)
        .arg(2)
        .arg(r.user_doc)
        .arg(r.default_doc)
        .arg(r.bucket_prefix)
        .arg(r.fallback_doc)
        .arg(if r.mutation { "mutations" } else { "reads" })
        .arg(r.route)
        .arg(r.user)
        .arg(r.cluster.unwrap_or(""))
        .arg(match r.mode {
            Mode::Consume => "0",
            Mode::Peek => "1",
            Mode::Report => "2",
        });
    cmd
}

fn decode(answer: Value) -> redis::RedisResult<Verdict> {
    let malformed = || redis::RedisError::from((redis::ErrorKind::Parse, "unexpected GCRA answer"));
    let Value::Array(top) = answer else {
        return Err(malformed());
    };
    let [version, limited, Value::Array(rows)] = top.as_slice() else {
        return Err(malformed());
    };
    let rules = rows
        .iter()
        .map(|row| decode_row(row).ok_or_else(malformed))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Verdict {
        version: int(version).ok_or_else(malformed)? as u64,
        limited: int(limited).ok_or_else(malformed)? == 1,
        rules,
        fallback: false,
    })
}

fn decode_row(row: &Value) -> Option<RuleState> {
    let Value::Array(fields) = row else {
        return None;
    };
    let [
        name,
        quota,
        window,
        burst,
        limited,
        remaining,
        reset,
        retry,
        key,
    ] = fields.as_slice()
    else {
        return None;
    };
    Some(RuleState {
        name: text(name)?,
        quota: int(quota)?.try_into().ok()?,
        window_seconds: int(window)?.try_into().ok()?,
        burst: int(burst)?.try_into().ok()?,
        limited: int(limited)? == 1,
        remaining: int(remaining)?.max(0) as u64,
        reset_us: int(reset)?.max(0) as u64,
        retry_after_us: int(retry)?.max(0) as u64,
        key: text(key)?,
    })
}

fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(*n),
        _ => None,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes.clone()).ok(),
        Value::SimpleString(s) => Some(s.clone()),
        _ => None,
    }
}
