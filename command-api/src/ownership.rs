//! The ownership directory: which command-api instance serves which partition, kept in
//! Redis so an instance can forward a command for a partition it does not own. The log
//! stays the authority: an entry is only a hint, written when a claim is read back valid
//! and never replaced by a lower epoch; a stale hint costs one 503, never a wrong write.

use deadpool_redis::redis::{self, AsyncCommands};
use platform::redis::Pool;
use serde::{Deserialize, Serialize};

/// The serving writer of one partition, as its valid claim says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub epoch: u64,
    pub writer_id: String,
    pub url: String,
}

#[derive(Clone)]
pub struct Directory {
    pool: Pool,
    key_prefix: String,
    topic: String,
}

/// Sets the entry unless it already names an equal or higher epoch.
const PUBLISH: &str = r"
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).epoch >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
";

impl Directory {
    pub fn new(pool: Pool, key_prefix: &str, topic: &str) -> Self {
        Self {
            pool,
            key_prefix: key_prefix.to_owned(),
            topic: topic.to_owned(),
        }
    }

    fn key(&self, partition: i32) -> String {
        format!("{}ownership:{}:{partition}", self.key_prefix, self.topic)
    }

    /// Epoch-guarded, so a failed attempt is made once more (`platform::redis::idempotent`):
    /// a missed announcement would leave forwards on a stale hint until the next claim.
    pub async fn publish(&self, partition: i32, owner: &Owner) -> anyhow::Result<()> {
        let value = serde_json::to_string(owner)?;
        platform::redis::idempotent(|| self.set_if_newer(partition, owner.epoch, &value)).await
    }

    async fn set_if_newer(&self, partition: i32, epoch: u64, value: &str) -> anyhow::Result<()> {
        let mut conn = self.pool.get().await?;
        let _: i32 = redis::cmd("EVAL")
            .arg(PUBLISH)
            .arg(1)
            .arg(self.key(partition))
            .arg(epoch)
            .arg(value)
            .query_async(&mut conn)
            .await?;
        Ok(())
    }

    pub async fn lookup(&self, partition: i32) -> anyhow::Result<Option<Owner>> {
        let mut conn = self.pool.get().await?;
        let raw: Option<String> = conn.get(self.key(partition)).await?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }
}
