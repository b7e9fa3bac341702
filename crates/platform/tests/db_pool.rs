//! The MariaDB pool against a real MariaDB: sqlx pings a connection when it is released,
//! and by default pings it again when it is acquired. A connection acquired straight
//! after its release must cost no second ping. The session's own `Com_admin_commands`
//! (which counts `COM_PING`) tells, so other clients of the server cannot disturb it.

use platform::config::DatabaseSettings;
use platform::testing::scratch_database;
use sqlx::MySqlPool;

/// The admin commands (pings) this session has received so far, read on a connection
/// acquired from `pool` and released again.
async fn pings_so_far(pool: &MySqlPool) -> u64 {
    let mut conn = pool.acquire().await.expect("a connection");
    let (_, value): (String, String) =
        sqlx::query_as("SHOW SESSION STATUS LIKE 'Com_admin_commands'")
            .fetch_one(&mut *conn)
            .await
            .expect("the session's status");
    value.parse().expect("a count")
}

#[tokio::test]
async fn a_connection_reused_at_once_is_pinged_only_on_release() {
    let settings = DatabaseSettings {
        url: scratch_database().await,
        max_connections: 1,
    };
    for pool in [
        platform::db::connect(&settings).await.expect("pool"),
        platform::db::connect_repeatable_read(&settings)
            .await
            .expect("pool"),
    ] {
        let first = pings_so_far(&pool).await;
        // One connection: this acquire waits for the release (and its ping) above.
        let second = pings_so_far(&pool).await;
        let third = pings_so_far(&pool).await;
        assert_eq!(
            second - first,
            1,
            "the release ping, and no ping on acquire"
        );
        assert_eq!(third - second, 1, "the same on every reuse");
    }
}
