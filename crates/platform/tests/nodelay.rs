//! Every connection the services open to MariaDB and Redis has Nagle's algorithm off.
//! With it on, a small write that follows one the server never answers (sqlx's
//! `COM_STMT_CLOSE` before the next statement) waits for the server's delayed ACK, about
//! 40 ms on Linux: sqlx 0.9.0 and redis-rs's defaults both left `TCP_NODELAY` off. The
//! test reads the option back from the process's own sockets; it never changes them.

use std::net::SocketAddr;
use std::os::fd::BorrowedFd;

use platform::config::{DatabaseSettings, RedisSettings};
use platform::testing::{database_server_url, redis_url, scratch_database};
use socket2::SockRef;

/// `(peer, TCP_NODELAY)` of every connected TCP socket of this process.
fn tcp_sockets() -> Vec<(SocketAddr, bool)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc/self/fd").expect("Linux /proc") {
        let Some(fd) = entry
            .ok()
            .and_then(|e| e.file_name().to_str()?.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: only borrowed for the two getsockopt calls below; an fd closed in
        // between by another thread makes them fail, which skips it.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let socket = SockRef::from(&borrowed);
        let (Ok(peer), Ok(nodelay)) = (socket.peer_addr(), socket.tcp_nodelay()) else {
            continue;
        };
        if let Some(peer) = peer.as_socket() {
            found.push((peer, nodelay));
        }
    }
    found
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .and_then(|rest| rest.split('/').next()?.parse().ok())
        .unwrap_or_else(|| panic!("{url} names a TCP port"))
}

fn assert_no_nagle_towards(port: u16) {
    let sockets: Vec<_> = tcp_sockets()
        .into_iter()
        .filter(|(peer, _)| peer.port() == port)
        .collect();
    assert!(!sockets.is_empty(), "a connection to port {port} is open");
    for (peer, nodelay) in sockets {
        assert!(nodelay, "the connection to {peer} has Nagle's algorithm on");
    }
}

#[tokio::test]
async fn mariadb_and_redis_connections_never_wait_for_delayed_acks() {
    let database = DatabaseSettings {
        url: scratch_database().await,
        max_connections: 2,
    };
    let db = platform::db::connect_read_committed(&database)
        .await
        .expect("pool");
    assert!(platform::db::ping(&db).await, "MariaDB answers");
    let redis = platform::redis::pool(&RedisSettings {
        url: redis_url(),
        key_prefix: "nodelay:".into(),
    })
    .expect("pool");
    let _held = redis.get().await.expect("a Redis connection");
    assert!(platform::redis::ping(&redis).await, "Redis answers");

    assert_no_nagle_towards(port_of(&database_server_url()));
    assert_no_nagle_towards(port_of(&redis_url()));
}
