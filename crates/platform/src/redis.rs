//! The Redis pool (deadpool) and a readiness ping. Keys and channels always carry the
//! configured prefix so tests and environments never collide.

use deadpool_redis::{Config, Pool, Runtime};

use crate::config::RedisSettings;

pub fn pool(settings: &RedisSettings) -> anyhow::Result<Pool> {
    Ok(Config::from_url(&settings.url).create_pool(Some(Runtime::Tokio1))?)
}

pub async fn ping(pool: &Pool) -> bool {
    let Ok(mut conn) = pool.get().await else {
        return false;
    };
    deadpool_redis::redis::cmd("PING")
        .query_async::<String>(&mut conn)
        .await
        .is_ok()
}
