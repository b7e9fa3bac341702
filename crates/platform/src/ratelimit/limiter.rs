//! The limiter a service asks once per request: Redis first (one `EVALSHA`, see
//! `script`), the in-process `Fallback` when Redis fails or is slow. While degraded it
//! asks Redis again at most once a second, so a dead Redis costs no latency and a
//! recovered one is used again within a second. Reports `clustergenie_rate_limit_requests_total
//! {policy,route,outcome}` and `clustergenie_rate_limit_fallback_active`; labels never carry a
//! user or cluster id.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use contract::rate_limit::{RateLimitPolicy, RateLimitRule};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge};

use super::fallback::Fallback;
use super::script::{Request, Script};
use super::store::{DocumentKey, Keys};
use super::verdict::Verdict;
use super::{RateLimitSettings, Subject};
use crate::health::Check;
use crate::metrics::Metrics;

/// How often a degraded limiter tries Redis again.
const RETRY_REDIS_EVERY: Duration = Duration::from_secs(1);

pub struct Limiter {
    redis: crate::redis::Pool,
    keys: Keys,
    script: Script,
    defaults: Vec<RateLimitRule>,
    defaults_doc: String,
    fallback: Fallback,
    timeout: Duration,
    degraded: AtomicBool,
    last_try: Mutex<Option<Instant>>,
    requests: Counter<u64>,
    fallback_active: Gauge<u64>,
}

impl Limiter {
    /// `service_redis_url` is used unless the settings name another Redis.
    pub fn new(
        settings: &RateLimitSettings,
        service_redis_url: &str,
        key_prefix: &str,
        document_key: DocumentKey,
        metrics: &Metrics,
    ) -> anyhow::Result<Self> {
        let url = settings.redis_url.as_deref().unwrap_or(service_redis_url);
        let redis = crate::redis::pool_for_url(url)?;
        let defaults = settings.rules()?;
        let keys = Keys::new(key_prefix, document_key);
        let defaults_doc = serde_json::to_string(&keys.default_document(&defaults, 0))?;
        let meter = metrics.meter("ratelimit");
        let fallback_active = meter
            .u64_gauge("clustergenie_rate_limit_fallback_active")
            .build();
        fallback_active.record(0, &[]);
        Ok(Self {
            redis,
            fallback: Fallback::new(&defaults),
            keys,
            script: Script::default(),
            defaults,
            defaults_doc,
            timeout: Duration::from_millis(settings.redis_timeout_ms.unwrap_or(250)),
            degraded: AtomicBool::new(false),
            last_try: Mutex::new(None),
            requests: meter
                .u64_counter("clustergenie_rate_limit_requests")
                .build(),
            fallback_active,
        })
    }

    /// Checks every rule that applies to `subject`, or only reports them (`Mode`).
    pub async fn check(&self, subject: &Subject<'_>) -> Verdict {
        let verdict = match self.should_ask_redis() {
            true => match self.ask_redis(subject).await {
                Ok(verdict) => {
                    self.set_degraded(false, None);
                    verdict
                }
                Err(error) => {
                    self.set_degraded(true, Some(&error));
                    self.fallback.check(subject)
                }
            },
            false => self.fallback.check(subject),
        };
        if subject.mode.consumes() {
            self.count(&verdict, subject.route);
        }
        verdict
    }

    /// For `/readyz`: up, or up but degraded while the fallback decides.
    pub fn readiness(&self) -> Check {
        if self.degraded.load(Ordering::Relaxed) {
            Check::degraded("Redis is unreachable; the in-process fallback limiter decides")
        } else {
            Check::up()
        }
    }

    pub fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    /// The configured defaults (used until an admin stores others).
    pub fn defaults(&self) -> &[RateLimitRule] {
        &self.defaults
    }

    /// The configured defaults as the policy resource of version 0.
    pub fn default_document(&self) -> RateLimitPolicy {
        self.keys.default_document(&self.defaults, 0)
    }

    /// Makes the next check meet `NOSCRIPT`, as after a Redis restart.
    #[cfg(test)]
    pub fn forget_script_for_test(&self) {
        self.script
            .pretend_loaded("0000000000000000000000000000000000000000");
    }

    pub fn redis(&self) -> &crate::redis::Pool {
        &self.redis
    }

    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    async fn ask_redis(&self, subject: &Subject<'_>) -> anyhow::Result<Verdict> {
        let user_doc = self.keys.user(subject.user);
        let request = Request {
            user_doc: &user_doc,
            default_doc: self.keys.default_key(),
            bucket_prefix: self.keys.bucket_prefix(),
            fallback_doc: &self.defaults_doc,
            mutation: subject.mutation,
            route: subject.route,
            user: subject.user,
            cluster: subject.cluster,
            mode: subject.mode,
        };
        let asked = async {
            let mut conn = self.redis.get().await?;
            anyhow::Ok(self.script.run(&mut conn, &request).await?)
        };
        tokio::time::timeout(self.timeout, asked)
            .await
            .map_err(|_| anyhow::anyhow!("Redis did not answer within {:?}", self.timeout))?
    }

    fn should_ask_redis(&self) -> bool {
        if !self.degraded.load(Ordering::Relaxed) {
            return true;
        }
        let mut last = self.last_try.lock().unwrap_or_else(|p| p.into_inner());
        let due = last.is_none_or(|at| at.elapsed() >= RETRY_REDIS_EVERY);
        if due {
            *last = Some(Instant::now());
        }
        due
    }

    fn set_degraded(&self, degraded: bool, error: Option<&anyhow::Error>) {
        let was = self.degraded.swap(degraded, Ordering::Relaxed);
        if was == degraded {
            return;
        }
        if degraded {
            *self.last_try.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
            tracing::warn!(
                error = error.map(|e| format!("{e:#}")),
                "rate limiter falls back to per-instance limits"
            );
        } else {
            tracing::info!("rate limiter uses Redis again");
        }
        self.fallback_active.record(u64::from(degraded), &[]);
    }

    fn count(&self, verdict: &Verdict, route: &str) {
        for rule in &verdict.rules {
            let outcome = match (rule.limited, verdict.limited) {
                (true, _) => "limited",
                (false, false) => "allowed",
                (false, true) => continue,
            };
            self.requests.add(
                1,
                &[
                    KeyValue::new("policy", rule.name.clone()),
                    KeyValue::new("route", route.to_owned()),
                    KeyValue::new("outcome", outcome),
                ],
            );
        }
    }
}
