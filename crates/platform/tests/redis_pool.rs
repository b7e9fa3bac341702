//! The Redis pool against a real Redis: a connection in steady use is handed out without a
//! `PING` of its own (deadpool-redis's manager sent `UNWATCH` + `PING` at every checkout,
//! a second round trip for every cached read), an idle one is pinged, and a connection the
//! server dropped is never handed out again. What each connection sent is read from
//! Redis's `MONITOR` stream, filtered by the connection's own address, so other clients of
//! the same server cannot disturb the counts.

use std::time::Duration;

use platform::redis::{Pool, pool_for_url, pool_trusting_replies_for};
use platform::testing::{kill_redis_client, redis_client_id, redis_url, unique_suffix};
use redis::AsyncCommands;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const DEADLINE: Duration = Duration::from_secs(20);

/// Redis's `MONITOR` stream, one line per command any client runs.
struct Monitor {
    lines: tokio::io::Lines<BufReader<TcpStream>>,
}

impl Monitor {
    async fn start() -> Monitor {
        let url = redis_url();
        let address = url
            .trim_start_matches("redis://")
            .split('/')
            .next()
            .expect("host:port")
            .to_owned();
        let mut stream = TcpStream::connect(&address)
            .await
            .expect("Redis is reachable");
        stream
            .write_all(b"MONITOR\r\n")
            .await
            .expect("MONITOR sent");
        let mut lines = BufReader::new(stream).lines();
        let ok = lines.next_line().await.expect("a reply").expect("a line");
        assert_eq!(ok, "+OK", "MONITOR is accepted");
        Monitor { lines }
    }

    /// The commands `client` (an `ip:port`) ran, upper-cased, up to and including the
    /// first `ECHO` of `last`.
    async fn commands_of(&mut self, client: &str, last: &str) -> Vec<String> {
        let from = format!(" {client}] ");
        let end = format!("\"ECHO\" \"{last}\"");
        let mut seen = Vec::new();
        let read = async {
            while let Some(line) = self.lines.next_line().await.expect("monitor line") {
                let Some((_, command)) = line.split_once(&from) else {
                    continue;
                };
                let name = command.split('"').nth(1).unwrap_or_default();
                seen.push(name.to_uppercase());
                if command.starts_with(&end) {
                    return;
                }
            }
        };
        tokio::time::timeout(DEADLINE, read)
            .await
            .unwrap_or_else(|_| panic!("saw {last:?} from {client} in time; saw {seen:?}"));
        seen
    }
}

async fn client_address(pool: &Pool) -> String {
    let mut conn = pool.get().await.expect("a connection");
    let info: String = redis::cmd("CLIENT")
        .arg("INFO")
        .query_async(&mut conn)
        .await
        .expect("CLIENT INFO");
    info.split(' ')
        .find_map(|field| field.strip_prefix("addr="))
        .expect("CLIENT INFO names the address")
        .to_owned()
}

/// `checkouts` checkouts of the pool's one connection, each running one `ECHO`, then
/// one `ECHO` of `last`.
async fn use_checkouts(pool: &Pool, checkouts: usize, last: &str) {
    for n in 0..checkouts {
        echo(pool, &n.to_string()).await;
    }
    echo(pool, last).await;
}

/// One checkout running one `ECHO`.
async fn echo(pool: &Pool, what: &str) {
    let mut conn = pool.get().await.expect("a connection");
    let _: String = redis::cmd("ECHO")
        .arg(what)
        .query_async(&mut conn)
        .await
        .expect("ECHO");
}

fn count(commands: &[String], name: &str) -> usize {
    commands.iter().filter(|c| *c == name).count()
}

/// What the pool's one connection sent to Redis over `checkouts` + 1 checkouts.
async fn commands_over_checkouts(pool: &Pool, checkouts: usize) -> Vec<String> {
    let client = client_address(pool).await;
    let mut monitor = Monitor::start().await;
    let last = format!("last-{}", unique_suffix());
    use_checkouts(pool, checkouts, &last).await;
    monitor.commands_of(&client, &last).await
}

#[tokio::test]
async fn a_connection_in_steady_use_is_handed_out_without_a_ping() {
    let pool = pool_for_url(&redis_url()).expect("pool");
    let commands = commands_over_checkouts(&pool, 50).await;
    assert_eq!(
        count(&commands, "ECHO"),
        51,
        "every command arrived: {commands:?}"
    );
    assert_eq!(
        count(&commands, "PING"),
        0,
        "no checkout pinged: {commands:?}"
    );
    assert_eq!(
        count(&commands, "UNWATCH"),
        0,
        "no checkout unwatched: {commands:?}"
    );
}

#[tokio::test]
async fn a_connection_not_heard_from_within_the_span_is_pinged_at_checkout() {
    let pool = pool_trusting_replies_for(&redis_url(), Duration::ZERO).expect("pool");
    let commands = commands_over_checkouts(&pool, 5).await;
    assert_eq!(
        count(&commands, "PING"),
        6,
        "one per checkout: {commands:?}"
    );
}

#[tokio::test]
async fn a_connection_the_server_dropped_is_never_handed_out_again() {
    let pool = pool_for_url(&redis_url()).expect("pool");
    let key = format!("pooltest:{}", unique_suffix());
    let mut held = pool.get().await.expect("a connection");
    let id = redis_client_id(&mut held).await;

    kill_redis_client(id).await;

    let failed: redis::RedisResult<()> = held.set(&key, "lost").await;
    assert!(failed.is_err(), "a dropped connection cannot answer");
    drop(held);

    // Within the trust span of its last reply, yet not handed out: it failed.
    let mut next = pool.get().await.expect("a connection");
    let _: () = next
        .set(&key, "kept")
        .await
        .expect("the next checkout works");
    let new_id = redis_client_id(&mut next).await;
    assert_ne!(new_id, id, "a new connection replaced the dropped one");
    let _: () = next.del(&key).await.expect("cleanup");
}

/// The server-side id of the connection a checkout on this thread gets.
async fn connection_id(pool: &Pool) -> i64 {
    redis_client_id(&mut pool.get().await.expect("a connection")).await
}

/// Two checkouts, one after the other, on a thread of its own with its own runtime (as
/// each actix worker has).
fn ids_on_a_new_thread(pool: &Pool) -> (i64, i64) {
    let pool = pool.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async { (connection_id(&pool).await, connection_id(&pool).await) })
    })
    .join()
    .expect("the thread finished")
}

#[test]
fn each_thread_uses_connections_of_its_own() {
    let pool = pool_for_url(&redis_url()).expect("pool");
    let (first, again) = ids_on_a_new_thread(&pool);
    assert_eq!(first, again, "a thread reuses its idle connection");
    // The first thread's connection is idle in the pool now; another thread must not
    // get it, or every command would be driven by a runtime that is not its own.
    let (other, _) = ids_on_a_new_thread(&pool);
    assert_ne!(other, first, "another thread opened its own connection");
}
