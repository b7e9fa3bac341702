//! `/healthz` (the process answers) and `/readyz` (every dependency answers), shared by
//! the binaries. Readiness names each dependency, with the reason when it is down, so an
//! operator sees which one is missing and why. It never blocks on a dependency itself:
//! checks are either reported by the task that owns the dependency or probed with a
//! timeout by the caller.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use actix_web::HttpResponse;
use serde_json::{Value, json};

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The state of one dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub up: bool,
    /// Working, but not as designed (e.g. a fallback in use); still ready.
    pub degraded: bool,
    /// Why it is down (or a note while it is up), never a secret.
    pub detail: Option<String>,
}

impl Check {
    pub fn up() -> Self {
        Self {
            up: true,
            degraded: false,
            detail: None,
        }
    }

    /// Up and ready, but working in a degraded mode described by `detail`.
    pub fn degraded(detail: impl Into<String>) -> Self {
        Self {
            up: true,
            degraded: true,
            detail: Some(detail.into()),
        }
    }

    pub fn down(detail: impl Into<String>) -> Self {
        Self {
            up: false,
            degraded: false,
            detail: Some(detail.into()),
        }
    }

    pub fn from_bool(up: bool, when_down: &str) -> Self {
        if up {
            Self::up()
        } else {
            Self::down(when_down)
        }
    }
}

/// Checks reported by the tasks that own a dependency (the Kafka connector, a reader, a
/// supervised task). Cloning shares the same table.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    checks: Arc<RwLock<BTreeMap<&'static str, Check>>>,
}

impl Readiness {
    pub fn set(&self, name: &'static str, check: Check) {
        let mut checks = self.checks.write().unwrap_or_else(|p| p.into_inner());
        checks.insert(name, check);
    }

    pub fn up(&self, name: &'static str) {
        self.set(name, Check::up());
    }

    pub fn down(&self, name: &'static str, detail: impl Into<String>) {
        self.set(name, Check::down(detail));
    }

    pub fn snapshot(&self) -> BTreeMap<&'static str, Check> {
        self.checks
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether every reported check is up.
    pub fn is_ready(&self) -> bool {
        self.snapshot().values().all(|c| c.up)
    }
}

/// Builds the `/readyz` answer from named checks: 200 when all pass, else 503.
pub fn readiness(checks: BTreeMap<&'static str, Check>) -> HttpResponse {
    let ready = checks.values().all(|c| c.up);
    let degraded = checks.values().any(|c| c.degraded);
    let described: BTreeMap<&str, Value> = checks
        .iter()
        .map(|(name, check)| {
            let status = match (check.up, check.degraded) {
                (false, _) => "down",
                (true, true) => "degraded",
                (true, false) => "up",
            };
            let mut value = json!({ "status": status });
            if let Some(detail) = &check.detail {
                value["detail"] = Value::String(detail.clone());
            }
            (*name, value)
        })
        .collect();
    let mut body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "checks": described,
    });
    if degraded {
        body["degraded"] = Value::Bool(true);
    }
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "1"))
            .json(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_down_check_keeps_its_reason_until_it_is_up_again() {
        let readiness = Readiness::default();
        readiness.down("kafka", "the broker is not reachable");
        readiness.up("mariadb");
        assert!(!readiness.is_ready());
        let kafka = readiness.snapshot()["kafka"].clone();
        assert_eq!(kafka.detail.as_deref(), Some("the broker is not reachable"));
        readiness.up("kafka");
        assert!(readiness.is_ready());
    }
}
