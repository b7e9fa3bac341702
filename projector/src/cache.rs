//! After a commit, and only then: write changed resources through to the Redis cache
//! (never replacing a newer version) and publish one `ChangeNotification`. Redis is a
//! hint, not the truth: a failure here is logged and counted, never retried into the
//! database path, and never rolls anything back.

use deadpool_redis::Pool;
use deadpool_redis::redis;
use views::notify::{ChangeNotification, cache_key, changes_channel};

use crate::batch::BatchReport;

/// Sets KEYS[1] to ARGV[2] unless the cached value's `version` is at least ARGV[1].
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
    pub async fn publish(&self, reports: &[&BatchReport]) -> anyhow::Result<()> {
        if reports.is_empty() {
            return Ok(());
        }
        let mut conn = self.pool.get().await?;
        // One round trip: every compare-and-set, then the notifications, pipelined in order.
        let mut pipe = redis::pipe();
        for report in reports {
            self.add_report(&mut pipe, report)?;
        }
        let () = pipe.query_async(&mut conn).await?;
        Ok(())
    }

    /// One partition's compare-and-sets, then its notification.
    fn add_report(&self, pipe: &mut redis::Pipeline, report: &BatchReport) -> anyhow::Result<()> {
        for change in report.changes.values() {
            let key = cache_key(&self.prefix, change.kind, &change.id);
            pipe.cmd("EVAL")
                .arg(SET_IF_NEWER)
                .arg(1)
                .arg(key)
                .arg(change.version)
                .arg(&change.json)
                .ignore();
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
