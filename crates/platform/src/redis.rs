//! The Redis pool: deadpool over redis-rs multiplexed connections, one pool per thread,
//! and a readiness ping. Keys and channels always carry the configured prefix so tests
//! and environments never collide. Connections never leave Nagle's algorithm on.
//!
//! A checkout must never cost a round trip of its own while the connection is proving
//! itself alive: deadpool-redis's manager sends `UNWATCH` + `PING` on *every* checkout,
//! which doubled the Redis round trips of every cached read and rate-limit check. Here a
//! connection is pinged only after [`TRUSTED_FOR`] without a reply, and a connection that
//! failed with a connection-level error is never handed out again.
//!
//! Each thread has its own pool, so a connection is created, and its driver task
//! spawned, by the thread that uses it: on actix's one-runtime-per-worker threads a
//! request then never hands its Redis I/O to another worker's thread and waits to be
//! woken back (two cross-thread wake-ups per command otherwise).

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use deadpool::managed::{self, Metrics, PoolError, RecycleError, RecycleResult};
use deadpool_redis::redis::aio::{ConnectionLike, MultiplexedConnection};
use deadpool_redis::redis::{
    self, Cmd, ConnectionInfo, IntoConnectionInfo, Pipeline, RedisError, RedisFuture, RedisResult,
    Value,
};
use thread_local::ThreadLocal;

use crate::config::RedisSettings;

/// How long a reply proves a connection alive: checked out within this span of its last
/// reply, it is handed out without a `PING`.
pub const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// The pool every service and the rate limiter use: cheap to clone, one deadpool per
/// thread behind it.
#[derive(Clone)]
pub struct Pool {
    shared: Arc<Shared>,
}

struct Shared {
    info: ConnectionInfo,
    trusted_for: Duration,
    per_thread: ThreadLocal<RefCell<Option<OwnPool>>>,
}

/// A thread's pool and the thread it was built for. `ThreadLocal` hands an exited
/// thread's slot to the next new thread, whose runtime never drove those connections;
/// `ThreadId`s are never reused, so the new thread sees the slot is not its own.
struct OwnPool {
    thread: ThreadId,
    pool: ThreadPool,
}

type ThreadPool = managed::Pool<Manager, Connection>;

impl Pool {
    /// A connection from this thread's pool (created on first use).
    pub async fn get(&self) -> Result<Connection, PoolError<RedisError>> {
        let pool = self.thread_pool()?;
        pool.get().await
    }

    fn thread_pool(&self) -> Result<ThreadPool, PoolError<RedisError>> {
        let thread = std::thread::current().id();
        let mut slot = self.shared.per_thread.get_or_default().borrow_mut();
        match &*slot {
            Some(own) if own.thread == thread => Ok(own.pool.clone()),
            _ => {
                let pool = self.shared.thread_pool()?;
                *slot = Some(OwnPool {
                    thread,
                    pool: pool.clone(),
                });
                Ok(pool)
            }
        }
    }
}

impl Shared {
    fn thread_pool(&self) -> Result<ThreadPool, PoolError<RedisError>> {
        let manager = Manager {
            inner: deadpool_redis::Manager::new(self.info.clone()).map_err(PoolError::Backend)?,
            trusted_for: self.trusted_for,
        };
        ThreadPool::builder(manager)
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            // deadpool's only build error: no runtime, which is set just above.
            .map_err(|_| PoolError::NoRuntimeSpecified)
    }
}

/// A pool of multiplexed connections to `settings.url`, each with `TCP_NODELAY`.
pub fn pool(settings: &RedisSettings) -> anyhow::Result<Pool> {
    pool_for_url(&settings.url)
}

/// A pool of multiplexed connections to `url`, each with `TCP_NODELAY`.
pub fn pool_for_url(url: &str) -> anyhow::Result<Pool> {
    pool_trusting_replies_for(url, TRUSTED_FOR)
}

/// [`pool_for_url`] with another span than [`TRUSTED_FOR`] (tests use zero: every
/// checkout pings).
pub fn pool_trusting_replies_for(url: &str, trusted_for: Duration) -> anyhow::Result<Pool> {
    let shared = Shared {
        info: connection_info(url)?,
        trusted_for,
        per_thread: ThreadLocal::new(),
    };
    // Whatever could be wrong with the settings shows now, not at the first request.
    shared.thread_pool()?;
    Ok(Pool {
        shared: Arc::new(shared),
    })
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
    redis::cmd("PING")
        .query_async::<String>(&mut conn)
        .await
        .is_ok()
}

/// Creates connections with deadpool-redis's manager; recycles them by their history.
pub struct Manager {
    inner: deadpool_redis::Manager,
    trusted_for: Duration,
}

/// A pooled connection and what its last reply said about it.
pub struct Tracked {
    conn: MultiplexedConnection,
    health: Health,
}

/// What the replies so far say about one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Health {
    /// The last reply came at this instant.
    AnsweredAt(Instant),
    /// A command failed in a way that needs a new connection.
    Broken,
}

impl Health {
    /// After a command's outcome.
    fn after<T>(self, outcome: &RedisResult<T>, now: Instant) -> Health {
        match outcome {
            Err(error) if error.is_unrecoverable_error() => Health::Broken,
            Err(_) => self,
            Ok(_) => Health::AnsweredAt(now),
        }
    }

    /// What a checkout must do before handing the connection out.
    fn checkout(self, now: Instant, trusted_for: Duration) -> Checkout {
        match self {
            Health::Broken => Checkout::Discard,
            Health::AnsweredAt(at) if now.saturating_duration_since(at) < trusted_for => {
                Checkout::HandOut
            }
            Health::AnsweredAt(_) => Checkout::PingFirst,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Checkout {
    HandOut,
    PingFirst,
    Discard,
}

impl managed::Manager for Manager {
    type Type = Tracked;
    type Error = RedisError;

    async fn create(&self) -> Result<Tracked, RedisError> {
        let conn = managed::Manager::create(&self.inner).await?;
        Ok(Tracked {
            conn,
            health: Health::AnsweredAt(Instant::now()),
        })
    }

    async fn recycle(&self, tracked: &mut Tracked, _: &Metrics) -> RecycleResult<RedisError> {
        match tracked.health.checkout(Instant::now(), self.trusted_for) {
            Checkout::HandOut => Ok(()),
            Checkout::Discard => Err(RecycleError::message("the connection failed")),
            Checkout::PingFirst => {
                let _: String = redis::cmd("PING").query_async(tracked).await?;
                Ok(())
            }
        }
    }
}

/// Every command through a pooled connection, the checkout's ping included, records
/// what its outcome says about the connection.
impl ConnectionLike for Tracked {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(async move {
            let outcome = self.conn.req_packed_command(cmd).await;
            self.health = self.health.after(&outcome, Instant::now());
            outcome
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            let outcome = self.conn.req_packed_commands(pipeline, offset, count).await;
            self.health = self.health.after(&outcome, Instant::now());
            outcome
        })
    }

    fn get_db(&self) -> i64 {
        self.conn.get_db()
    }
}

/// A checked-out connection: usable wherever redis-rs takes a `ConnectionLike`.
pub struct Connection {
    object: managed::Object<Manager>,
}

impl From<managed::Object<Manager>> for Connection {
    fn from(object: managed::Object<Manager>) -> Self {
        Self { object }
    }
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        self.object.req_packed_command(cmd)
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        self.object.req_packed_commands(pipeline, offset, count)
    }

    fn get_db(&self) -> i64 {
        self.object.get_db()
    }
}

/// Runs `attempt` and, if it fails, once more. A command that failed at the connection
/// level retires its connection (a connection the server dropped within its trusted
/// second reaches one caller that way), so the second attempt runs on a fresh one. Only
/// for work that is harmless to repeat: version- or epoch-guarded writes, notifications.
pub async fn idempotent<T, E, Fut>(mut attempt: impl FnMut() -> Fut) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    match attempt().await {
        Ok(done) => Ok(done),
        Err(_) => attempt().await,
    }
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

    #[test]
    fn a_recent_reply_spares_the_ping_and_an_old_one_does_not() {
        let now = Instant::now();
        let fresh = Health::AnsweredAt(now);
        let trusted_for = Duration::from_secs(1);
        assert_eq!(
            fresh.checkout(now + trusted_for / 2, trusted_for),
            Checkout::HandOut
        );
        assert_eq!(
            fresh.checkout(now + trusted_for, trusted_for),
            Checkout::PingFirst
        );
        assert_eq!(Health::Broken.checkout(now, trusted_for), Checkout::Discard);
    }

    #[tokio::test]
    async fn idempotent_work_is_tried_once_more_and_no_more() {
        let tries = std::cell::Cell::new(0);
        let failing_once = idempotent(|| {
            tries.set(tries.get() + 1);
            let n = tries.get();
            async move { if n == 1 { Err("dropped") } else { Ok(n) } }
        })
        .await;
        assert_eq!(failing_once, Ok(2));
        tries.set(0);
        let failing: Result<(), _> = idempotent(|| {
            tries.set(tries.get() + 1);
            async { Err("down") }
        })
        .await;
        assert_eq!((failing, tries.get()), (Err("down"), 2));
    }

    #[test]
    fn a_connection_error_breaks_the_connection_and_a_reply_refreshes_it() {
        let then = Instant::now();
        let now = then + Duration::from_secs(3);
        let dropped: RedisResult<()> = Err(RedisError::from(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        let refused_command: RedisResult<()> = Err(RedisError::from((
            redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError),
            "WRONGTYPE",
        )));
        let health = Health::AnsweredAt(then);
        assert_eq!(health.after(&dropped, now), Health::Broken);
        assert_eq!(
            health.after(&refused_command, now),
            health,
            "the server answered"
        );
        assert_eq!(health.after(&Ok(()), now), Health::AnsweredAt(now));
    }
}
