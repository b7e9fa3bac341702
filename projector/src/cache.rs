//! After a commit, and only then: write changed resources through to the Redis cache
//! (never replacing a newer version) and publish one `ChangeNotification`. Redis is a
//! hint, not the truth: a failure here is logged and counted, never retried into the
//! database path, and never rolls anything back.

use std::sync::LazyLock;

use deadpool_redis::redis;
use platform::redis::Pool;
use views::notify::{ChangeNotification, cache_key, changes_channel};

use crate::batch::BatchReport;

/// For each i, sets KEYS[i] to ARGV[2i] unless the cached value's `version` is at least
/// ARGV[2i-1]; returns how many it set.
const SET_IF_NEWER: &str = r"
local written = 0
for i, key in ipairs(KEYS) do
  local version = tonumber(ARGV[2 * i - 1])
  local current = redis.call('GET', key)
  local newer = true
  if current then
    local ok, doc = pcall(cjson.decode, current)
    if ok and type(doc) == 'table' and tonumber(doc['version']) ~= nil
       and tonumber(doc['version']) >= version then
      newer = false
    end
  end
  if newer then
    redis.call('SET', key, ARGV[2 * i])
    written = written + 1
  end
end
return written
";

/// `SET_IF_NEWER` with its SHA1, so each call names the script by its hash instead of
/// sending (and having Redis hash) its source.
static SET_IF_NEWER_SCRIPT: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(SET_IF_NEWER));

/// Changes per script call: one call's fixed cost (Redis sets up a Lua call per
/// `EVALSHA`) is shared by many keys, while a call, which blocks Redis while it runs,
/// stays short (a few hundred small GET/SETs).
const CHANGES_PER_CALL: usize = 256;

#[derive(Clone)]
pub struct Publisher {
    pool: Pool,
    prefix: String,
}

impl Publisher {
    pub fn new(pool: Pool, prefix: &str) -> Self {
        Self {
            pool,
            prefix: prefix.to_owned(),
        }
    }

    /// Caches every change of a committed transaction, then announces each partition's
    /// new checkpoint (even when nothing changed, so consistency-token waiters wake up).
    ///
    /// A failed attempt is made once more (`platform::redis::idempotent`): an entry left
    /// unwritten would serve its old version until the resource changes again. Repeating
    /// is harmless: the writes are version-guarded and a notification names a position,
    /// which readers only move forward.
    pub async fn publish(&self, reports: &[&BatchReport]) -> anyhow::Result<()> {
        if reports.is_empty() {
            return Ok(());
        }
        platform::redis::idempotent(|| self.publish_once(reports)).await
    }

    async fn publish_once(&self, reports: &[&BatchReport]) -> anyhow::Result<()> {
        let mut conn = self.pool.get().await?;
        // One round trip: every compare-and-set, then the notifications, pipelined in order.
        let mut pipe = redis::pipe();
        if reports.iter().any(|r| !r.changes.is_empty()) {
            // Loading is idempotent, and in the same pipeline it precedes every EVALSHA on
            // this connection, so none can meet NOSCRIPT (a restart or SCRIPT FLUSH
            // between pipelines included).
            pipe.cmd("SCRIPT").arg("LOAD").arg(SET_IF_NEWER).ignore();
        }
        for report in reports {
            self.add_report(&mut pipe, report)?;
        }
        let () = pipe.query_async(&mut conn).await?;
        Ok(())
    }

    /// One partition's compare-and-sets, then its notification.
    fn add_report(&self, pipe: &mut redis::Pipeline, report: &BatchReport) -> anyhow::Result<()> {
        let changes: Vec<_> = report.changes.values().collect();
        for chunk in changes.chunks(CHANGES_PER_CALL) {
            let call = pipe
                .cmd("EVALSHA")
                .arg(SET_IF_NEWER_SCRIPT.get_hash())
                .arg(chunk.len());
            for change in chunk {
                call.arg(cache_key(&self.prefix, change.kind, &change.id));
            }
            for change in chunk {
                call.arg(change.version).arg(&change.json);
            }
            call.ignore();
        }
        let notification = ChangeNotification {
            partition: report.partition,
            next_offset: report.next_offset,
            aggregates: report.changes.keys().cloned().collect(),
        };
        pipe.cmd("PUBLISH")
            .arg(changes_channel(&self.prefix))
            .arg(serde_json::to_string(&notification)?)
            .ignore();
        Ok(())
    }
}
