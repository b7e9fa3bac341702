//! The Redis pool (deadpool) and a readiness ping. Keys and channels always carry the
//! configured prefix so tests and environments never collide. Connections never leave
//! Nagle's algorithm on.

use deadpool_redis::redis::{ConnectionInfo, IntoConnectionInfo};
use deadpool_redis::{Manager, Pool, Runtime};

use crate::config::RedisSettings;

/// A pool of multiplexed connections to `settings.url`, each with `TCP_NODELAY`.
pub fn pool(settings: &RedisSettings) -> anyhow::Result<Pool> {
    let manager = Manager::new(connection_info(&settings.url)?)?;
    Ok(Pool::builder(manager).runtime(Runtime::Tokio1).build()?)
}

/// The URL's connection settings with `TCP_NODELAY` on. redis-rs leaves it off by
/// default, and a multiplexed connection writes the next command while the previous
/// one's packet may still be unacknowledged: Nagle would hold it for the peer's
/// delayed ACK (~40 ms on Linux).
fn connection_info(url: &str) -> anyhow::Result<ConnectionInfo> {
    let info = url.into_connection_info()?;
    let tcp = info.tcp_settings().clone().set_nodelay(true);
    Ok(info.set_tcp_settings(tcp))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_disable_nagle() {
        let info = connection_info("redis://127.0.0.1:6379/2").unwrap();
        assert!(info.tcp_settings().nodelay());
        assert_eq!(info.redis_settings().db(), 2, "the rest of the URL is kept");
    }
}
